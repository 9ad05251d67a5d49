import Foundation

// Text renderings of a backtest; the caller decides where they go (file, log, HTTP).

extension Backtest {
    /// `timestamp,mean,p10,p50,p90`, one row per forecast hour, in the same timestamp form as
    /// the input CSV so the two can be joined. Counts are written with one decimal.
    public static func forecastCSV(_ points: [BacktestPoint]) -> String {
        var lines = ["timestamp,mean,p10,p50,p90"]
        lines.reserveCapacity(points.count + 1)
        for point in points {
            let f = point.forecast
            lines.append("\(f.hour),\(decimal(f.mean)),\(decimal(f.p10)),\(decimal(f.p50)),\(decimal(f.p90))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A short fixed-width table, model first, for a terminal or a log.
    public static func report(_ result: BacktestResult, title: String) -> String {
        let header = "\(title): \(result.origins) weekly origins, \(result.scoredHours) hours scored"
        let columns = pad("method", 16) + pad("MAE", 10, right: true) + pad("MASE", 8, right: true)
            + pad("p10–p90", 9, right: true)
        let rows = result.scores.map { score in
            pad(score.method, 16)
                + pad(decimal(score.mae, places: 2), 10, right: true)
                + pad(score.mase.map { decimal($0, places: 3) } ?? "–", 8, right: true)
                + pad(score.coverage.map { decimal($0 * 100, places: 1) + "%" } ?? "–", 9, right: true)
        }
        return ([header, columns] + rows).joined(separator: "\n")
    }

    private static func decimal(_ value: Double, places: Int = 1) -> String {
        String(format: "%.\(places)f", value)
    }

    private static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }
}
