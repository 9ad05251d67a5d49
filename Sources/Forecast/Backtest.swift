/// One forecast hour of a backtest, with what actually happened and what the baselines said.
public struct BacktestPoint: Hashable, Sendable {
    /// The origin (cut-off) this hour was forecast from.
    public let origin: LocalHour
    public let forecast: HourForecast
    /// Nil when the hour has no count (the counter was down or the hour does not exist).
    public let actual: Double?
    /// Same hour in the last week before the origin that has it; nil without such history.
    public let seasonalNaive: Double?
    /// Median of the same hour over the four weeks before the origin (those that have it).
    public let fourWeekMedian: Double?

    public var hour: LocalHour { forecast.hour }
}

/// Accuracy of one method over all scored hours of a backtest.
public struct BacktestScore: Hashable, Sendable {
    public let method: String
    /// Mean absolute error of the point forecast: the model's `mean` (the expected count the
    /// allocator uses), or the baseline's value.
    public let mae: Double
    /// MAE scaled, hour by hour, by the in-sample MAE of the lag-168 seasonal-naive forecast
    /// on that origin's training data; below 1 beats "same hour last week" on history.
    /// Nil when no origin had a non-zero scale.
    public let mase: Double?
    /// Share of actual counts inside [p10, p90]; nil for methods without a band.
    public let coverage: Double?
}

public struct BacktestResult: Sendable {
    /// Every forecast hour, scored or not, in time order.
    public let points: [BacktestPoint]
    public let model: BacktestScore
    public let seasonalNaive: BacktestScore
    public let fourWeekMedian: BacktestScore
    public let origins: Int
    /// Hours with an actual count and a forecast from every method; all scores use these.
    public let scoredHours: Int

    public var scores: [BacktestScore] { [model, seasonalNaive, fourWeekMedian] }
}

public enum BacktestError: Error, Equatable, Sendable {
    case noOrigins
    /// The first origin is not after the series' first hour, so there is nothing to fit on.
    case noHistoryBeforeOrigin
    /// No forecast hour had an actual count and both baselines.
    case nothingToScore
}

/// Rolling-origin evaluation: fit on everything before the origin, forecast the next week,
/// move the origin by one week.
///
/// The model learns online, so one pass over the series serves every origin; the in-sample
/// seasonal-naive error used for MASE is accumulated in the same pass. Cost is linear in
/// the length of the series, not in origins × length.
public enum Backtest {
    public static let horizonHours = LocalHour.hoursPerWeek
    private static let medianWeeks = 4

    /// - Parameter firstOrigin: usually a Monday 00:00, the start of the first forecast week.
    public static func run(
        series: HourlySeries,
        holidays: Set<LocalDate> = [],
        firstOrigin: LocalHour,
        weeks: Int,
        parameters: BusynessModel.Parameters = .standard
    ) throws(BacktestError) -> BacktestResult {
        guard weeks > 0 else { throw BacktestError.noOrigins }
        guard let seriesStart = series.start, seriesStart < firstOrigin else { throw BacktestError.noHistoryBeforeOrigin }

        var model = BusynessModel(holidays: holidays, parameters: parameters)
        var naiveScale = InSampleNaiveError()
        var nextHour = seriesStart
        var points: [BacktestPoint] = []
        var modelScore = ScoreAccumulator(method: "model", hasBand: true)
        var naiveScore = ScoreAccumulator(method: "seasonal naive", hasBand: false)
        var medianScore = ScoreAccumulator(method: "4-week median", hasBand: false)

        for week in 0..<weeks {
            let origin = firstOrigin.advanced(by: week * horizonHours)
            while nextHour < origin, nextHour < series.hours.upperBound {
                if let count = series[nextHour] {
                    model.observe(Observation(hour: nextHour, count: count))
                    naiveScale.add(count, lagged: series[nextHour.advanced(by: -horizonHours)])
                }
                nextHour = nextHour.advanced(by: 1)
            }
            let scale = naiveScale.mae
            for forecast in model.forecast(origin..<origin.advanced(by: horizonHours)) {
                let point = BacktestPoint(
                    origin: origin,
                    forecast: forecast,
                    actual: series[forecast.hour],
                    seasonalNaive: seasonalNaive(series, hour: forecast.hour, origin: origin),
                    fourWeekMedian: fourWeekMedian(series, hour: forecast.hour, origin: origin)
                )
                points.append(point)
                guard let actual = point.actual, let naive = point.seasonalNaive, let median = point.fourWeekMedian
                else { continue }
                modelScore.add(forecast: forecast.mean, actual: actual, scale: scale, band: forecast.p10...forecast.p90)
                naiveScore.add(forecast: naive, actual: actual, scale: scale)
                medianScore.add(forecast: median, actual: actual, scale: scale)
            }
        }
        guard modelScore.count > 0 else { throw BacktestError.nothingToScore }
        return BacktestResult(
            points: points,
            model: modelScore.score,
            seasonalNaive: naiveScore.score,
            fourWeekMedian: medianScore.score,
            origins: weeks,
            scoredHours: modelScore.count
        )
    }

    /// The same hour `weeksBack` weeks earlier, for each week that lies wholly before the origin.
    private static func sameHourInWeeksBefore(
        _ series: HourlySeries, hour: LocalHour, origin: LocalHour, weeks: Int
    ) -> [Double] {
        let firstWeekBack = (origin.distance(to: hour) / horizonHours) + 1
        return (firstWeekBack..<firstWeekBack + weeks).compactMap { series[hour.advanced(by: -$0 * horizonHours)] }
    }

    /// Falls back to earlier weeks (up to four) when last week's hour is missing, e.g. the hour
    /// skipped by daylight saving, so the baseline is not penalised for a gap in the data.
    private static func seasonalNaive(_ series: HourlySeries, hour: LocalHour, origin: LocalHour) -> Double? {
        sameHourInWeeksBefore(series, hour: hour, origin: origin, weeks: medianWeeks).first
    }

    private static func fourWeekMedian(_ series: HourlySeries, hour: LocalHour, origin: LocalHour) -> Double? {
        let values = sameHourInWeeksBefore(series, hour: hour, origin: origin, weeks: medianWeeks)
        return values.isEmpty ? nil : quantile(ofSorted: values.sorted(), 0.5)
    }
}

/// Running in-sample MAE of "same hour one week earlier", the MASE denominator.
private struct InSampleNaiveError {
    private var sum = 0.0
    private var count = 0

    mutating func add(_ count: Double, lagged: Double?) {
        guard let lagged else { return }
        sum += abs(count - lagged)
        self.count += 1
    }

    var mae: Double? { count > 0 && sum > 0 ? sum / Double(count) : nil }
}

private struct ScoreAccumulator {
    let method: String
    let hasBand: Bool
    private(set) var count = 0
    private var absoluteError = 0.0
    private var scaledError = 0.0
    private var scaledCount = 0
    private var inside = 0

    init(method: String, hasBand: Bool) {
        self.method = method
        self.hasBand = hasBand
    }

    mutating func add(forecast: Double, actual: Double, scale: Double?, band: ClosedRange<Double>? = nil) {
        let error = abs(forecast - actual)
        count += 1
        absoluteError += error
        if let scale {
            scaledError += error / scale
            scaledCount += 1
        }
        if let band, band.contains(actual) {
            inside += 1
        }
    }

    var score: BacktestScore {
        BacktestScore(
            method: method,
            mae: absoluteError / Double(count),
            mase: scaledCount > 0 ? scaledError / Double(scaledCount) : nil,
            coverage: hasBand ? Double(inside) / Double(count) : nil
        )
    }
}
