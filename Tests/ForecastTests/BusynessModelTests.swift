import Forecast
import Testing

@Suite struct BusynessModelTests {
    private func fitted(_ observations: [Observation], holidays: Set<LocalDate> = []) -> BusynessModel {
        BusynessModel.fit(HourlySeries(observations), holidays: holidays)
    }

    private func nextWeek(after observations: [Observation]) -> Range<LocalHour> {
        let start = observations.last!.hour.advanced(by: 1)
        return start..<start.advanced(by: LocalHour.hoursPerWeek)
    }

    private func relativeError(_ forecast: [HourForecast], _ truth: (LocalHour) -> Double) -> Double {
        let error = forecast.reduce(0) { $0 + abs($1.mean - truth($1.hour)) }
        return error / forecast.reduce(0) { $0 + truth($1.hour) }
    }

    @Test func learnsAStableWeeklyShape() {
        let history = SyntheticFootfall.series(weeks: 30)
        let forecast = fitted(history).forecast(nextWeek(after: history))
        #expect(forecast.count == 168)
        #expect(relativeError(forecast, SyntheticFootfall.shape) < 0.02)
    }

    /// Traffic halves for the last two weeks (a lockdown, a counter re-sited): the forecast
    /// must follow within the 15% a plain 8-week seasonal mean could never reach (it would
    /// still say ~75% of the old level).
    @Test func followsALevelShiftWithinTwoWeeks() {
        let shiftStart = SyntheticFootfall.monday.advanced(by: 20 * 168)
        let level = { (hour: LocalHour) in hour < shiftStart ? 1.0 : 0.5 }
        let history = SyntheticFootfall.series(weeks: 22, level: level)
        let forecast = fitted(history).forecast(nextWeek(after: history))
        #expect(relativeError(forecast, { 0.5 * SyntheticFootfall.shape($0) }) < 0.15)
    }

    /// A holiday full of zeros (counter switched off on Christmas Day) must not drag the
    /// Wednesday profile down; a future holiday gets Sunday's shape.
    @Test func holidaysAreSkippedAndForecastLikeSunday() throws {
        let pastHoliday = SyntheticFootfall.monday.advanced(by: 25 * 168 + 2 * 24).date
        let futureHoliday = SyntheticFootfall.monday.advanced(by: 30 * 168 + 2 * 24).date
        #expect(pastHoliday.weekday == .wednesday && futureHoliday.weekday == .wednesday)
        let history = SyntheticFootfall.series(weeks: 30).map {
            $0.hour.date == pastHoliday ? Observation(hour: $0.hour, count: 0) : $0
        }
        let model = fitted(history, holidays: [pastHoliday, futureHoliday])

        let week = model.forecast(nextWeek(after: history))
        let holidayHours = week.filter { $0.hour.date == futureHoliday }
        let sundayHours = week.filter { $0.hour.weekday == .sunday }
        #expect(holidayHours.count == 24)
        #expect(holidayHours.map(\.mean) == sundayHours.map(\.mean))

        let ordinaryWednesdayNoon = LocalHour(date: futureHoliday.adding(days: 7), hour: 12)
        let truth = SyntheticFootfall.shape(ordinaryWednesdayNoon)
        let marked = model.forecast([ordinaryWednesdayNoon])[0].mean
        let unmarked = fitted(history).forecast([ordinaryWednesdayNoon])[0].mean
        #expect(abs(marked - truth) < 2)
        #expect(unmarked < truth - 2, "without the holiday mark the zeros would have pulled Wednesday down")
    }

    @Test func quantilesAreOrderedAndNonNegative() {
        let history = SyntheticFootfall.series(weeks: 20, noise: 0.3)
        for hour in fitted(history).forecast(nextWeek(after: history)) {
            #expect(0 <= hour.p10 && hour.p10 <= hour.p50 && hour.p50 <= hour.p90, "\(hour)")
        }
    }

    /// With 30% lognormal noise the true 10–90% band holds 80% of counts; the model learns
    /// that width from its own week-ahead errors.
    @Test func bandCoversAboutEightyPercentOfNoisyCounts() throws {
        let observations = SyntheticFootfall.series(weeks: 40, noise: 0.3, seed: 7)
        let result = try Backtest.run(
            series: HourlySeries(observations),
            firstOrigin: SyntheticFootfall.monday.advanced(by: 20 * 168),
            weeks: 20
        )
        let coverage = try #require(result.model.coverage)
        #expect((0.75...0.85).contains(coverage), "coverage \(coverage)")
    }

    @Test func outOfOrderObservationsAreIgnored() {
        var model = BusynessModel()
        let hour = SyntheticFootfall.monday
        let accepted = model.observe(Observation(hour: hour.advanced(by: 1), count: 10))
        let rewound = model.observe(Observation(hour: hour, count: 1000))
        #expect(accepted)
        #expect(!rewound)
        #expect(model.lastObservedHour == hour.advanced(by: 1))
    }

    @Test func emptyModelForecastsZeroWithoutNaN() {
        let forecast = BusynessModel().forecast([SyntheticFootfall.monday])[0]
        #expect(forecast.mean == 0 && forecast.p10 == 0 && forecast.p90 == 0)
        #expect(BusynessModel().typicalWeek() == [Double](repeating: 0, count: 168))
    }
}

@Suite struct BusynessScaleTests {
    @Test func levelsSplitTheTypicalWeekInThirds() throws {
        let scale = try #require(BusynessScale(typicalValues: [10, 20, 30, 40, 50, 60, 70, 80, 90]))
        #expect(scale.typical == 50)
        #expect(scale.ratio(100) == 2)
        #expect(scale.level(25) == .low)
        #expect(scale.level(50) == .medium)
        #expect(scale.level(75) == .high)
        let levels = [10.0, 20, 30, 40, 50, 60, 70, 80, 90].map(scale.level)
        #expect(levels.filter { $0 == .low }.count == 3)
        #expect(levels.filter { $0 == .high }.count == 3)
    }

    @Test func typicalWeekOfAFittedModelGivesAUsableScale() throws {
        let model = BusynessModel.fit(HourlySeries(SyntheticFootfall.series(weeks: 20)))
        let scale = try #require(BusynessScale(typicalValues: model.typicalWeek()))
        #expect(scale.level(0) == .low)
        #expect(scale.level(95) == .high)
    }

    @Test func noReferenceNoScale() {
        #expect(BusynessScale(typicalValues: []) == nil)
        #expect(BusynessScale(typicalValues: [0, 0]) == nil)
    }
}
