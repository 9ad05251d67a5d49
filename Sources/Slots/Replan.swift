import Domain
import Forecast
import Foundation
import Notices
import Postgres

/// What a re-plan changed, for logs and the manager.
public struct ReplanSummary: Sendable, Codable, Equatable {
    /// Future slots whose capacity was recomputed.
    public var slots: Int
    /// Future slots whose reservations exceed what the roster now supports.
    public var atRiskSlots: Int
    /// Future bookings flagged at risk after the re-plan.
    public var atRiskBookings: Int
    /// Holds released because their slot became over-committed (a hold is not a promise).
    public var releasedHolds: Int

    public static let empty = ReplanSummary(slots: 0, atRiskSlots: 0, atRiskBookings: 0, releasedHolds: 0)
}

extension SlotService {
    /// Recomputes the capacity of every future slot from the roster, the forecast and the
    /// opening hours (after a roster change, a forecast refit or new closures).
    ///
    /// Planned capacity is written as is; the sellable capacity becomes
    /// GREATEST(planned, reserved), so the CHECK holds and an over-committed slot sells
    /// nothing more. In such slots holds are released and the latest bookings flagged at
    /// risk with the minutes missing (see `AtRiskFlags`); nothing is silently dropped.
    @discardableResult
    public func replan(storeID: Int64, now: Date = WallClock.now()) async throws -> ReplanSummary {
        try await pool.withTransaction { session in
            try await Self.replan(storeID: storeID, now: now, in: session)
        }
    }

    @discardableResult
    static func replan(storeID: Int64, now: Date, in session: PostgresSession) async throws -> ReplanSummary {
        guard let planner = try await CapacityPlanner.load(storeID: storeID, in: session) else { return .empty }
        let plans = try await planner.slotInputs(storeID: storeID, after: now, in: session).map(planner.plan)
        try await session.query("""
            UPDATE slots s
               SET planned_orders = v.orders, planned_minutes = v.minutes,
                   capacity_orders = GREATEST(v.orders, s.reserved_orders),
                   capacity_minutes = GREATEST(v.minutes, s.reserved_minutes),
                   status = v.status, busyness = v.busyness, expected_wait_minutes = v.wait,
                   binding_constraint = v.binding, computed_at = \(now)
              FROM unnest(\(plans.map { Int($0.slotID) })::bigint[], \(plans.map(\.orders))::integer[],
                          \(plans.map(\.minutes))::numeric(10,2)[], \(plans.map(\.status))::text[],
                          \(plans.map(\.busyness))::text[], \(plans.map(\.expectedWaitMinutes))::numeric(6,2)[],
                          \(plans.map(\.binding))::text[])
                   AS v(slot_id, orders, minutes, status, busyness, wait, binding)
             WHERE s.store_id = \(storeID) AND s.slot_id = v.slot_id
            """)
        let releasedHolds = try await session.release("""
            DELETE FROM slot_holds h USING slots s
             WHERE h.store_id = \(storeID) AND s.store_id = h.store_id AND s.slot_id = h.slot_id
               AND s.starts_at > \(now)
               AND (s.reserved_orders > s.planned_orders OR s.reserved_minutes > s.planned_minutes)
            RETURNING h.store_id, h.slot_id, h.orders, h.minutes
            """)
        let newlyAtRisk = try await AtRiskFlags.reflag(storeID: storeID, after: now, in: session)
        try await noticeAtRisk(storeID: storeID, orderIDs: newlyAtRisk, now: now, in: session)
        let counts = try await session.query("""
            SELECT count(*) FILTER (WHERE s.reserved_orders > s.planned_orders OR s.reserved_minutes > s.planned_minutes) AS slots_at_risk,
                   (SELECT count(*) FROM slot_bookings b JOIN slots bs ON bs.store_id = b.store_id AND bs.slot_id = b.slot_id
                     WHERE b.store_id = \(storeID) AND b.status = 'at-risk' AND bs.starts_at > \(now)) AS bookings_at_risk
              FROM slots s WHERE s.store_id = \(storeID) AND s.starts_at > \(now)
            """).single()
        return ReplanSummary(
            slots: plans.count,
            atRiskSlots: try counts.decode(Int.self, "slots_at_risk"),
            atRiskBookings: try counts.decode(Int.self, "bookings_at_risk"),
            releasedHolds: releasedHolds
        )
    }

