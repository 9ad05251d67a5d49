import Foundation
import Postgres

public struct TrafficHour: Sendable, Codable, Equatable {
    /// Local "2026-11-20 10:00".
    public var hour: String
    public var forecastMean: Double?
    public var p10: Double?
    public var p90: Double?
    public var observed: Double?
}

public struct TrafficReport: Report, Equatable {
    public var range: ReportRange
    /// The observation source compared ("door", "checkouts" or "pickups"): the one with the
    /// most hours in the range, as the forecast is fitted on the source with the most hours.
    public var source: String?
    public var hours: [TrafficHour]
    /// Hours with both a forecast and an observation.
    public var comparedHours: Int
    /// Share of those where the observation fell within p10–p90 (about 0.8 when the band is honest).
    public var withinBand: Double?
    public var meanAbsoluteError: Double?
    /// Mean of observed − forecast mean: positive when the forecast is too low.
    public var bias: Double?
}

extension ReportService {
    /// The stored hourly forecast against the observed traffic, hour by hour.
    public func traffic(storeID: Int64, range: ReportRange) async throws -> TrafficReport {
        let bounds = try await bounds(storeID: storeID, range)
        let rows = try await rows("""
            WITH chosen AS (
                SELECT source FROM traffic_observations
                 WHERE store_id = \(storeID) AND hour >= \(bounds.lo) AND hour < \(bounds.hi)
                 GROUP BY source ORDER BY count(*) DESC, source LIMIT 1
            ), observed AS (
                SELECT o.hour, o.count FROM traffic_observations o
                 WHERE o.store_id = \(storeID) AND o.hour >= \(bounds.lo) AND o.hour < \(bounds.hi)
                   AND o.source = (SELECT source FROM chosen)
            ), forecast AS (
                SELECT f.hour, f.mean, f.p10, f.p90 FROM busyness_forecasts f
                 WHERE f.store_id = \(storeID) AND f.hour >= \(bounds.lo) AND f.hour < \(bounds.hi)
            )
            SELECT to_char(coalesce(f.hour, o.hour) AT TIME ZONE \(bounds.timeZone), 'YYYY-MM-DD HH24:00') AS local_hour,
                   f.mean, f.p10, f.p90, o.count, (SELECT source FROM chosen) AS source
              FROM forecast f FULL JOIN observed o ON o.hour = f.hour
             ORDER BY coalesce(f.hour, o.hour)
            """)
        var report = TrafficReport(range: range, source: nil, hours: [], comparedHours: 0)
        var within = 0
        var absolute = 0.0
        var signed = 0.0
        for row in rows {
            report.source = try row.decode(String?.self, "source")
            let hour = TrafficHour(
                hour: try row.decode(String.self, "local_hour"), forecastMean: try row.decode(Double?.self, "mean"),
                p10: try row.decode(Double?.self, "p10"), p90: try row.decode(Double?.self, "p90"), observed: try row.decode(Double?.self, "count")
            )
            if let observed = hour.observed, let mean = hour.forecastMean, let p10 = hour.p10, let p90 = hour.p90 {
                report.comparedHours += 1
                within += (p10...p90).contains(observed) ? 1 : 0
                absolute += abs(observed - mean)
                signed += observed - mean
            }
            report.hours.append(hour)
        }
        report.withinBand = ratio(within, report.comparedHours)
        report.meanAbsoluteError = ratio(absolute, Double(report.comparedHours))
        report.bias = ratio(signed, Double(report.comparedHours))
        return report
    }
}

extension TrafficReport {
    public var notes: [String] {
        [
            "Prévision : celle enregistrée pour chaque heure par le dernier recalcul qui la couvrait (chaque recalcul prévoit 15 jours à partir de son jour). "
                + "Observé : la source de comptage la plus fournie sur la période (\(source ?? "aucune")).",
            "\(comparedHours) heure(s) comparables ; dans la bande p10–p90 : \(withinBand.map { "\(Int(($0 * 100).rounded())) %" } ?? "—") "
                + "(vers 80 % si la bande est juste) ; écart absolu moyen \(Cell.number(meanAbsoluteError, places: 1)), biais \(Cell.number(bias, places: 1)).",
        ]
    }

    public var tables: [ReportTable] {
        [ReportTable("hours", "Par heure", [("hour", "Heure"), ("forecast_mean", "Prévision"), ("p10", "p10"), ("p90", "p90"), ("observed", "Observé")],
                     rows: hours.map { [$0.hour, Cell.number($0.forecastMean, places: 1), Cell.number($0.p10, places: 1),
                                        Cell.number($0.p90, places: 1), Cell.number($0.observed, places: 1)] })]
    }

    public var charts: [String] {
        [Chart.band(
            id: "chart-traffic", title: "Fréquentation prévue (p10–p90) et observée, par heure",
            description: "Bande : 80 % central de la prévision ; ligne bleue : prévision moyenne ; ligne orange : passages observés.",
            labels: hours.map(\.hour), low: hours.map(\.p10), middle: hours.map(\.forecastMean), high: hours.map(\.p90),
            line: Chart.Series(name: "observé", colour: "#e65100", values: hours.map(\.observed)), bandName: "p10–p90"
        )]
    }
}
