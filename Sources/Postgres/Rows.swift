import CLibPQ
import Foundation

/// A result copied out of libpq's PGresult, so it can cross tasks and the
/// PGresult can be cleared at once.
public struct PostgresRows: Sendable, RandomAccessCollection {
    public struct Column: Sendable, Hashable {
        public var name: String
        public var type: Oid
    }

    public let columns: [Column]
    /// Rows touched by INSERT/UPDATE/DELETE (PQcmdTuples), 0 for others.
    public let affectedRows: Int
    let values: [String?]
    /// Position of each column name; nil for a name that appears twice (a join
    /// selecting two `name` columns), so reading it by name is an error, not a guess.
    private let positions: [String: Int?]

    init(columns: [Column], values: [String?], affectedRows: Int) {
        self.columns = columns
        self.values = values
        self.affectedRows = affectedRows
        var positions: [String: Int?] = [:]
        for (index, column) in columns.enumerated() {
            positions[column.name] = positions[column.name] == nil ? .some(index) : .some(nil)
        }
        self.positions = positions
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { columns.isEmpty ? 0 : values.count / columns.count }

    public subscript(position: Int) -> PostgresRow {
        PostgresRow(rows: self, index: position)
    }

    /// The one row a statement must return; a clear error when it did not.
    public func single() throws -> PostgresRow {
        guard count == 1 else { throw PostgresError(code: .unexpectedResult, message: "expected one row, got \(count)") }
        return self[0]
    }

    func columnIndex(_ name: String) throws -> Int {
        guard let position = positions[name] else {
            throw PostgresError(code: .decoding, message: "no column \"\(name)\" in the result")
        }
        guard let position else {
            throw PostgresError(code: .decoding, message: "column \"\(name)\" appears more than once in the result; give each an alias")
        }
        return position
    }
}

public struct PostgresRow: Sendable {
    let rows: PostgresRows
    let index: Int

    public var columns: [PostgresRows.Column] { rows.columns }

    /// The raw text of a column, nil for NULL.
    public func text(_ column: Int) -> String? {
        rows.values[index * rows.columns.count + column]
    }

    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, at column: Int) throws -> T {
        guard column >= 0, column < rows.columns.count else {
            throw PostgresError(code: .decoding, message: "column \(column) is out of range (\(rows.columns.count) columns)")
        }
        let info = rows.columns[column]
        do {
            return try T.decode(text: text(column), type: info.type)
        } catch let failure as DecodingFailure {
            throw PostgresError(
                code: .decoding,
                message: "column \"\(info.name)\" (type \(info.type)) cannot be read as \(T.self): \(failure.reason)"
            )
        }
    }

    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, _ column: String) throws -> T {
        try decode(type, at: try rows.columnIndex(column))
    }

    public subscript<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) -> T {
        get throws { try decode(type, column) }
    }
}

struct DecodingFailure: Error {
    var reason: String
}

public protocol PostgresDecodable: Sendable {
    /// `text` is nil for SQL NULL.
    static func decode(text: String?, type: Oid) throws -> Self
}

/// Types that never hold NULL share this, so Optional can wrap them.
public protocol PostgresNonNullDecodable: PostgresDecodable {
    static func decode(nonNull text: String, type: Oid) throws -> Self
}