    /// Future bookings that a re-plan could not keep, soonest slot first: the manager's list.
    public func atRiskBookings(storeID: Int64, now: Date = WallClock.now()) async throws -> [SlotBooking] {
        try await pool.query("""
            SELECT \(SlotBooking.columns)
              FROM slot_bookings b JOIN slots s ON s.store_id = b.store_id AND s.slot_id = b.slot_id
             WHERE b.store_id = \(storeID) AND b.status = 'at-risk' AND s.starts_at > \(now)
             ORDER BY s.starts_at, b.booked_at
            """).map(SlotBooking.init(row:))
    }

    /// Slots an at-risk (or any) booked customer can move to: the available offers of the
    /// booking's day, then of the next day, without its current slot.
    public func alternativeSlots(storeID: Int64, orderID: UUID, now: Date = WallClock.now()) async throws -> [SlotOffer] {
        try await pool.withConnection { try await Self.alternativeSlots(storeID: storeID, orderID: orderID, now: now, in: $0) }
    }

    static func alternativeSlots(storeID: Int64, orderID: UUID, now: Date, in session: PostgresSession) async throws -> [SlotOffer] {
        let rows = try await session.query("""
            SELECT to_char(s.starts_at AT TIME ZONE st.time_zone, 'YYYY-MM-DD') AS day, b.slot_id
              FROM slot_bookings b
              JOIN slots s ON s.store_id = b.store_id AND s.slot_id = b.slot_id
              JOIN stores st ON st.store_id = b.store_id
             WHERE b.store_id = \(storeID) AND b.order_id = \(orderID) AND b.status <> 'cancelled'
            """)
        guard let row = rows.first else { throw SlotError.invalid("This order has no booked slot at this store.") }
        let day = try row.decode(String.self, "day")
        let current = try row.decode(Int64.self, "slot_id")
        var alternatives: [SlotOffer] = []
        let nextDay = LocalDate(parsing: day)?.adding(days: 1).description
        for date in [day, nextDay].compactMap({ $0 }) {
            do {
                alternatives += try await offers(storeID: storeID, date: date, now: now, in: session)
                    .filter { $0.available && $0.slotID != current }
            } catch SlotError.outsideHorizon {
                continue
            }
        }
        return alternatives
    }

    /// Tells each newly at-risk customer, in the re-plan's transaction, with the free
    /// slots nearest to theirs. Bookings without an order (or whose order is past
    /// changing) get nothing: NoticeOutbox only writes for orders still `placed`.
    static func noticeAtRisk(storeID: Int64, orderIDs: [UUID], now: Date, in session: PostgresSession) async throws {
        for orderID in orderIDs {
            guard let booking = try await session.query("""
                SELECT s.starts_at FROM slot_bookings b JOIN slots s ON s.store_id = b.store_id AND s.slot_id = b.slot_id
                 WHERE b.store_id = \(storeID) AND b.order_id = \(orderID)
                """).first else { continue }
            let start = try booking.decode(Date.self, "starts_at")
            let nearest = try await alternativeSlots(storeID: storeID, orderID: orderID, now: now, in: session)
                .sorted { abs($0.start.timeIntervalSince(start)) < abs($1.start.timeIntervalSince(start)) }
                .prefix(NoticeOutbox.maxAlternatives)
                .sorted { $0.start < $1.start }
                .map { DateInterval(start: $0.start, end: $0.end) }
            try await NoticeOutbox.enqueue(.atRisk(alternatives: nearest), storeID: storeID, orderID: orderID, at: now, in: session)
        }
    }
}
