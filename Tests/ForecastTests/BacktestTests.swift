import Foundation
import Forecast
import Testing

/// The shared footfall data, found from this file's location: Tests/ForecastTests/ → repo root → ../shared.
/// Symlinks are resolved first so the same test also runs from a scratch package that links this folder.
private let footfallDirectory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
    .appendingPathComponent("shared/data/footfall")

private func footfallFiles() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: footfallDirectory.path)) ?? []
    return names.filter { $0.hasSuffix(".csv") }.sorted()
}

@Suite struct BacktestTests {
    @Test func footfallDataIsPresent() {
        #expect(!footfallFiles().isEmpty, "no footfall CSV in \(footfallDirectory.path); the 2025 backtest cannot run")
    }

    @Test(arguments: footfallFiles())
    func modelBeatsBaselinesOver2025(file: String) throws {
        let clock = ContinuousClock()
        let start = clock.now
        let series = try FootfallCSV.read(path: footfallDirectory.appendingPathComponent(file).path)
        let result = try Backtest.run(
            series: series,
            holidays: AucklandHolidays.dates,
            firstOrigin: try #require(LocalHour(year: 2025, month: 1, day: 6, hour: 0)),
            weeks: 51
        )
        print(Backtest.report(result, title: "\(file) (\(clock.now - start))"))
        #expect(result.model.mae < result.seasonalNaive.mae)
        #expect(result.model.mae < result.fourWeekMedian.mae)
        let coverage = try #require(result.model.coverage)
        #expect((0.70...0.90).contains(coverage))
    }
}

/// The backtest's own bookkeeping, on a series whose right answers are known by hand.
@Suite struct BacktestBookkeepingTests {
    /// Week w (0…6) holds the constant count 10·w; hour 3 of week 5 is missing.
    private let series: HourlySeries = {
        let start = SyntheticFootfall.monday
        let observations = (0..<7 * 168).compactMap { offset -> Observation? in
            offset == 5 * 168 + 3 ? nil : Observation(hour: start.advanced(by: offset), count: Double(10 * (offset / 168)))
        }
        return HourlySeries(observations)
    }()

    private var origin: LocalHour { SyntheticFootfall.monday.advanced(by: 6 * 168) }

    /// Seasonal naive says 50 (week 5), or 40 where week 5 lacks the hour; the 4-week median
    /// of weeks 2–5 is (30 + 40) / 2 = 35, or 30 over weeks 2–4. The actual is 60.
    /// In-sample lag-168 error is 10 everywhere, so MASE = MAE / 10.
    @Test func baselinesAndScalesMatchHandCounts() throws {
        let result = try Backtest.run(series: series, firstOrigin: origin, weeks: 1)
        #expect(result.points.count == 168)
        #expect(result.scoredHours == 168)
        let gapHour = result.points[3]
        #expect(gapHour.seasonalNaive == 40 && gapHour.fourWeekMedian == 30)
        #expect(result.points[4].seasonalNaive == 50 && result.points[4].fourWeekMedian == 35)

        let naiveMAE = (167.0 * 10 + 20) / 168
        #expect(abs(result.seasonalNaive.mae - naiveMAE) < 1e-9)
        #expect(abs(try #require(result.seasonalNaive.mase) - naiveMAE / 10) < 1e-9)
        #expect(abs(result.fourWeekMedian.mae - (167.0 * 25 + 30) / 168) < 1e-9)
        #expect(result.seasonalNaive.coverage == nil && result.fourWeekMedian.coverage == nil)
        #expect(result.model.coverage != nil)
    }

    @Test func forecastCSVHasOneRowPerHour() throws {
        let result = try Backtest.run(series: series, firstOrigin: origin.advanced(by: -168), weeks: 2)
        let lines = Backtest.forecastCSV(result.points).split(separator: "\n")
        #expect(lines.count == 1 + 2 * 168)
        #expect(lines[0] == "timestamp,mean,p10,p50,p90")
        #expect(lines[1].hasPrefix("\(origin.advanced(by: -168)),"))
        #expect(lines[1].split(separator: ",").count == 5)
        let report = Backtest.report(result, title: "synthetic")
        for method in ["model", "seasonal naive", "4-week median"] {
            #expect(report.contains(method))
        }
    }

    @Test func refusesBacktestsWithNothingToLearnFrom() {
        #expect(throws: BacktestError.noOrigins) {
            try Backtest.run(series: series, firstOrigin: origin, weeks: 0)
        }
        #expect(throws: BacktestError.noHistoryBeforeOrigin) {
            try Backtest.run(series: series, firstOrigin: SyntheticFootfall.monday, weeks: 1)
        }
    }
}
