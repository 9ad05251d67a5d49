import Domain
import Forecast
import Foundation
import Postgres

public struct DemoSummary: Sendable, Codable, Equatable {
    public var shifts: Int
    public var observations: Int
    public var slots: GenerationSummary
}

extension SlotService {
    /// Days of roster and slots the demo prepares.
    public static let demoDays = 14
    static let demoObservationWeeks = 8

    /// Makes a store (with its hours already set) bookable: a template (15-minute slots,
    /// 60-minute lead, 120-minute cutoff, the store's fee), a roster that covers its opening
    /// hours for 14 days, 8 weeks of synthetic hourly traffic with a weekly pattern, a
    /// forecast fitted on it and 14 days of slots. Deterministic for a given `now`.
    ///
    /// With `historyDays`, all of that starts that many days earlier (traffic up to then, the
    /// forecast fitted then) and runs to 14 days from `now`: the past days are ready for
    /// `creneau simulate` to play, so that reports have a history on first start.
    @discardableResult
    public func seedDemo(storeID: Int64, now: Date = WallClock.now(), historyDays: Int = 0) async throws -> DemoSummary {
        let start = now.addingTimeInterval(-Double(historyDays) * 86_400)
        let fee = try await pool.query("SELECT slot_fee_cents FROM stores WHERE store_id = \(storeID)")
        guard let feeRow = fee.first else { throw SlotError.unknownStore }
        let template = SlotTemplate(
            slotMinutes: 15, leadMinutes: 60, cutoffMinutes: 120, feeCents: try feeRow.decode(Int.self, "slot_fee_cents")
        )
        try await setTemplate(storeID: storeID, template)
        let shifts = try await seedDemoRoster(storeID: storeID, template: template, from: start, days: historyDays + Self.demoDays)
        let lastHour = try await pool.withConnection { try await Self.localHour(storeID: storeID, at: start, in: $0) }
        let firstHour = lastHour.advanced(by: -Self.demoObservationWeeks * LocalHour.hoursPerWeek)
        let observations = (firstHour..<lastHour).map { Observation(hour: $0, count: DemoTraffic.count(at: $0)) }
        let stored = try await storeObservations(storeID: storeID, observations, source: .checkouts)
        try await refitForecast(storeID: storeID, now: start)
        var slots = try await generateSlots(storeID: storeID, days: Self.demoDays, now: start)
        if historyDays > 0 {
            try await refitForecast(storeID: storeID, now: now)
            let later = try await generateSlots(storeID: storeID, days: Self.demoDays, now: now)
            slots.created += later.created
            slots.replan = later.replan
        }
        return DemoSummary(shifts: shifts, observations: stored, slots: slots)
    }

    /// Per opening period of each day: two pickers in the morning from a lead time before
    /// opening, two in the afternoon until the last slot, one more on the busy middle hours;
    /// two handover staff all day (one counter alone cannot keep a 5-minute promise for
    /// even one order per 15 minutes) and a third on the middle hours. Every shift stays
    /// under 16 hours whatever the opening period.
    private func seedDemoRoster(storeID: Int64, template: SlotTemplate, from: Date, days: Int) async throws -> Int {
        try await pool.withTransaction { session in
            try await session.query("""
                INSERT INTO roster_shifts (store_id, staff_name, role, starts_at, ends_at)
                SELECT st.store_id, p.staff_name, p.role,
                       p.local_start AT TIME ZONE st.time_zone, p.local_end AT TIME ZONE st.time_zone
                  FROM stores st
                 CROSS JOIN generate_series((\(from) AT TIME ZONE st.time_zone)::date::timestamp,
                                            (\(from) AT TIME ZONE st.time_zone)::date::timestamp
                                                + make_interval(days => \(Int32(days))),
                                            interval '1 day') AS d(day)
                  JOIN store_hours h ON h.store_id = st.store_id AND h.weekday = extract(isodow FROM d.day)
                 CROSS JOIN LATERAL (SELECT d.day + h.opens AS opens, d.day + h.closes AS closes,
                                            d.day + h.opens + (h.closes - h.opens) / 2 AS middle,
                                            make_interval(mins => \(Int32(template.leadMinutes))) AS lead,
                                            make_interval(mins => \(Int32(template.slotMinutes))) AS slot) t
                 CROSS JOIN LATERAL (VALUES
                       ('Camille', 'picker', t.opens - t.lead, t.middle),
                       ('Inès', 'picker', t.opens - t.lead, t.middle),
                       ('Malik', 'picker', t.middle, t.closes - t.slot),
                       ('Théo', 'picker', t.middle, t.closes - t.slot),
                       ('Nora', 'picker', t.middle - interval '3 hours', t.middle + interval '1 hour'),
                       ('Lucas', 'handover', t.opens, t.middle),
                       ('Léa', 'handover', t.opens, t.middle),
                       ('Sarah', 'handover', t.middle, t.closes),
                       ('Hugo', 'handover', t.middle, t.closes),
                       ('Jade', 'handover', t.middle - interval '2 hours', t.middle + interval '2 hours')
                 ) AS p(staff_name, role, local_start, local_end)
                 WHERE st.store_id = \(storeID) AND p.local_end > p.local_start
                   AND NOT EXISTS (SELECT 1 FROM store_closures c WHERE c.store_id = st.store_id AND c.day = d.day::date)
                """).affectedRows
        }
    }
}

/// A believable, deterministic week of store traffic: a lunch and an after-work peak,
/// busier Fridays and Saturdays, quiet Sundays, and ±15% hour-to-hour noise.
enum DemoTraffic {
    static let weekdayFactor: [Double] = [0.85, 0.9, 1.0, 0.95, 1.15, 1.4, 0.6]

    static func count(at hour: LocalHour) -> Double {
        let h = Double(hour.hourOfDay)
        guard (7...21).contains(hour.hourOfDay) else { return 2 }
        let shape = 0.35 + 0.6 * exp(-pow(h - 12.5, 2) / 3) + 0.8 * exp(-pow(h - 18, 2) / 2.5)
        let noise = 0.85 + 0.3 * unitNoise(hour.index)
        return (120 * weekdayFactor[hour.weekday.rawValue] * shape * noise).rounded()
    }

    /// SplitMix64's first draw for the hour index: the same hour always gets the same noise.
    private static func unitNoise(_ seed: Int) -> Double {
        var generator = SplitMix64(seed: UInt64(bitPattern: Int64(seed)))
        return generator.unit()
    }
}
