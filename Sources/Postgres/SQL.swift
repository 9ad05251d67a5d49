import CLibPQ
import Domain
import Foundation

/// A statement and its bound values. Written as an interpolated string,
/// every interpolated value becomes a `$n` parameter that libpq binds, so
/// input can never be spliced into the SQL text:
///
///     let rows = try await db.query("SELECT name FROM stores WHERE id = \(id)")
///
/// The only way to put text into the statement itself is `\(identifier:)`,
/// which quotes a name (for schema names chosen by code, never by users).
public struct SQL: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var text: String
    public private(set) var bindings: [PostgresValue]

    public init(stringLiteral value: String) {
        self.text = value
        self.bindings = []
    }

    public init(stringInterpolation: Interpolation) {
        self.text = stringInterpolation.text
        self.bindings = stringInterpolation.bindings
    }

    /// SQL kept beside the code in a `.sql` file, or a statement assembled
    /// by code from fixed fragments; never from input.
    public init(unsafeText text: String, bindings: [PostgresValue] = []) {
        self.text = text
        self.bindings = bindings
    }

    public struct Interpolation: StringInterpolationProtocol {
        var text = ""
        var bindings: [PostgresValue] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount * 3)
        }

        public mutating func appendLiteral(_ literal: String) {
            text += literal
        }

        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            bindings.append(value.postgresValue)
            text += "$\(bindings.count)"
        }

        /// Spelled out so an optional binds as NULL rather than matching any other overload.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            bindings.append(value.postgresValue)
            text += "$\(bindings.count)"
        }

        /// A fragment built with the same rules; its `$n` are renumbered.
        public mutating func appendInterpolation(_ fragment: SQL) {
            text += fragment.renumbered(startingAt: bindings.count)
            bindings += fragment.bindings
        }

        public mutating func appendInterpolation(identifier: String) {
            text += quoteIdentifier(identifier)
        }
    }

    /// Joins fragments (e.g. a list of VALUES rows) keeping parameters bound.
    public static func join(_ parts: [SQL], separator: String) -> SQL {
        var result = SQL(stringLiteral: "")
        for (index, part) in parts.enumerated() {
            if index > 0 { result.text += separator }
            result.text += part.renumbered(startingAt: result.bindings.count)
            result.bindings += part.bindings
        }
        return result
    }

    public var description: String { text }

    /// Byte by byte: `$` and digits are ASCII, so no UTF-8 sequence holds one, and walking
    /// Characters cost a claim 2% of its server CPU.
    private func renumbered(startingAt offset: Int) -> String {
        guard offset > 0, !bindings.isEmpty else { return text }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bindings.count * 2)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            output.append(byte)
            guard byte == UInt8(ascii: "$") else { continue }
            var number = 0
            var digits = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                number = number * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                digits += 1
                index += 1
            }
            if digits > 0 { output.append(contentsOf: String(number + offset).utf8) }
        }
        return String(decoding: output, as: UTF8.self)
    }
}