extension PostgresNonNullDecodable {
    public static func decode(text: String?, type: Oid) throws -> Self {
        guard let text else { throw DecodingFailure(reason: "it is NULL") }
        return try decode(nonNull: text, type: type)
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresNonNullDecodable {
    public static func decode(text: String?, type: Oid) throws -> Wrapped? {
        guard let text else { return nil }
        return try Wrapped.decode(nonNull: text, type: type)
    }
}

private func expect(_ type: Oid, in allowed: [Oid], _ swiftType: String) throws {
    guard allowed.contains(type) else { throw DecodingFailure(reason: "a \(swiftType) needs one of the types \(allowed)") }
}

extension Int: PostgresNonNullDecodable {
    public static func decode(nonNull text: String, type: Oid) throws -> Int {
        try expect(type, in: [TypeOID.int2, TypeOID.int4, TypeOID.int8, TypeOID.numeric], "Int")
        guard let value = Int(text) else { throw DecodingFailure(reason: "\"\(text)\" is not an integer") }
        return value
    }
}

extension Int64: PostgresNonNullDecodable {
    public static func decode(nonNull text: String, type: Oid) throws -> Int64 {
        Int64(try Int.decode(nonNull: text, type: type))
    }
}

extension Int32: PostgresNonNullDecodable {
    public static func decode(nonNull text: String, type: Oid) throws -> Int32 {
        guard let value = Int32(exactly: try Int.decode(nonNull: text, type: type)) else {
            throw DecodingFailure(reason: "\(text) does not fit in Int32")
        }
        return value
    }
}

extension Double: PostgresNonNullDecodable {
    public static func decode(nonNull text: String, type: Oid) throws -> Double {
        try expect(type, in: [TypeOID.float4, TypeOID.float8, TypeOID.numeric, TypeOID.int2, TypeOID.int4, TypeOID.int8], "Double")
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default:
            guard let value = Double(text) else { throw DecodingFailure(reason: "\"\(text)\" is not a number") }
            return value
        }
    }
}

extension Bool: PostgresNonNullDecodable {
    public static func decode(nonNull text: String, type: Oid) throws -> Bool {
        try expect(type, in: [TypeOID.bool], "Bool")
        return text == "t"
    }
}

extension String: PostgresNonNullDecodable {
    // Any type reads as its text form: handy for enums, intervals, inet.
    public static func decode(nonNull text: String, type: Oid) throws -> String { text }
}

extension UUID: PostgresNonNullDecodable {
    public static func decode(nonNull text: String, type: Oid) throws -> UUID {
        try expect(type, in: [TypeOID.uuid], "UUID")
        guard let value = UUID(uuidString: text) else { throw DecodingFailure(reason: "\"\(text)\" is not a UUID") }
        return value
    }
}

extension Date: PostgresNonNullDecodable {
    public static func decode(nonNull text: String, type: Oid) throws -> Date {
        try expect(type, in: [TypeOID.timestamptz, TypeOID.timestamp, TypeOID.date], "Date")
        guard let value = PostgresTimestamp.parse(text) else { throw DecodingFailure(reason: "\"\(text)\" is not an ISO timestamp") }
        return value
    }
}

extension Data: PostgresNonNullDecodable {
    public static func decode(nonNull text: String, type: Oid) throws -> Data {
        try expect(type, in: [TypeOID.bytea], "Data")
        var bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0 else {
            throw DecodingFailure(reason: "bytea is not in hex form")
        }
        bytes.removeFirst(2)
        var data = Data(capacity: bytes.count / 2)
        var index = 0
        while index < bytes.count {
            guard let high = hexValue(bytes[index]), let low = hexValue(bytes[index + 1]) else {
                throw DecodingFailure(reason: "bytea has a non-hex digit")
            }
            data.append(high << 4 | low)
            index += 2
        }
        return data
    }
}

private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}

extension JSONColumn: PostgresDecodable, PostgresNonNullDecodable {
    public static func decode(nonNull text: String, type: Oid) throws -> JSONColumn<Value> {
        try expect(type, in: [TypeOID.json, TypeOID.jsonb, TypeOID.text], "JSON")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return JSONColumn(try decoder.decode(Value.self, from: Data(text.utf8)))
        } catch {
            throw DecodingFailure(reason: "JSON does not match \(Value.self): \(error)")
        }
    }
}

/// One-dimensional arrays in text form: {a,"b c",NULL}.
extension Array: PostgresDecodable, PostgresNonNullDecodable where Element: PostgresNonNullDecodable {
    public static func decode(nonNull text: String, type: Oid) throws -> [Element] {
        guard let elementType = arrayElementTypes[type] else { throw DecodingFailure(reason: "type \(type) is not a known array type") }
        return try parseArrayLiteral(text).map { item in
            guard let item else { throw DecodingFailure(reason: "array holds a NULL") }
            return try Element.decode(nonNull: item, type: elementType)
        }
    }
}

private let arrayElementTypes: [Oid: Oid] = [
    TypeOID.int8Array: TypeOID.int8, 1007: TypeOID.int4, 1005: TypeOID.int2,
    TypeOID.textArray: TypeOID.text, 1015: TypeOID.varchar, TypeOID.uuidArray: TypeOID.uuid,
    TypeOID.float8Array: TypeOID.float8, TypeOID.boolArray: TypeOID.bool, 1185: TypeOID.timestamptz,
    1231: TypeOID.numeric,
]

