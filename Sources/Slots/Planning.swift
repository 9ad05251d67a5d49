import Forecast
import Foundation
import Postgres

/// One open hour of the "planning de fréquentation".
public struct PlanningHour: Sendable, Codable, Equatable {
    /// Local hour of day, 0–23.
    public var hour: Int
    /// "low", "medium" or "high"; nil without a forecast for that hour.
    public var busyness: String?
    /// Forecast visitors in that hour.
    public var expectedVisitors: Double?
    /// Mean expected counter wait of the hour's open slots (what the allocator uses); nil without slots.
    public var expectedWaitMinutes: Double?
}

public struct PlanningDay: Sendable, Codable, Equatable {
    /// YYYY-MM-DD, local.
    public var date: String
    /// ISO weekday, 1 = Monday.
    public var weekday: Int
    /// Closed all day (closure or no opening hours).
    public var closed: Bool
    public var hours: [PlanningHour]
}

public struct Planning: Sendable, Codable, Equatable {
    public var storeID: Int64
    public var from: String
    public var days: [PlanningDay]
}

extension SlotService {
    public static let maxPlanningDays = 14

    /// Day × hour expected busyness and counter wait over the store's opening hours, from the
    /// same stored forecast and slot plans the allocator sells from.
    public func planning(storeID: Int64, from: String, days: Int) async throws -> Planning {
        guard LocalDate(parsing: from) != nil else {
            throw SlotError.invalid("The start date must be written YYYY-MM-DD, not \"\(from)\".")
        }
        guard (1...Self.maxPlanningDays).contains(days) else {
            throw SlotError.invalid("The planning covers 1 to \(Self.maxPlanningDays) days.")
        }
        return try await pool.withConnection { session in
            let rows = try await session.query("""
                SELECT to_char(d.day, 'YYYY-MM-DD') AS day, extract(isodow FROM d.day)::int AS weekday,
                       extract(hour FROM hh.local_hour)::int AS hour, f.mean, w.wait
                  FROM stores st
                 CROSS JOIN generate_series(\(from)::date::timestamp,
                                            \(from)::date::timestamp + make_interval(days => \(Int32(days - 1))),
                                            interval '1 day') AS d(day)
                  LEFT JOIN LATERAL (
                       SELECT DISTINCT g AS local_hour
                         FROM store_hours h
                        CROSS JOIN LATERAL generate_series(d.day + date_trunc('hour', h.opens::interval),
                                                           d.day + h.closes - interval '1 minute',
                                                           interval '1 hour') AS g
                        WHERE h.store_id = st.store_id AND h.weekday = extract(isodow FROM d.day)
                          AND NOT EXISTS (SELECT 1 FROM store_closures c WHERE c.store_id = st.store_id AND c.day = d.day::date)
                  ) hh ON true
                  LEFT JOIN busyness_forecasts f
                    ON f.store_id = st.store_id AND f.hour = hh.local_hour AT TIME ZONE st.time_zone
                  LEFT JOIN LATERAL (
                       SELECT avg(s.expected_wait_minutes)::float8 AS wait FROM slots s
                        WHERE s.store_id = st.store_id AND s.status = 'open'
                          AND s.starts_at >= hh.local_hour AT TIME ZONE st.time_zone
                          AND s.starts_at < (hh.local_hour + interval '1 hour') AT TIME ZONE st.time_zone
                  ) w ON true
                 WHERE st.store_id = \(storeID)
                 ORDER BY d.day, hh.local_hour
                """)
            guard !rows.isEmpty else { throw SlotError.unknownStore }
            let scale = try await BusynessScaleQuery.load(storeID: storeID, in: session)
            var planningDays: [PlanningDay] = []
            for row in rows {
                let date = try row.decode(String.self, "day")
                if planningDays.last?.date != date {
                    planningDays.append(PlanningDay(date: date, weekday: try row.decode(Int.self, "weekday"), closed: true, hours: []))
                }
                guard let hour = try row.decode(Int?.self, "hour") else { continue }
                let visitors = try row.decode(Double?.self, "mean")
                planningDays[planningDays.count - 1].closed = false
                planningDays[planningDays.count - 1].hours.append(PlanningHour(
                    hour: hour,
                    busyness: visitors.flatMap { scale?.level($0).rawValue },
                    expectedVisitors: visitors,
                    expectedWaitMinutes: try row.decode(Double?.self, "wait")
                ))
            }
            return Planning(storeID: storeID, from: from, days: planningDays)
        }
    }
}
