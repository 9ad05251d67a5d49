import Forecast
import Testing

@Suite struct LocalTimeTests {
    @Test func epochIsAThursdayMidnight() throws {
        let epoch = try #require(LocalHour(year: 1970, month: 1, day: 1, hour: 0))
        #expect(epoch.index == 0)
        #expect(epoch.weekday == .thursday)
        #expect(epoch.hourOfWeek == 3 * 24)
    }

    @Test func knownDatesHaveTheirWeekdays() throws {
        // 2025-01-06 was a Monday, 2024-02-29 a Thursday, 2000-01-01 a Saturday.
        #expect(try #require(LocalDate(year: 2025, month: 1, day: 6)).weekday == .monday)
        #expect(try #require(LocalDate(year: 2024, month: 2, day: 29)).weekday == .thursday)
        #expect(try #require(LocalDate(year: 2000, month: 1, day: 1)).weekday == .saturday)
        #expect(try #require(LocalDate(year: 1969, month: 12, day: 31)).weekday == .wednesday)
    }

    @Test func impossibleDatesAreRejected() {
        #expect(LocalDate(year: 2025, month: 2, day: 29) == nil)
        #expect(LocalDate(year: 2025, month: 4, day: 31) == nil)
        #expect(LocalDate(year: 2025, month: 13, day: 1) == nil)
        #expect(LocalHour(year: 2025, month: 1, day: 1, hour: 24) == nil)
        #expect(LocalDate(year: 2024, month: 2, day: 29) != nil)
        // Written dates: year 0000 is one PostgreSQL cannot read; 0001 and 9999 it can.
        #expect(LocalDate(parsing: "0000-02-05") == nil)
        #expect(LocalDate(parsing: "0001-01-01")?.description == "0001-01-01")
        #expect(LocalDate(parsing: "9999-12-31")?.description == "9999-12-31")
    }

    @Test func hoursRoundTripThroughText() throws {
        let hour = try #require(LocalHour(parsing: "2025-09-28 02:00:00"))
        #expect(hour.description == "2025-09-28 02:00:00")
        #expect(hour.hourOfDay == 2)
        #expect(hour.weekday == .sunday)
        #expect(hour.hourOfWeek == 6 * 24 + 2)
        #expect(hour.advanced(by: 22).description == "2025-09-29 00:00:00")
        #expect(LocalHour(parsing: "2025-09-28 02:30:00") == nil, "the series is hourly")
        #expect(LocalHour(parsing: "2025-9-28 02:00:00") == nil)
    }

    @Test func weekNumbersChangeOnMondayMidnight() throws {
        let sunday = try #require(LocalHour(parsing: "2025-01-05 23:00:00"))
        let monday = sunday.advanced(by: 1)
        #expect(monday.weekNumber == sunday.weekNumber + 1)
        #expect(monday.advanced(by: 167).weekNumber == monday.weekNumber)
        #expect(monday.hourOfWeek == 0)
    }
}
