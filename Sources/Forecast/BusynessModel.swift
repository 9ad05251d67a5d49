import Foundation

/// The forecast for one hour: an expected count and a band customers and the allocator can trust.
public struct HourForecast: Hashable, Sendable {
    public let hour: LocalHour
    /// Expected count (arrivals per hour), the number queueing formulas need.
    public let mean: Double
    public let p10: Double
    public let p50: Double
    public let p90: Double

    public init(hour: LocalHour, mean: Double, p10: Double, p50: Double, p90: Double) {
        self.hour = hour
        self.mean = mean
        self.p10 = p10
        self.p50 = p50
        self.p90 = p90
    }
}

/// Day-of-week × hour-of-day busyness with a tracked level and empirical quantiles.
///
/// Expected count for an hour = level × profile[weekday, hour]:
/// - the profile is, per weekday-hour cell, an exponentially weighted ratio of counts to the
///   level at the time (half-life `profileHalfLifeWeeks`), so the weekly *shape* is learnt
///   independently of how busy the street was overall and is not dragged down by a lockdown
///   or pushed up by a counter upgrade;
/// - the level is an exponentially weighted ratio of counts to the profile over all recent
///   hours (half-life `levelHalfLifeHours`), so a level shift is followed within days instead
///   of the weeks a seasonal mean needs.
/// Each count is clamped to [expected / k, expected · k + offset] before it updates the state,
/// so a dead counter (zeros) or a one-off event moves the model a little, not a lot.
///
/// Quantiles come from the model's own week-ahead errors: when the first count of a
/// Monday-to-Sunday week arrives, the model freezes its forecast for that week, and every
/// count of the week is scored against it as log((count + offset) / (forecast + offset)). The last
/// `errorWindowWeeks` of these errors give the p10/p50/p90 multipliers. Scoring against a
/// frozen week reproduces the 1-to-168-hour horizons of real use, so the band is as wide
/// as a week-ahead forecast needs; the offset makes one scale fit quiet night hours (where
/// counting noise dominates) and busy hours (where relative error dominates).
///
/// Holidays (dates in `holidays`) are excluded from fitting: they are not a normal weekday and
/// would bend that weekday's profile. A holiday hour is forecast with the Sunday profile at the
/// same hour, since shops and streets on public holidays look most like a Sunday.
///
/// The model is a value that learns online: feed observations in time order with `observe`,
/// forecast at any point; copying it is a snapshot. That makes a rolling-origin backtest a
/// single pass over the data.
public struct BusynessModel: Sendable {
    /// Fixed constants, chosen once on 2023–2024 backtests of the Auckland footfall sites and
    /// then held fixed (the 2025 backtest is out of sample); not meant to be tuned per store.
    public struct Parameters: Equatable, Sendable {
        /// How fast the overall level follows changes; 4 days follows a level shift within a
        /// week without chasing one rainy afternoon.
        public var levelHalfLifeHours: Double = 96
        /// Memory of the weekly shape; 8 weeks averages out weather and events but still
        /// follows seasonal changes such as school holidays or daylight saving.
        public var profileHalfLifeWeeks: Double = 8
        /// How many recent weeks of forecast errors give the quantiles; recent enough to
        /// widen after a disruption, long enough (8 × 168 errors) for stable p10/p90.
        public var errorWindowWeeks: Int = 8
        /// Clamp factor k for counts that update the state (see the type's comment).
        public var outlierFactor: Double = 3
        /// Pseudo-count added before taking log ratios and to the clamp's upper bound, so
        /// hours with 0–5 people do not produce huge relative errors.
        public var countOffset: Double = 5

        public init() {}

        public static let standard = Parameters()
    }

    public let parameters: Parameters
    public let holidays: Set<LocalDate>

    private var level = DecayingRatio()
    private var profile = [DecayingRatio](repeating: DecayingRatio(), count: LocalHour.hoursPerWeek)
    private var lastObserved: LocalHour?
    private var frozenWeek: (number: Int, means: [Double]?)?
    private var weekAheadErrors: RollingWindow

    public init(holidays: Set<LocalDate> = [], parameters: Parameters = .standard) {
        self.parameters = parameters
        self.holidays = holidays
        self.weekAheadErrors = RollingWindow(capacity: parameters.errorWindowWeeks * LocalHour.hoursPerWeek)
    }

