import Foundation
import Postgres

public struct WaitDay: Sendable, Codable, Equatable {
    /// A local day, or "all" for the whole range.
    public var day: String
    public var handovers: Int
    /// Continuous percentiles (percentile_cont) of the wait in minutes.
    public var p50: Double?
    public var p90: Double?
    public var p99: Double?
    public var max: Double?
}

public struct WaitBin: Sendable, Codable, Equatable {
    /// Lower bound in whole minutes; the last bin is open ("15+").
    public var fromMinute: Int
    public var label: String
    public var handovers: Int
}

public struct WaitsReport: Report, Equatable {
    public var range: ReportRange
    public var total: WaitDay
    public var days: [WaitDay]
    public var histogram: [WaitBin]
}

extension ReportService {
    /// Histogram bins are whole minutes up to this, then one open bin.
    public static let waitHistogramMinutes = 15

    /// The measured waits of handovers made in the range (slot_bookings.actual_wait_minutes:
    /// handover − max(arrival, slot start)), by the local day of the handover.
    public func waits(storeID: Int64, range: ReportRange) async throws -> WaitsReport {
        let bounds = try await bounds(storeID: storeID, range)
        let handedOver: SQL = """
            SELECT (b.handed_over_at AT TIME ZONE \(bounds.timeZone))::date AS day, b.actual_wait_minutes::float8 AS wait
              FROM slot_bookings b
             WHERE b.store_id = \(storeID) AND b.handed_over_at >= \(bounds.lo) AND b.handed_over_at < \(bounds.hi)
               AND b.actual_wait_minutes IS NOT NULL
            """
        // Independent statements, side by side on two connections.
        async let dayRows = rows("""
            WITH handed_over AS (\(handedOver))
            SELECT coalesce(to_char(day, 'YYYY-MM-DD'), 'all') AS day, count(*)::int AS handovers,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY wait) AS p50,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY wait) AS p90,
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY wait) AS p99,
                   max(wait) AS max
              FROM handed_over
             GROUP BY GROUPING SETS ((day), ())
             ORDER BY GROUPING(day), day
            """)
        async let counts = rows("""
            WITH handed_over AS (\(handedOver))
            SELECT least(floor(wait)::int, \(Int32(Self.waitHistogramMinutes))) AS bin, count(*)::int AS handovers
              FROM handed_over GROUP BY 1
            """)
        let days = try await dayRows.map { row in
            WaitDay(
                day: try row.decode(String.self, "day"), handovers: try row.decode(Int.self, "handovers"),
                p50: try row.decode(Double?.self, "p50"), p90: try row.decode(Double?.self, "p90"),
                p99: try row.decode(Double?.self, "p99"), max: try row.decode(Double?.self, "max")
            )
        }
        var histogram = (0...Self.waitHistogramMinutes).map { minute in
            WaitBin(fromMinute: minute, label: minute < Self.waitHistogramMinutes ? "\(minute)–\(minute + 1)" : "\(minute)+", handovers: 0)
        }
        for row in try await counts { histogram[try row.decode(Int.self, "bin")].handovers = try row.decode(Int.self, "handovers") }
        let total = days.last?.day == "all" ? days.last! : WaitDay(day: "all", handovers: 0)
        return WaitsReport(range: range, total: total, days: days.filter { $0.day != "all" }, histogram: histogram)
    }
}

extension WaitsReport {
    public var notes: [String] {
        [
            "Attente mesurée à la remise : de l’arrivée du client (ou du début du créneau s’il est venu en avance) à la remise. "
                + "Jour : celui de la remise. Percentiles continus (interpolés, percentile_cont).",
            "Sur la période : \(total.handovers) remise(s), p50 \(Cell.number(total.p50, places: 1)) min, p90 \(Cell.number(total.p90, places: 1)) min, "
                + "p99 \(Cell.number(total.p99, places: 1)) min.",
        ]
    }

    public var tables: [ReportTable] {
        [
            ReportTable("days", "Par jour", [("day", "Jour"), ("handovers", "Remises"), ("p50", "p50 (min)"), ("p90", "p90 (min)"),
                                             ("p99", "p99 (min)"), ("max", "max (min)")],
                        rows: (days + [total]).map { [$0.day, Cell.int($0.handovers), Cell.number($0.p50), Cell.number($0.p90),
                                                      Cell.number($0.p99), Cell.number($0.max)] }),
            ReportTable("histogram", "Histogramme", [("from_minute", "Dès (min)"), ("bin", "Attente (min)"), ("handovers", "Remises")],
                        rows: histogram.map { [Cell.int($0.fromMinute), $0.label, Cell.int($0.handovers)] }),
        ]
    }

    public var charts: [String] {
        [
            Chart.bars(
                id: "chart-waits-histogram", title: "Attente au retrait : histogramme (remises par minute d’attente)",
                description: "Nombre de remises par tranche d’une minute d’attente ; la dernière tranche regroupe les attentes de \(ReportService.waitHistogramMinutes) minutes et plus.",
                labels: histogram.map(\.label),
                series: [Chart.Series(name: "", colour: "#6a1b9a", values: histogram.map { Double($0.handovers) })]
            ),
            Chart.bars(
                id: "chart-waits-days", title: "Attente au retrait par jour : p50, p90, p99 (minutes)",
                description: "Pour chaque jour, les percentiles 50, 90 et 99 de l’attente mesurée.",
                labels: days.map(\.day),
                series: [Chart.Series(name: "p50", colour: "#90caf9", values: days.map(\.p50)),
                         Chart.Series(name: "p90", colour: "#1e88e5", values: days.map(\.p90)),
                         Chart.Series(name: "p99", colour: "#0d47a1", values: days.map(\.p99))]
            ),
        ]
    }
}
