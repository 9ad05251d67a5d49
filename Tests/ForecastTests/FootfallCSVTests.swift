import Forecast
import Testing

@Suite struct FootfallCSVTests {
    private func hour(_ text: String) -> LocalHour { LocalHour(parsing: text)! }

    @Test func readsCountsAndLeavesMissingHoursEmpty() throws {
        // 2025-09-28 02:00 does not exist in Auckland (clocks jump to 03:00): no row for it.
        let series = try FootfallCSV.parse("""
            timestamp,count
            2025-09-28 00:00:00,12
            2025-09-28 01:00:00,7
            2025-09-28 03:00:00,4

            """)
        #expect(series.observationCount == 3)
        #expect(series.hours.count == 4)
        #expect(series[hour("2025-09-28 01:00:00")] == 7)
        #expect(series[hour("2025-09-28 02:00:00")] == nil)
        #expect(series[hour("2025-09-28 03:00:00")] == 4)
        #expect(series.observations.map(\.count) == [12, 7, 4])
    }

    @Test func averagesARepeatedHour() throws {
        // 2025-04-06 02:00 happens twice when daylight saving ends; rows may also come out of order.
        let series = try FootfallCSV.parse("""
            timestamp,count
            2025-04-06 01:00:00,20
            2025-04-06 02:00:00,30
            2025-04-06 02:00:00,50
            2025-04-06 03:00:00,10
            2025-04-06 00:00:00,25
            """)
        #expect(series[hour("2025-04-06 02:00:00")] == 40)
        #expect(series.observations.map(\.hour) == (0..<4).map { hour("2025-04-06 00:00:00").advanced(by: $0) })
    }

    @Test func rowWithoutACountIsAMissingHour() throws {
        let series = try FootfallCSV.parse("timestamp,count\r\n2025-01-01 00:00:00,\r\n2025-01-01 01:00:00,3\r\n")
        #expect(series.observationCount == 1)
        #expect(series[hour("2025-01-01 00:00:00")] == nil)
    }

    @Test(arguments: [
        ("timestamp,count\n2025-01-01 00:00:00,1\n2025-01-01 01:00,2\n", 3),
        ("timestamp,count\n2025-01-01 00:00:00,1\n2025-01-01 01:00:00,2\n2025-02-30 00:00:00,4\n", 4),
        ("timestamp,count\n2025-01-01 00:00:00,-1\n", 2),
        ("timestamp,count\n2025-01-01 00:00:00,1\n2025-01-01 01:00:00,many\n", 3),
        ("timestamp,count\n2025-01-01 00:00:00,1,2\n", 2),
        ("time,count\n2025-01-01 00:00:00,1\n", 1),
        ("", 1),
    ])
    func badLineIsReportedByNumber(text: String, line: Int) {
        #expect {
            try FootfallCSV.parse(text)
        } throws: { error in
            (error as? FootfallCSVError)?.line == line
        }
    }

    @Test func errorMessageNamesTheLine() {
        let error = #expect(throws: FootfallCSVError.self) {
            try FootfallCSV.parse("timestamp,count\n2025-01-01 00:00:00,1\n2025-01-01 25:00:00,2\n")
        }
        #expect(error?.description.hasPrefix("line 3: bad timestamp") == true)
    }

    @Test func missingFileIsAFileError() {
        #expect(throws: FootfallFileError.self) {
            try FootfallCSV.read(path: "/nonexistent/footfall.csv")
        }
    }
}
