import Domain
import Forecast
import Foundation
import Postgres

public enum TrafficSource: String, Sendable, Codable, CaseIterable {
    case checkouts, door, pickups
}

public struct RefitSummary: Sendable, Codable, Equatable {
    public var observations: Int
    public var forecastHours: Int
    public var replan: ReplanSummary
}

extension SlotService {
    /// Hours forecast at each refit from today's local midnight: today and the 14-day slot horizon.
    public static let forecastHorizonHours = 15 * 24

    /// Loads `timestamp,count` CSV (local wall-clock hours of the store) as observations of
    /// `source`; a repeated hour replaces the stored count. Returns the hours stored.
    @discardableResult
    public func importObservations(storeID: Int64, csv: String, source: TrafficSource = .door) async throws -> Int {
        let series: HourlySeries
        do {
            series = try FootfallCSV.parse(csv)
        } catch {
            throw SlotError.invalid("The observations file is not valid: \(error).")
        }
        return try await storeObservations(storeID: storeID, series.observations, source: source)
    }

    func storeObservations(storeID: Int64, _ observations: [Observation], source: TrafficSource) async throws -> Int {
        guard !observations.isEmpty else { return 0 }
        // DISTINCT ON: two local hours can name one instant around a daylight-saving change.
        let rows = try await pool.query("""
            INSERT INTO traffic_observations (store_id, hour, source, count)
            SELECT DISTINCT ON (1, 2) st.store_id, v.hour::timestamp AT TIME ZONE st.time_zone, \(source.rawValue), v.count
              FROM stores st, unnest(\(observations.map(\.hour.description)), \(observations.map(\.count))) AS v(hour, count)
             WHERE st.store_id = \(storeID)
            ON CONFLICT (store_id, hour, source) DO UPDATE SET count = EXCLUDED.count
            RETURNING hour
            """)
        if rows.isEmpty { throw SlotError.unknownStore }
        return rows.count
    }

    /// Fits the busyness model on the store's observations up to `now` (the source with the
    /// most hours, since counts of different sources are not comparable), stores hourly
    /// forecasts for the next `forecastHorizonHours`, and re-plans future slots with them.
    @discardableResult
    public func refitForecast(storeID: Int64, now: Date = WallClock.now()) async throws -> RefitSummary {
        try await pool.withTransaction { session in
            let rows = try await session.query("""
                WITH chosen AS (
                    SELECT source FROM traffic_observations WHERE store_id = \(storeID)
                     GROUP BY source ORDER BY count(*) DESC, source LIMIT 1
                )
                SELECT to_char(o.hour AT TIME ZONE st.time_zone, 'YYYY-MM-DD HH24:00:00') AS local_hour, o.count
                  FROM traffic_observations o JOIN stores st ON st.store_id = o.store_id
                 WHERE o.store_id = \(storeID) AND o.source = (SELECT source FROM chosen) AND o.hour <= \(now)
                 ORDER BY o.hour
                """)
            let observations = try rows.compactMap { row -> Observation? in
                guard let hour = LocalHour(parsing: try row.decode(String.self, "local_hour")) else { return nil }
                return Observation(hour: hour, count: try row.decode(Double.self, "count"))
            }
            guard !observations.isEmpty else {
                throw SlotError.invalid("This store has no traffic observations to fit a forecast on.")
            }
            let model = BusynessModel.fit(HourlySeries(observations))
            // From local midnight, so today's earlier hours are on the planning too.
            let firstHour = LocalHour(date: try await Self.localHour(storeID: storeID, at: now, in: session).date, hour: 0)
            let forecast = model.forecast(firstHour..<firstHour.advanced(by: Self.forecastHorizonHours))
            try await session.query("""
                INSERT INTO busyness_forecasts (store_id, hour, mean, p10, p50, p90, fitted_at)
                SELECT DISTINCT ON (1, 2) st.store_id, v.hour::timestamp AT TIME ZONE st.time_zone,
                       v.mean, v.p10, v.p50, v.p90, \(now)
                  FROM stores st,
                       unnest(\(forecast.map(\.hour.description)), \(forecast.map(\.mean)), \(forecast.map(\.p10)),
                              \(forecast.map(\.p50)), \(forecast.map(\.p90))) AS v(hour, mean, p10, p50, p90)
                 WHERE st.store_id = \(storeID)
                ON CONFLICT (store_id, hour) DO UPDATE
                   SET mean = EXCLUDED.mean, p10 = EXCLUDED.p10, p50 = EXCLUDED.p50, p90 = EXCLUDED.p90,
                       fitted_at = EXCLUDED.fitted_at
                """)
            let replan = try await Self.replan(storeID: storeID, now: now, in: session)
            return RefitSummary(observations: observations.count, forecastHours: forecast.count, replan: replan)
        }
    }

    /// The store's wall-clock hour containing `instant`.
    static func localHour(storeID: Int64, at instant: Date, in session: PostgresSession) async throws -> LocalHour {
        let rows = try await session.query("""
            SELECT to_char(\(instant) AT TIME ZONE time_zone, 'YYYY-MM-DD HH24:00:00') AS local_hour
              FROM stores WHERE store_id = \(storeID)
            """)
        guard let text = try rows.first?.decode(String.self, "local_hour"), let hour = LocalHour(parsing: text) else {
            throw SlotError.unknownStore
        }
        return hour
    }
}