    /// A model fitted on a whole series.
    public static func fit(
        _ series: HourlySeries,
        holidays: Set<LocalDate> = [],
        parameters: Parameters = .standard
    ) -> BusynessModel {
        var model = BusynessModel(holidays: holidays, parameters: parameters)
        for observation in series.observations {
            model.observe(observation)
        }
        return model
    }

    /// The last hour that updated the model (holidays excluded), if any.
    public var lastObservedHour: LocalHour? { lastObserved }

    /// Learns from one count. Observations must come in time order: one at or before the
    /// last observed hour is ignored (returns false), because exponential weights cannot
    /// be rewound. Holiday hours are ignored too (see the type's comment).
    @discardableResult
    public mutating func observe(_ observation: Observation) -> Bool {
        let hour = observation.hour
        guard lastObserved.map({ hour > $0 }) ?? true,
              !holidays.contains(hour.date),
              observation.count.isFinite, observation.count >= 0
        else { return false }

        recordWeekAheadError(observation)
        let cell = hour.hourOfWeek
        let currentLevel = level.value
        let shape = profile[cell].value ?? 1
        let count = currentLevel.map { clamped(observation.count, expected: $0 * shape) } ?? observation.count

        level.add(count, over: shape, at: hour, halfLifeHours: parameters.levelHalfLifeHours)
        if let currentLevel, currentLevel > 0 {
            profile[cell].add(count, over: currentLevel, at: hour, halfLifeHours: profileHalfLifeHours)
        }
        lastObserved = hour
        return true
    }

    /// Forecasts for the given hours from what has been observed so far. Hours need not be in
    /// the future or in order; every hour gets the current level, so forecasts far ahead do
    /// not anticipate level changes.
    public func forecast(_ hours: some Sequence<LocalHour>) -> [HourForecast] {
        let means = weekMeans()
        let errorQuantiles = weekAheadErrors.count >= LocalHour.hoursPerWeek
            ? weekAheadErrors.quantiles([0.1, 0.5, 0.9])
            : nil
        return hours.map { hour in
            let mean = means?[profileCell(for: hour)] ?? 0
            let band = errorQuantiles.map { logBand(mean: mean, logRatios: $0) } ?? poissonBand(mean: mean)
            return HourForecast(hour: hour, mean: mean, p10: band[0], p50: band[1], p90: band[2])
        }
    }

    /// Expected counts for an ordinary week, Monday 00:00 first (168 values; zeros before any
    /// data). The store's own reference for "typical" busyness, see `BusynessScale`.
    public func typicalWeek() -> [Double] {
        weekMeans() ?? [Double](repeating: 0, count: LocalHour.hoursPerWeek)
    }

    // MARK: - Pieces

    private var profileHalfLifeHours: Double {
        parameters.profileHalfLifeWeeks * Double(LocalHour.hoursPerWeek)
    }

    /// Expected count per weekday-hour cell, or nil before the first observation.
    private func weekMeans() -> [Double]? {
        guard let currentLevel = level.value else { return nil }
        return profile.map { currentLevel * ($0.value ?? 1) }
    }

    private func profileCell(for hour: LocalHour) -> Int {
        holidays.contains(hour.date) ? Weekday.sunday.rawValue * 24 + hour.hourOfDay : hour.hourOfWeek
    }

    private func clamped(_ count: Double, expected: Double) -> Double {
        let k = parameters.outlierFactor
        return min(max(count, expected / k), expected * k + parameters.countOffset)
    }

    /// Scores a count against the forecast frozen at the start of its week.
    private mutating func recordWeekAheadError(_ observation: Observation) {
        let week = observation.hour.weekNumber
        if frozenWeek?.number != week {
            frozenWeek = (week, weekMeans())
        }
        guard let means = frozenWeek?.means else { return }
        let offset = parameters.countOffset
        let forecast = means[observation.hour.hourOfWeek]
        weekAheadErrors.append(log((observation.count + offset) / (forecast + offset)))
    }

    /// p10/p50/p90 from quantiles of log((count + offset) / (mean + offset)); never negative.
    private func logBand(mean: Double, logRatios: [Double]) -> [Double] {
        let offset = parameters.countOffset
        return logRatios.map { max(0, (mean + offset) * exp($0) - offset) }
    }

    /// Until a week of its own errors exists the model can only assume counting noise:
    /// Poisson, normal approximation (±1.2816 σ is the 10–90% range).
    private func poissonBand(mean: Double) -> [Double] {
        let spread = 1.2816 * mean.squareRoot()
        return [max(0, mean - spread), mean, mean + spread]
    }
}
