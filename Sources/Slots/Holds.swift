import Domain
import Foundation
import Postgres

extension SlotService {
    /// How long a hold keeps its capacity while the customer checks out.
    public static let holdLifetime: TimeInterval = 10 * 60

    /// Takes capacity for `pickingMinutes` (and one order) in the slot for 10 minutes.
    /// A new hold for the same basket replaces its previous one.
    public func hold(storeID: Int64, slotID: Int64, basketID: UUID, pickingMinutes: Double, now: Date = WallClock.now()) async throws -> SlotHold {
        try await pool.withTransaction { session in
            try await hold(storeID: storeID, slotID: slotID, basketID: basketID, pickingMinutes: pickingMinutes, now: now, in: session)
        }
    }

    /// The same, inside the caller's transaction (checkout reads and updates the basket in it too).
    public func hold(
        storeID: Int64, slotID: Int64, basketID: UUID, pickingMinutes: Double, now: Date = WallClock.now(), in session: PostgresSession
    ) async throws -> SlotHold {
        let minutes = try Self.validPickingMinutes(pickingMinutes)
        // The previous hold's slot and the new one are locked in slot order first: a basket
        // moving A→B while another moves B→A would otherwise lock them crosswise and deadlock.
        let lockSlots: SQL = """
            SELECT slot_id FROM slots
             WHERE store_id = \(storeID)
               AND slot_id IN (SELECT slot_id FROM slot_holds WHERE store_id = \(storeID) AND basket_id = \(basketID)
                               UNION ALL SELECT \(slotID))
             ORDER BY slot_id
               FOR UPDATE
            """
        let releasePrevious = CapacityStatements.release(
            "DELETE FROM slot_holds WHERE store_id = \(storeID) AND basket_id = \(basketID) RETURNING store_id, slot_id, orders, minutes"
        )
        let holdID = RandomText.uuid()
        let expiresAt = now.addingTimeInterval(Self.holdLifetime)
        // The lock, the release and the take go out in one round trip, one after the other,
        // and the hold is written by the statement that takes the capacity: the slots stay
        // locked for one round trip less per statement (only the COMMIT's is left).
        let slot = try await Self.take(storeID: storeID, slotID: slotID, minutes: minutes, now: now, in: session, after: [lockSlots, releasePrevious], recording: """
            INSERT INTO slot_holds (store_id, hold_id, slot_id, basket_id, orders, minutes, expires_at)
            SELECT \(storeID), \(holdID), \(slotID), \(basketID), 1, \(minutes)::numeric, \(expiresAt) FROM taken
            """)
        return SlotHold(
            holdID: holdID, storeID: storeID, slotID: slotID, minutes: minutes, expiresAt: expiresAt,
            start: slot.start, end: slot.end, feeCents: slot.feeCents
        )
    }

    public func releaseHold(storeID: Int64, holdID: UUID) async throws {
        try await pool.withTransaction { session in
            try await session.release(
                "DELETE FROM slot_holds WHERE store_id = \(storeID) AND hold_id = \(holdID) RETURNING store_id, slot_id, orders, minutes"
            )
        }
    }

    /// The hold if it is still live (not expired, not yet booked), to show the chosen slot at checkout.
    public func currentHold(storeID: Int64, holdID: UUID?, now: Date = WallClock.now()) async throws -> SlotHold? {
        guard let holdID else { return nil }
        return try await pool.query("""
            SELECT h.hold_id, h.slot_id, h.minutes, h.expires_at, s.starts_at, s.ends_at, t.fee_cents
              FROM slot_holds h
              JOIN slots s ON s.store_id = h.store_id AND s.slot_id = h.slot_id
              JOIN slot_templates t ON t.store_id = h.store_id
             WHERE h.store_id = \(storeID) AND h.hold_id = \(holdID) AND h.expires_at > \(now)
            """).first.map { row in
            SlotHold(
                holdID: try row.decode(UUID.self, "hold_id"), storeID: storeID, slotID: try row.decode(Int64.self, "slot_id"),
                minutes: try row.decode(Double.self, "minutes"), expiresAt: try row.decode(Date.self, "expires_at"),
                start: try row.decode(Date.self, "starts_at"), end: try row.decode(Date.self, "ends_at"),
                feeCents: try row.decode(Int.self, "fee_cents")
            )
        }
    }

    /// The periodic sweep: gives back the capacity of every expired hold of every store.
    /// Returns the number of holds released.
    @discardableResult
    public func releaseExpiredHolds(now: Date = WallClock.now()) async throws -> Int {
        try await pool.withTransaction { session in
            try await session.release(
                "DELETE FROM slot_holds WHERE expires_at <= \(now) RETURNING store_id, slot_id, orders, minutes"
            )
        }
    }

    struct TakenSlot {
        var start: Date
        var end: Date
        var feeCents: Int
    }

    /// The conditional take; when the slot looks full, expired holds of that slot are
    /// reclaimed in the same transaction and the take is tried once more. Throws the reason
    /// when the slot cannot take the order.
    /// With `record` (an INSERT selecting `FROM taken`), it is written in the same statement as the take;
    /// `earlier` statements are sent before the take in the same round trip (the first try only).
    static func take(
        storeID: Int64, slotID: Int64, minutes: Double, now: Date, in session: PostgresSession,
        after earlier: [SQL] = [], recording record: SQL? = nil
    ) async throws -> TakenSlot {
        let statement = record.map { CapacityStatements.take(storeID: storeID, slotID: slotID, minutes: minutes, now: now, recording: $0) }
            ?? CapacityStatements.take(storeID: storeID, slotID: slotID, minutes: minutes, now: now)
        var rows = try await session.pipeline(earlier + [statement])[earlier.count]
        if rows.isEmpty, try await session.release(CapacityStatements.expiredHolds(storeID: storeID, slotID: slotID, now: now)) > 0 {
            rows = try await session.query(statement)
        }
        guard let row = rows.first else { throw try await refusal(storeID: storeID, slotID: slotID, now: now, in: session) }
        return TakenSlot(
            start: try row.decode(Date.self, "starts_at"),
            end: try row.decode(Date.self, "ends_at"),
            feeCents: try row.decode(Int.self, "fee_cents")
        )
    }

    /// Why a take found no row: read only to word the error, never to decide capacity.
    static func refusal(storeID: Int64, slotID: Int64, now: Date, in session: PostgresSession) async throws -> SlotError {
        let rows = try await session.query("""
            SELECT s.status, s.starts_at - make_interval(mins => t.cutoff_minutes) <= \(now) AS past_cutoff
              FROM slots s JOIN slot_templates t ON t.store_id = s.store_id
             WHERE s.store_id = \(storeID) AND s.slot_id = \(slotID)
            """)
        guard let row = rows.first else { return .unknownSlot }
        if try row.decode(String.self, "status") == "closed" { return .storeClosed }
        if try row.decode(Bool.self, "past_cutoff") { return .pastCutoff }
        return .slotFull
    }

    /// Minutes are kept to the hundredth (numeric(10,2)) so sums of reservations stay exact.
    static func validPickingMinutes(_ minutes: Double) throws -> Double {
        guard minutes.isFinite, minutes > 0, minutes <= 1440 else {
            throw SlotError.invalid("Picking minutes must be between 0 and 1440, not \(minutes).")
        }
        return max(0.01, (minutes * 100).rounded() / 100)
    }
}
