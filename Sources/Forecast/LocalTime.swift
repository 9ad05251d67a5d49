// Wall-clock calendar arithmetic without time zones.
//
// Footfall is recorded and forecast in the store's local wall-clock time: a
// "Monday 09:00" means the same thing to shoppers in January and in July, even
// though daylight saving moves it by an hour in UTC. So hours are counted on a
// naive calendar (every day has 24 hours) and never converted to instants here.
// The day arithmetic is Howard Hinnant's days-from-civil algorithm: exact, pure
// integer, and fast enough to parse years of hourly rows in a debug build.

/// Day of the week, Monday first, as in ISO 8601 and in a store's weekly roster.
public enum Weekday: Int, CaseIterable, Sendable, Comparable {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A calendar day on the store's wall clock.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01; an integer so holiday lookups and day arithmetic stay cheap.
    public let dayIndex: Int

    public init(dayIndex: Int) { self.dayIndex = dayIndex }

    /// Returns nil for dates that do not exist (2025-02-30), so bad input cannot wrap silently.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        let index = daysFromCivil(year: year, month: month, day: day)
        guard civilFromDays(index) == (year, month, day) else { return nil }
        self.dayIndex = index
    }

    /// Parses `YYYY-MM-DD`, the form holiday lists are usually written in.
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, let date = parseDate(bytes[...]) else { return nil }
        self = date
    }

    public var components: (year: Int, month: Int, day: Int) { civilFromDays(dayIndex) }

    /// 1970-01-01 was a Thursday.
    public var weekday: Weekday { Weekday(rawValue: floorMod(dayIndex + 3, 7))! }

    public func adding(days: Int) -> LocalDate { LocalDate(dayIndex: dayIndex + days) }

    public var description: String {
        let (year, month, day) = components
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.dayIndex < rhs.dayIndex }
}

/// The start of one wall-clock hour. Strideable, so `origin..<origin.advanced(by: 168)` is a week.
public struct LocalHour: Hashable, Strideable, Sendable, CustomStringConvertible {
    /// Hours since 1970-01-01 00:00 on the naive wall clock (24 hours in every day).
    public let index: Int

    public static let hoursPerWeek = 168

    public init(index: Int) { self.index = index }

    public init(date: LocalDate, hour: Int) {
        precondition((0..<24).contains(hour), "hour of day out of range")
        self.index = date.dayIndex * 24 + hour
    }

    public init?(year: Int, month: Int, day: Int, hour: Int) {
        guard (0..<24).contains(hour), let date = LocalDate(year: year, month: month, day: day) else { return nil }
        self.init(date: date, hour: hour)
    }

    /// Parses `YYYY-MM-DD HH:MM:SS` (minutes and seconds must be zero: the series is hourly).
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        guard let hour = parseHourTimestamp(bytes[...]) else { return nil }
        self = hour
    }

    public var date: LocalDate { LocalDate(dayIndex: floorDiv(index, 24)) }
    public var hourOfDay: Int { floorMod(index, 24) }
    public var weekday: Weekday { date.weekday }

    /// 0 for Monday 00:00 up to 167 for Sunday 23:00: the cell of a weekly profile.
    public var hourOfWeek: Int { weekday.rawValue * 24 + hourOfDay }

    /// Weeks since the Monday before 1970-01-01, so consecutive Monday-to-Sunday weeks get consecutive numbers.
    public var weekNumber: Int { floorDiv(index + 72, LocalHour.hoursPerWeek) }

    public func distance(to other: LocalHour) -> Int { other.index - index }
    public func advanced(by hours: Int) -> LocalHour { LocalHour(index: index + hours) }

    /// The same form the CSV uses, so a forecast can be joined back onto its input.
    public var description: String { "\(date) \(padded(hourOfDay, 2)):00:00" }
}

// MARK: - Parsing on bytes (shared by the CSV reader and the string initialisers)

/// Parses exactly `YYYY-MM-DD HH:MM:SS` with zero minutes and seconds.
func parseHourTimestamp(_ bytes: ArraySlice<UInt8>) -> LocalHour? {
    guard bytes.count == 19 else { return nil }
    let start = bytes.startIndex
    guard bytes[start + 10] == UInt8(ascii: " "),
          bytes[start + 13] == UInt8(ascii: ":"), bytes[start + 16] == UInt8(ascii: ":"),
          let date = parseDate(bytes[start..<start + 10]),
          let hour = parseDigits(bytes[start + 11..<start + 13]),
          parseDigits(bytes[start + 14..<start + 16]) == 0,
          parseDigits(bytes[start + 17..<start + 19]) == 0,
          hour < 24
    else { return nil }
    return LocalHour(date: date, hour: hour)
}

private func parseDate(_ bytes: ArraySlice<UInt8>) -> LocalDate? {
    let start = bytes.startIndex
    guard bytes.count == 10,
          bytes[start + 4] == UInt8(ascii: "-"), bytes[start + 7] == UInt8(ascii: "-"),
          let year = parseDigits(bytes[start..<start + 4]),
          let month = parseDigits(bytes[start + 5..<start + 7]),
          let day = parseDigits(bytes[start + 8..<start + 10]),
          // Year 0000 is ISO 8601's 1 BC, which PostgreSQL refuses to read: a date it cannot store is no date.
          year >= 1
    else { return nil }
    return LocalDate(year: year, month: month, day: day)
}

private func parseDigits(_ bytes: ArraySlice<UInt8>) -> Int? {
    var value = 0
    for byte in bytes {
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
    }
    return value
}

// MARK: - Integer helpers

private func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}

private func civilFromDays(_ days: Int) -> (Int, Int, Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let shiftedMonth = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
    let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    return (year, month, day)
}

func floorDiv(_ a: Int, _ b: Int) -> Int { (a - floorMod(a, b)) / b }
func floorMod(_ a: Int, _ b: Int) -> Int { ((a % b) + b) % b }

private func padded(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
