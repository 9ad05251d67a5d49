import Domain
import Foundation
import Postgres

extension SlotBooking {
    /// Columns of slot_bookings `b` joined to its slot `s`, in the order `init(row:)` reads them.
    static let columns: SQL = """
        b.store_id, b.order_id, b.slot_id, s.starts_at, s.ends_at, b.minutes, b.fee_cents, b.status,
        b.promised_ready_at, b.promised_wait_minutes, b.minutes_missing
        """

    init(row: PostgresRow) throws {
        self.init(
            storeID: try row.decode(Int64.self, "store_id"),
            orderID: try row.decode(UUID.self, "order_id"),
            slotID: try row.decode(Int64.self, "slot_id"),
            start: try row.decode(Date.self, "starts_at"),
            end: try row.decode(Date.self, "ends_at"),
            minutes: try row.decode(Double.self, "minutes"),
            feeCents: try row.decode(Int.self, "fee_cents"),
            status: try row.decode(String.self, "status"),
            promisedReadyAt: try row.decode(Date.self, "promised_ready_at"),
            promisedWaitMinutes: try row.decode(Double.self, "promised_wait_minutes"),
            minutesMissing: try row.decode(Double?.self, "minutes_missing")
        )
    }
}

extension SlotService {
    /// Inside the order's transaction: turns a live hold into the order's booking.
    /// A previous booking of the same order (cancelled in the same transaction) is replaced.
    ///
    /// A live hold already took the capacity, so nothing is re-checked. A hold that expired
    /// but was not reclaimed yet is released and its capacity taken again with the same
    /// conditional UPDATE as a new hold: if the slot still has room (and is before its
    /// cutoff) the order is booked, otherwise `holdExpired`. A hold already reclaimed is
    /// simply `holdExpired`.
    public func book(storeID: Int64, holdID: UUID, orderID: UUID, in transaction: PostgresSession, now: Date = WallClock.now()) async throws -> SlotBooking {
        try await book(storeID: storeID, holdID: holdID, orderID: orderID, in: transaction, now: now, after: []).booking
    }

    /// The same, with `earlier` statements of the caller's sent before the booking's in one
    /// round trip (their locks are then held one round trip less); answers their rows too.
    public func book(
        storeID: Int64, holdID: UUID, orderID: UUID, in transaction: PostgresSession, now: Date = WallClock.now(), after earlier: [SQL]
    ) async throws -> (booking: SlotBooking, earlier: [PostgresRows]) {
        let liveHold: SQL = """
            DELETE FROM slot_holds
             WHERE store_id = \(storeID) AND hold_id = \(holdID) AND expires_at > \(now)
            RETURNING store_id, slot_id, minutes
            """
        var answers = try await transaction.pipeline(earlier + [Self.insertBooking(from: liveHold, orderID: orderID, now: now)])
        let inserted = answers.removeLast()
        if let booking = try inserted.first.map(SlotBooking.init(row:)) {
            return (booking, answers)
        }
        let expired = try await transaction.query(CapacityStatements.release(
            "DELETE FROM slot_holds WHERE store_id = \(storeID) AND hold_id = \(holdID) RETURNING store_id, slot_id, orders, minutes"
        ))
        guard let row = expired.first else {
            try await refuseIfAlreadyBooked(storeID: storeID, orderID: orderID, in: transaction)
            throw SlotError.holdExpired
        }
        let slotID = try row.decode(Int64.self, "slot_id")
        let minutes = try row.decode(Double.self, "minutes")
        do {
            _ = try await Self.take(storeID: storeID, slotID: slotID, minutes: minutes, now: now, in: transaction)
        } catch is SlotError {
            throw SlotError.holdExpired
        }
        let retaken: SQL = "SELECT \(storeID)::bigint AS store_id, \(slotID)::bigint AS slot_id, \(minutes)::numeric AS minutes"
        guard let booking = try await transaction.query(Self.insertBooking(from: retaken, orderID: orderID, now: now)).first.map(SlotBooking.init(row:)) else {
            try await refuseIfAlreadyBooked(storeID: storeID, orderID: orderID, in: transaction)
            throw SlotError.holdExpired
        }
        return (booking, answers)
    }

