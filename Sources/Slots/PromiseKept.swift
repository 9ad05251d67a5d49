import Foundation
import Postgres

/// How often the wait promise was kept over a set of handovers.
public struct PromiseRate: Sendable, Codable, Equatable {
    public var handovers: Int
    public var kept: Int

    public init(handovers: Int, kept: Int) {
        self.handovers = handovers
        self.kept = kept
    }
    /// kept ÷ handovers; nil without handovers.
    public var rate: Double? { handovers > 0 ? Double(kept) / Double(handovers) : nil }
}

public struct SlotPromiseRate: Sendable, Codable, Equatable {
    public var slotID: Int64
    public var start: Date
    public var rate: PromiseRate
}

public struct PromiseReport: Sendable, Codable, Equatable {
    public var store: PromiseRate
    public var slots: [SlotPromiseRate]
}

extension SlotService {
    /// Records a handover and the customer's actual wait: from when they could be served
    /// (arrival, or the slot's start if they came early) to the handover. Returns the wait.
    @discardableResult
    public func recordHandover(storeID: Int64, orderID: UUID, arrivedAt: Date, handedOverAt: Date) async throws -> Double {
        try await pool.withConnection { session in
            try await recordHandover(storeID: storeID, orderID: orderID, arrivedAt: arrivedAt, handedOverAt: handedOverAt, in: session)
        }
    }

    /// The same, inside the caller's transaction (the picking service's handover).
    @discardableResult
    public func recordHandover(
        storeID: Int64, orderID: UUID, arrivedAt: Date, handedOverAt: Date, in session: PostgresSession
    ) async throws -> Double {
        guard handedOverAt >= arrivedAt else {
            throw SlotError.invalid("An order cannot be handed over before the customer arrived.")
        }
        let rows = try await session.query("""
            UPDATE slot_bookings b
               SET handed_over_at = \(handedOverAt),
                   actual_wait_minutes = GREATEST(0, extract(epoch FROM \(handedOverAt) - GREATEST(\(arrivedAt), s.starts_at)) / 60)
              FROM slots s
             WHERE b.store_id = \(storeID) AND b.order_id = \(orderID) AND b.status <> 'cancelled'
               AND s.store_id = b.store_id AND s.slot_id = b.slot_id
            RETURNING b.actual_wait_minutes
            """)
        guard let row = rows.first else { throw SlotError.invalid("This order has no booked slot at this store.") }
        return try row.decode(Double.self, "actual_wait_minutes")
    }

    /// Share of handovers whose wait stayed within the promise, for slots starting in
    /// [from, to): for the store and for each slot that had handovers.
    public func promiseKeptRate(storeID: Int64, from: Date, to: Date) async throws -> PromiseReport {
        let rows = try await pool.query("""
            SELECT s.slot_id, min(s.starts_at) AS starts_at, GROUPING(s.slot_id) AS is_total,
                   count(*) AS handovers,
                   count(*) FILTER (WHERE b.actual_wait_minutes <= b.promised_wait_minutes) AS kept
              FROM slot_bookings b JOIN slots s ON s.store_id = b.store_id AND s.slot_id = b.slot_id
             WHERE b.store_id = \(storeID) AND b.actual_wait_minutes IS NOT NULL
               AND s.starts_at >= \(from) AND s.starts_at < \(to)
             GROUP BY GROUPING SETS ((), (s.slot_id))
             ORDER BY GROUPING(s.slot_id) DESC, min(s.starts_at)
            """)
        var report = PromiseReport(store: PromiseRate(handovers: 0, kept: 0), slots: [])
        for row in rows {
            let rate = PromiseRate(handovers: try row.decode(Int.self, "handovers"), kept: try row.decode(Int.self, "kept"))
            if try row.decode(Int.self, "is_total") == 1 {
                report.store = rate
            } else {
                report.slots.append(SlotPromiseRate(
                    slotID: try row.decode(Int64.self, "slot_id"), start: try row.decode(Date.self, "starts_at"), rate: rate
                ))
            }
        }
        return report
    }
}
