import Domain
import Foundation
import Postgres
import Slots

/// An order the manager should look at, and why.
public struct OrderAttention: Sendable, Codable, Equatable {
    public enum Reason: String, Sendable, Codable {
        /// A re-plan found the slot can no longer be kept with the staff rostered.
        case atRisk = "at-risk"
        /// The slot has started and the order is not ready.
        case notReady = "not-ready"
        /// The customer checked in and has waited longer than promised.
        case waiting
    }

    public var orderID: UUID
    public var orderNumber: String
    public var customerName: String?
    public var status: String
    public var slotStart: Date
    public var reason: Reason
    /// Late by (not ready, waiting) or short of picking minutes (at risk).
    public var minutes: Double
}

/// Someone who picked today.
public struct ActivePicker: Sendable, Codable, Equatable {
    public var name: String
    /// Claimed, or picked and waiting to be staged.
    public var tasksInHand: Int
    public var tasksStaged: Int
    public var lastActivity: Date
}

/// A placed order not in the picking queue yet (its lead time has not started).
public struct UpcomingOrder: Sendable, Codable, Equatable {
    public var orderID: UUID
    public var orderNumber: String
    public var slotStart: Date
    public var lines: Int
}

/// The manager's view of one store day.
public struct StoreDay: Sendable, Codable, Equatable {
    public var date: String
    public var slots: [SlotLoad]
    public var atRisk: [OrderAttention]
    public var late: [OrderAttention]
    public var pickers: [ActivePicker]
    public var upcoming: [UpcomingOrder]
    /// Handovers of the day and how many were within the promised wait.
    public var promise: PromiseRate
}

extension PickingService {
    /// The day's slots with booked / capacity, orders at risk, orders late
    /// against their promise (at `now`), who picked, and what is still to come.
    public func storeDay(storeID: Int64, date: String, now: Date = WallClock.now()) async throws -> StoreDay {
        let slotLoads = try await slots.dayLoad(storeID: storeID, date: date)
        let day: SQL = """
            o.slot_starts_at >= (\(date)::date::timestamp AT TIME ZONE st.time_zone)
            AND o.slot_starts_at < ((\(date)::date + 1)::timestamp AT TIME ZONE st.time_zone)
            """
        let attention = try await pool.query("""
            SELECT o.order_id, o.order_number, o.customer_name, o.status, o.slot_starts_at,
                   CASE WHEN sb.status = 'at-risk' AND o.status IN ('placed', 'picking') THEN 'at-risk'
                        WHEN o.status IN ('placed', 'picking') AND o.slot_starts_at < \(now) THEN 'not-ready'
                        ELSE 'waiting' END AS reason,
                   CASE WHEN sb.status = 'at-risk' AND o.status IN ('placed', 'picking') THEN sb.minutes_missing::float8
                        WHEN o.status IN ('placed', 'picking') AND o.slot_starts_at < \(now)
                             THEN extract(epoch FROM \(now) - o.slot_starts_at) / 60
                        ELSE extract(epoch FROM \(now) - greatest(a.arrived_at, o.slot_starts_at)) / 60 END AS minutes
              FROM stores st
              JOIN orders o ON o.store_id = st.store_id
              LEFT JOIN slot_bookings sb ON sb.store_id = o.store_id AND sb.order_id = o.order_id
              LEFT JOIN arrivals a ON a.store_id = o.store_id AND a.order_id = o.order_id AND a.handed_over_at IS NULL
             WHERE st.store_id = \(storeID) AND o.status IN ('placed', 'picking', 'ready') AND \(day)
               AND ((sb.status = 'at-risk' AND o.status IN ('placed', 'picking'))
                    OR (o.status IN ('placed', 'picking') AND o.slot_starts_at < \(now))
                    OR (a.arrived_at IS NOT NULL
                        AND \(now) - greatest(a.arrived_at, o.slot_starts_at) > make_interval(secs => coalesce(sb.promised_wait_minutes, 5) * 60)))
             ORDER BY o.slot_starts_at, o.order_number
            """).map { row in
            OrderAttention(
                orderID: try row.decode(UUID.self, "order_id"), orderNumber: try row.decode(String.self, "order_number"),
                customerName: try row.decode(String?.self, "customer_name"), status: try row.decode(String.self, "status"),
                slotStart: try row.decode(Date.self, "slot_starts_at"),
                reason: OrderAttention.Reason(rawValue: try row.decode(String.self, "reason")) ?? .notReady,
                minutes: try row.decode(Double?.self, "minutes") ?? 0
            )
        }
        let pickers = try await pool.query("""
            SELECT t.claimed_by, count(*) FILTER (WHERE t.status IN ('claimed', 'picked'))::int AS in_hand,
                   count(*) FILTER (WHERE t.status = 'staged')::int AS staged, max(t.last_progress_at) AS last_activity
              FROM stores st
              JOIN picking_tasks t ON t.store_id = st.store_id
             WHERE st.store_id = \(storeID) AND t.claimed_by IS NOT NULL
               AND t.last_progress_at >= (\(date)::date::timestamp AT TIME ZONE st.time_zone)
               AND t.last_progress_at < ((\(date)::date + 1)::timestamp AT TIME ZONE st.time_zone)
             GROUP BY t.claimed_by
             ORDER BY max(t.last_progress_at) DESC
            """).map { row in
            ActivePicker(
                name: try row.decode(String.self, "claimed_by"), tasksInHand: try row.decode(Int.self, "in_hand"),
                tasksStaged: try row.decode(Int.self, "staged"), lastActivity: try row.decode(Date.self, "last_activity")
            )
        }
        let upcoming = try await pool.query("""
            SELECT o.order_id, o.order_number, o.slot_starts_at,
                   (SELECT count(*) FROM order_lines ol WHERE ol.store_id = o.store_id AND ol.order_id = o.order_id)::int AS lines
              FROM stores st
              JOIN orders o ON o.store_id = st.store_id
             WHERE st.store_id = \(storeID) AND o.status = 'placed' AND \(day)
             ORDER BY o.slot_starts_at, o.order_number
            """).map { row in
            UpcomingOrder(
                orderID: try row.decode(UUID.self, "order_id"), orderNumber: try row.decode(String.self, "order_number"),
                slotStart: try row.decode(Date.self, "slot_starts_at"), lines: try row.decode(Int.self, "lines")
            )
        }
        let dayStart = slotLoads.first?.start ?? now
        let dayEnd = slotLoads.last?.end ?? now
        let promise = try await slots.promiseKeptRate(storeID: storeID, from: dayStart, to: dayEnd).store
        return StoreDay(
            date: date, slots: slotLoads,
            atRisk: attention.filter { $0.reason == .atRisk }, late: attention.filter { $0.reason != .atRisk },
            pickers: pickers, upcoming: upcoming, promise: promise
        )
    }
}