    /// Inside the cancelling transaction: gives the order's capacity back.
    public func cancelBooking(storeID: Int64, orderID: UUID, in transaction: PostgresSession) async throws {
        let freed = try await transaction.query(CapacityStatements.release("""
            UPDATE slot_bookings SET status = 'cancelled', minutes_missing = NULL
             WHERE store_id = \(storeID) AND order_id = \(orderID) AND status <> 'cancelled'
            RETURNING store_id, slot_id, orders, minutes
            """))
        // Bookings after this one in an over-committed slot may now fit again. A release
        // only lowers the running totals, so no booking becomes newly at risk here.
        for row in freed {
            _ = try await AtRiskFlags.reflag(storeID: storeID, slotID: try row.decode(Int64.self, "slot_id"), in: transaction)
        }
    }

    public func booking(storeID: Int64, orderID: UUID) async throws -> SlotBooking? {
        try await pool.withConnection { try await booking(storeID: storeID, orderID: orderID, in: $0) }
    }

    /// The same, inside the caller's transaction (an order page read with the order it belongs to).
    public func booking(storeID: Int64, orderID: UUID, in session: PostgresSession) async throws -> SlotBooking? {
        try await session.query("""
            SELECT \(SlotBooking.columns)
              FROM slot_bookings b JOIN slots s ON s.store_id = b.store_id AND s.slot_id = b.slot_id
             WHERE b.store_id = \(storeID) AND b.order_id = \(orderID)
            """).first.map(SlotBooking.init(row:))
    }

    /// Inserts the booking for the (store_id, slot_id, minutes) row that `source` yields and
    /// answers it (`SlotBooking.columns`); no row when it yields none or the order already
    /// has an active booking.
    private static func insertBooking(from source: SQL, orderID: UUID, now: Date) -> SQL {
        """
            WITH source AS (\(source)),
            b AS (
                INSERT INTO slot_bookings AS existing (store_id, order_id, slot_id, minutes, fee_cents, status,
                    promised_ready_at, promised_wait_minutes, booked_at)
                SELECT src.store_id, \(orderID), src.slot_id, src.minutes, t.fee_cents, 'booked',
                       s.starts_at, t.promise_minutes, \(now)
                  FROM source src
                  JOIN slots s ON s.store_id = src.store_id AND s.slot_id = src.slot_id
                  JOIN slot_templates t ON t.store_id = src.store_id
                ON CONFLICT (store_id, order_id) DO UPDATE
                   SET slot_id = EXCLUDED.slot_id, minutes = EXCLUDED.minutes, fee_cents = EXCLUDED.fee_cents,
                       status = 'booked', promised_ready_at = EXCLUDED.promised_ready_at,
                       promised_wait_minutes = EXCLUDED.promised_wait_minutes, minutes_missing = NULL,
                       booked_at = EXCLUDED.booked_at, handed_over_at = NULL, actual_wait_minutes = NULL
                 WHERE existing.status = 'cancelled'
                RETURNING *
            )
            SELECT \(SlotBooking.columns)
              FROM b JOIN slots s ON s.store_id = b.store_id AND s.slot_id = b.slot_id
            """
    }

    private func refuseIfAlreadyBooked(storeID: Int64, orderID: UUID, in session: PostgresSession) async throws {
        let active = try await session.query("""
            SELECT 1 FROM slot_bookings WHERE store_id = \(storeID) AND order_id = \(orderID) AND status <> 'cancelled'
            """)
        if !active.isEmpty { throw SlotError.invalid("This order already has a booked slot; cancel it first.") }
    }
}