func parseArrayLiteral(_ text: String) throws -> [String?] {
    var characters = Substring(text)
    guard characters.first == "{", characters.last == "}" else { throw DecodingFailure(reason: "\"\(text)\" is not an array") }
    characters = characters.dropFirst().dropLast()
    if characters.isEmpty { return [] }
    var items: [String?] = []
    var current = ""
    var quoted = false
    var wasQuoted = false
    var escaped = false
    for character in characters {
        if escaped { current.append(character); escaped = false; continue }
        switch character {
        case "\\" where quoted: escaped = true
        case "\"": quoted.toggle(); wasQuoted = true
        case "," where !quoted:
            items.append(!wasQuoted && current == "NULL" ? nil : current)
            current = ""
            wasQuoted = false
        default: current.append(character)
        }
    }
    items.append(!wasQuoted && current == "NULL" ? nil : current)
    return items
}

/// timestamptz in and out of PostgreSQL's ISO text form, by hand: it is on
/// every hot path and DateFormatter is slow and locale-sensitive.
enum PostgresTimestamp {
    static func format(_ date: Date) -> String {
        let totalMicros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        var seconds = Int((totalMicros / 1_000_000).rounded(.down))
        let micros = Int(totalMicros - Double(seconds) * 1_000_000)
        var days = seconds / 86_400
        seconds -= days * 86_400
        if seconds < 0 { seconds += 86_400; days -= 1 }
        let (year, month, day) = civilFromDays(days)
        // "YYYY-MM-DD HH:MM:SS.ffffff+00", digit by digit: String(format:) went through CFString.
        var text: [UInt8] = []
        text.reserveCapacity(30)
        func digits(_ value: Int, _ width: Int) {
            // As printf's %0*ld: a minus sign counts in the width.
            let written = String(value.magnitude).utf8
            var width = width
            if value < 0 {
                text.append(UInt8(ascii: "-"))
                width -= 1
            }
            text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(0, width - written.count)))
            text.append(contentsOf: written)
        }
        digits(year, 4)
        text.append(UInt8(ascii: "-"))
        digits(month, 2)
        text.append(UInt8(ascii: "-"))
        digits(day, 2)
        text.append(UInt8(ascii: " "))
        digits(seconds / 3600, 2)
        text.append(UInt8(ascii: ":"))
        digits(seconds / 60 % 60, 2)
        text.append(UInt8(ascii: ":"))
        digits(seconds % 60, 2)
        text.append(UInt8(ascii: "."))
        digits(micros, 6)
        text.append(contentsOf: "+00".utf8)
        return String(decoding: text, as: UTF8.self)
    }

    static func parse(_ text: String) -> Date? {
        if text == "infinity" { return .distantFuture }
        if text == "-infinity" { return .distantPast }
        let bytes = Array(text.utf8)
        var position = 0
        func number(_ length: Int) -> Int? {
            guard position + length <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[position..<position + length] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            position += length
            return value
        }
        func skip(_ character: Character) -> Bool {
            guard position < bytes.count, bytes[position] == character.asciiValue else { return false }
            position += 1
            return true
        }
        guard let year = number(4), skip("-"), let month = number(2), skip("-"), let day = number(2) else { return nil }
        var seconds = 0
        var fraction = 0.0
        var offset = 0
        if skip(" ") || skip("T") {
            guard let hour = number(2), skip(":"), let minute = number(2), skip(":"), let second = number(2) else { return nil }
            seconds = hour * 3600 + minute * 60 + second
            if skip(".") {
                var scale = 0.1
                while position < bytes.count, bytes[position] >= 48, bytes[position] <= 57 {
                    fraction += Double(bytes[position] - 48) * scale
                    scale /= 10
                    position += 1
                }
            }
            if position < bytes.count {
                let sign: Int
                if skip("+") { sign = 1 } else if skip("-") { sign = -1 } else if skip("Z") { sign = 0 } else { return nil }
                if sign != 0 {
                    guard let hours = number(2) else { return nil }
                    var minutes = 0
                    if skip(":") { guard let value = number(2) else { return nil }; minutes = value }
                    if skip(":") { guard let value = number(2) else { return nil }; minutes += value / 60 }
                    offset = sign * (hours * 3600 + minutes * 60)
                }
            }
        }
        guard position == bytes.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: Double(days * 86_400 + seconds - offset) + fraction)
    }

    // Howard Hinnant's civil calendar algorithms: exact for the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
