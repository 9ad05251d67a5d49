import Foundation
import Postgres

/// The only two statements that change a slot's reservations. Capacity is never read and
/// written back: taking is a conditional UPDATE guarded by the row's own values (and by the
/// CHECK slot_not_overbooked), releasing subtracts what the released rows held.
enum CapacityStatements {
    /// Takes one order and `minutes` in an open slot before its cutoff, if they fit.
    /// Returns the slot's start, end and fee, or no row when the slot cannot take them.
    static func take(storeID: Int64, slotID: Int64, minutes: Double, now: Date) -> SQL {
        """
        UPDATE slots s
           SET reserved_orders = s.reserved_orders + 1,
               reserved_minutes = s.reserved_minutes + \(minutes)::numeric
          FROM slot_templates t
         WHERE s.store_id = \(storeID) AND s.slot_id = \(slotID) AND t.store_id = s.store_id
           AND s.status = 'open'
           AND s.starts_at - make_interval(mins => t.cutoff_minutes) > \(now)
           AND s.reserved_orders + 1 <= s.capacity_orders
           AND s.reserved_minutes + \(minutes)::numeric <= s.capacity_minutes
        RETURNING s.starts_at, s.ends_at, t.fee_cents
        """
    }

    /// The same take, with `record` run in the same statement: an INSERT that selects
    /// `FROM taken`, so it writes only when the take succeeded. One round trip less
    /// while the slot's row is locked.
    static func take(storeID: Int64, slotID: Int64, minutes: Double, now: Date, recording record: SQL) -> SQL {
        """
        WITH taken AS (\(take(storeID: storeID, slotID: slotID, minutes: minutes, now: now))),
        recorded AS (\(record))
        SELECT starts_at, ends_at, fee_cents FROM taken
        """
    }

    /// Gives back what the rows `gone` held. `gone` is a DELETE or UPDATE returning
    /// (store_id, slot_id, orders, minutes); it runs in the same statement, so a row is
    /// released exactly once even when a sweep and a booking race for it.
    ///
    /// Capacity follows reservations down toward planned: in a slot a re-plan left
    /// over-committed (capacity > planned), a freed place is not sold again.
    /// Returns one row per slot: slot_id, orders and minutes freed.
    static func release(_ gone: SQL) -> SQL {
        """
        WITH gone AS (\(gone)),
        freed AS (
            SELECT store_id, slot_id, sum(orders)::integer AS orders, sum(minutes) AS minutes
              FROM gone GROUP BY store_id, slot_id
        )
        UPDATE slots s
           SET reserved_orders = s.reserved_orders - f.orders,
               reserved_minutes = s.reserved_minutes - f.minutes,
               capacity_orders = LEAST(s.capacity_orders, GREATEST(s.planned_orders, s.reserved_orders - f.orders)),
               capacity_minutes = LEAST(s.capacity_minutes, GREATEST(s.planned_minutes, s.reserved_minutes - f.minutes))
          FROM freed f
         WHERE s.store_id = f.store_id AND s.slot_id = f.slot_id
        RETURNING s.slot_id, f.orders, f.minutes
        """
    }

    static func expiredHolds(storeID: Int64, slotID: Int64, now: Date) -> SQL {
        """
        DELETE FROM slot_holds
         WHERE store_id = \(storeID) AND slot_id = \(slotID) AND expires_at <= \(now)
        RETURNING store_id, slot_id, orders, minutes
        """
    }
}

extension PostgresSession {
    /// Runs a release and reports how many orders it freed.
    @discardableResult
    func release(_ gone: SQL) async throws -> Int {
        try await query(CapacityStatements.release(gone)).reduce(0) { $0 + (try $1.decode(Int.self, "orders")) }
    }
}