public func quoteIdentifier(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

/// A parameter as libpq receives it: text format, with a type OID where
/// the type matters (0 lets the server infer it from context).
public struct PostgresValue: Sendable, Hashable {
    public var type: Oid
    public var text: String?

    public init(type: Oid, text: String?) {
        self.type = type
        self.text = text
    }
}

public protocol PostgresEncodable: Sendable {
    var postgresValue: PostgresValue { get }
}

enum TypeOID {
    static let bool: Oid = 16
    static let bytea: Oid = 17
    static let int8: Oid = 20
    static let int2: Oid = 21
    static let int4: Oid = 23
    static let text: Oid = 25
    static let json: Oid = 114
    static let float4: Oid = 700
    static let float8: Oid = 701
    static let unknown: Oid = 0
    static let varchar: Oid = 1043
    static let date: Oid = 1082
    static let timestamp: Oid = 1114
    static let timestamptz: Oid = 1184
    static let numeric: Oid = 1700
    static let uuid: Oid = 2950
    static let jsonb: Oid = 3802
    static let boolArray: Oid = 1000
    static let int8Array: Oid = 1016
    static let textArray: Oid = 1009
    static let float8Array: Oid = 1022
    static let uuidArray: Oid = 2951
}

extension Int: PostgresEncodable {
    public var postgresValue: PostgresValue { .init(type: TypeOID.int8, text: String(self)) }
}

extension Int64: PostgresEncodable {
    public var postgresValue: PostgresValue { .init(type: TypeOID.int8, text: String(self)) }
}

extension Int32: PostgresEncodable {
    public var postgresValue: PostgresValue { .init(type: TypeOID.int4, text: String(self)) }
}

extension Double: PostgresEncodable {
    public var postgresValue: PostgresValue {
        let text: String
        if isNaN { text = "NaN" } else if isInfinite { text = self > 0 ? "Infinity" : "-Infinity" } else { text = "\(self)" }
        return .init(type: TypeOID.float8, text: text)
    }
}

extension Bool: PostgresEncodable {
    public var postgresValue: PostgresValue { .init(type: TypeOID.bool, text: self ? "t" : "f") }
}

extension String: PostgresEncodable {
    // Unknown type, so a string can feed text, varchar, enums or JSON columns alike.
    public var postgresValue: PostgresValue { .init(type: TypeOID.unknown, text: self) }
}

extension Substring: PostgresEncodable {
    public var postgresValue: PostgresValue { String(self).postgresValue }
}

extension UUID: PostgresEncodable {
    public var postgresValue: PostgresValue { .init(type: TypeOID.uuid, text: uuidString.lowercased()) }
}

extension Date: PostgresEncodable {
    public var postgresValue: PostgresValue {
        .init(type: TypeOID.timestamptz, text: PostgresTimestamp.format(self))
    }
}

extension Data: PostgresEncodable {
    public var postgresValue: PostgresValue {
        var text = "\\x"
        text.reserveCapacity(2 + count * 2)
        let digits = Array("0123456789abcdef")
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return .init(type: TypeOID.bytea, text: text)
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresValue: PostgresValue {
        switch self {
        case .some(let value): value.postgresValue
        case .none: .init(type: TypeOID.unknown, text: nil)
        }
    }
}

/// A Codable value stored in a json/jsonb column.
public struct JSONColumn<Value: Codable & Sendable>: PostgresEncodable, Sendable {
    public var value: Value

    public init(_ value: Value) {
        self.value = value
    }

    public var postgresValue: PostgresValue {
        // A timeline event's detail is written on every order: without JSONEncoder when the value can.
        if let writing = value as? any JSONWriting { return .init(type: TypeOID.jsonb, text: String(json: writing)) }
        let data = (try? Self.encoder.encode(value)) ?? Data("null".utf8)
        return .init(type: TypeOID.jsonb, text: String(decoding: data, as: UTF8.self))
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

/// Arrays are sent as array literals, so `= ANY(\(ids))` binds one parameter.
extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public var postgresValue: PostgresValue {
        // Byte by byte: replacingOccurrences went through NSString, twice per element.
        var literal: [UInt8] = [UInt8(ascii: "{")]
        // Indices rather than enumerated(): its generic metadata was looked up on every call.
        for index in indices {
            if index > startIndex { literal.append(UInt8(ascii: ",")) }
            guard let text = self[index].postgresValue.text else {
                literal.append(contentsOf: "NULL".utf8)
                continue
            }
            literal.append(UInt8(ascii: "\""))
            for byte in text.utf8 {
                if byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") { literal.append(UInt8(ascii: "\\")) }
                literal.append(byte)
            }
            literal.append(UInt8(ascii: "\""))
        }
        literal.append(UInt8(ascii: "}"))
        return .init(type: Element.postgresArrayType, text: String(decoding: literal, as: UTF8.self))
    }
}

public protocol PostgresArrayElement: PostgresEncodable {
    static var postgresArrayType: Oid { get }
}

extension Int: PostgresArrayElement { public static var postgresArrayType: Oid { TypeOID.int8Array } }
extension String: PostgresArrayElement { public static var postgresArrayType: Oid { TypeOID.textArray } }
extension UUID: PostgresArrayElement { public static var postgresArrayType: Oid { TypeOID.uuidArray } }
extension Double: PostgresArrayElement { public static var postgresArrayType: Oid { TypeOID.float8Array } }
extension Bool: PostgresArrayElement { public static var postgresArrayType: Oid { TypeOID.boolArray } }
