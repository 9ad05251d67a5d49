import Domain
import Foundation
import Postgres

public struct GenerationSummary: Sendable, Codable, Equatable {
    /// Slots that did not exist before.
    public var created: Int
    public var replan: ReplanSummary
}

extension SlotService {
    /// Creates the slots of the next `days` local days (today first) from the template and the
    /// opening hours, in the store's time zone, skipping closures and slots already started,
    /// then re-plans every future slot. Idempotent: a slot is identified by its store and
    /// start, so running it again only recomputes capacities.
    @discardableResult
    public func generateSlots(storeID: Int64, days: Int, now: Date = WallClock.now()) async throws -> GenerationSummary {
        try await pool.withTransaction { session in
            guard let template = try await session.query(
                "SELECT \(SlotTemplate.columns) FROM slot_templates WHERE store_id = \(storeID)"
            ).first.map(SlotTemplate.init(row:)) else {
                let store = try await session.query("SELECT 1 FROM stores WHERE store_id = \(storeID)")
                throw store.isEmpty ? SlotError.unknownStore : SlotError.invalid("This store has no slot template yet.")
            }
            guard (1...template.horizonDays).contains(days) else {
                throw SlotError.outsideHorizon("Slots can be generated for 1 to \(template.horizonDays) days.")
            }
            // Local wall-clock times become instants through the store's zone, so a 09:00 slot
            // in Paris is 08:00Z in winter and 07:00Z in summer.
            let created = try await session.query("""
                INSERT INTO slots (store_id, starts_at, ends_at)
                SELECT st.store_id,
                       g.local_start AT TIME ZONE st.time_zone,
                       (g.local_start + make_interval(mins => t.slot_minutes)) AT TIME ZONE st.time_zone
                  FROM stores st
                  JOIN slot_templates t ON t.store_id = st.store_id
                 CROSS JOIN LATERAL generate_series(
                       (\(now) AT TIME ZONE st.time_zone)::date::timestamp,
                       (\(now) AT TIME ZONE st.time_zone)::date::timestamp + make_interval(days => \(Int32(days - 1))),
                       interval '1 day') AS d(day)
                  JOIN store_hours h ON h.store_id = st.store_id AND h.weekday = extract(isodow FROM d.day)
                 CROSS JOIN LATERAL generate_series(
                       d.day + h.opens,
                       d.day + h.closes - make_interval(mins => t.slot_minutes),
                       make_interval(mins => t.slot_minutes)) AS g(local_start)
                 WHERE st.store_id = \(storeID)
                   AND NOT EXISTS (SELECT 1 FROM store_closures c WHERE c.store_id = st.store_id AND c.day = d.day::date)
                   AND g.local_start AT TIME ZONE st.time_zone > \(now)
                ON CONFLICT (store_id, starts_at) DO NOTHING
                RETURNING slot_id
                """).count
            let replan = try await Self.replan(storeID: storeID, now: now, in: session)
            return GenerationSummary(created: created, replan: replan)
        }
    }
}
