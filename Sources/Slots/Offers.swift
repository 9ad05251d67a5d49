import Domain
import Forecast
import Foundation
import Postgres

extension SlotService {
    /// Every slot of the store's local `date` (YYYY-MM-DD), available or not, with the reason.
    ///
    /// One statement on the slots index: capacity, forecast level and expected wait were
    /// stored on each slot by the last re-plan, so nothing is computed per request. Holds
    /// that expired but were not reclaimed yet do not count against what remains.
    public func offers(storeID: Int64, date: String, now: Date = WallClock.now()) async throws -> [SlotOffer] {
        guard LocalDate(parsing: date) != nil else {
            throw SlotError.invalid("The date must be a calendar date written YYYY-MM-DD, not \"\(date)\".")
        }
        return try await pool.withConnection { try await Self.offers(storeID: storeID, date: date, now: now, in: $0) }
    }

    /// The same inside the caller's transaction (a re-plan offers slots as it just computed them).
    static func offers(storeID: Int64, date: String, now: Date, in session: PostgresSession) async throws -> [SlotOffer] {
        let rows = try await session.query("""
            SELECT \(date)::date - (\(now) AT TIME ZONE st.time_zone)::date AS days_ahead,
                   t.horizon_days, t.fee_cents, t.cutoff_minutes,
                   s.slot_id, s.starts_at, s.ends_at, s.status, s.busyness, s.expected_wait_minutes,
                   s.capacity_orders - s.reserved_orders + COALESCE(x.orders, 0) AS remaining_orders,
                   s.capacity_minutes - s.reserved_minutes + COALESCE(x.minutes, 0) AS remaining_minutes,
                   s.starts_at - make_interval(mins => t.cutoff_minutes) <= \(now) AS past_cutoff,
                   (s.reserved_orders > s.planned_orders OR s.reserved_minutes > s.planned_minutes) AS at_risk
              FROM stores st
              LEFT JOIN slot_templates t ON t.store_id = st.store_id
              LEFT JOIN slots s
                ON s.store_id = st.store_id
               AND s.starts_at >= (\(date)::date::timestamp AT TIME ZONE st.time_zone)
               AND s.starts_at < ((\(date)::date + 1)::timestamp AT TIME ZONE st.time_zone)
              LEFT JOIN LATERAL (
                   SELECT sum(h.orders) AS orders, sum(h.minutes) AS minutes FROM slot_holds h
                    WHERE h.store_id = s.store_id AND h.slot_id = s.slot_id AND h.expires_at <= \(now)
              ) x ON true
             WHERE st.store_id = \(storeID)
             ORDER BY s.starts_at
            """)
        guard let first = rows.first else { throw SlotError.unknownStore }
        guard let horizon = try first.decode(Int?.self, "horizon_days") else { return [] }
        let daysAhead = try first.decode(Int.self, "days_ahead")
        guard (0..<horizon).contains(daysAhead) else {
            throw SlotError.outsideHorizon("Pickup slots can be booked from today up to \(horizon - 1) days ahead.")
        }
        return try rows.compactMap { row in
            guard let slotID = try row.decode(Int64?.self, "slot_id") else { return nil }
            let remainingOrders = max(0, try row.decode(Int.self, "remaining_orders"))
            let remainingMinutes = max(0, try row.decode(Double.self, "remaining_minutes"))
            let reason = try Self.unavailableReason(
                closed: row.decode(String.self, "status") == "closed",
                pastCutoff: row.decode(Bool.self, "past_cutoff"),
                atRisk: row.decode(Bool.self, "at_risk"),
                full: remainingOrders < 1 || remainingMinutes <= 0
            )
            return SlotOffer(
                slotID: slotID,
                start: try row.decode(Date.self, "starts_at"),
                end: try row.decode(Date.self, "ends_at"),
                feeCents: try row.decode(Int.self, "fee_cents"),
                remainingOrders: remainingOrders,
                remainingMinutes: remainingMinutes,
                busyness: try row.decode(String.self, "busyness"),
                expectedWaitMinutes: try row.decode(Double.self, "expected_wait_minutes"),
                available: reason == nil,
                unavailableReason: reason
            )
        }
    }

    /// The first reason that applies, most permanent first.
    static func unavailableReason(closed: Bool, pastCutoff: Bool, atRisk: Bool, full: Bool) -> String? {
        if closed { return "closed" }
        if pastCutoff { return "past-cutoff" }
        if atRisk { return "at-risk" }
        if full { return "full" }
        return nil
    }
}
