import Foundation

/// A type on a hot path that writes its own JSON, byte for byte what a
/// JSONEncoder with sorted keys and ISO 8601 dates makes of it (nil left out),
/// without the generic encoder's boxing: JSONEncoder was three quarters of
/// the offers handler's CPU, 8% of a claim's, 4% of an order's. The web's
/// `Respond.json` uses it when a value has it; tests compare both encodings
/// on random values.
public protocol JSONWriting {
    func writeJSON(to output: inout JSONOutput)
}

/// A struct, not a class: appending to a class's array pays a runtime exclusivity check each time.
public struct JSONOutput {
    public private(set) var bytes: [UInt8] = []
    /// No comma before the next key or element.
    private var first = true

    public init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    /// `{`, then `field`s in ascending key order (as JSONEncoder's .sortedKeys writes them), then `endObject`.
    public mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        first = true
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        first = false
    }

    public mutating func array(_ elements: some Sequence<some JSONWriting>) {
        bytes.append(UInt8(ascii: "["))
        var index = 0
        for element in elements {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            index += 1
            element.writeJSON(to: &self)
        }
        bytes.append(UInt8(ascii: "]"))
        first = false
    }

    private mutating func key(_ key: StaticString) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// A field named at run time (a map's key).
    public mutating func field(key name: String, _ value: String?) {
        guard let value else { return }
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        string(name)
        bytes.append(UInt8(ascii: ":"))
        string(value)
    }

    /// A field whose value is nil is left out, as synthesized Codable does.
    public mutating func field(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    public mutating func field(_ name: StaticString, _ value: some BinaryInteger) {
        key(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    /// As JSONEncoder writes a Double: its description, without a trailing ".0".
    public mutating func field(_ name: StaticString, _ value: Double) {
        key(name)
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    public mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    public mutating func field(_ name: StaticString, _ value: Date?) {
        guard let value else { return }
        key(name)
        string(DateText.iso8601(value))
    }

    /// As JSONEncoder writes a UUID: its uppercase text.
    public mutating func field(_ name: StaticString, _ value: UUID) {
        key(name)
        string(value.uuidString)
    }

    /// An enum by its raw value.
    public mutating func field(_ name: StaticString, _ value: some RawRepresentable<String>) {
        key(name)
        string(value.rawValue)
    }

    /// A nested object or array; nil is left out.
    public mutating func field(_ name: StaticString, _ value: (some JSONWriting)?) {
        guard let value else { return }
        key(name)
        value.writeJSON(to: &self)
    }

    /// A nested object written as `null` when nil: for a key an answer always carries.
    public mutating func field(_ name: StaticString, orNull value: (some JSONWriting)?) {
        key(name)
        if let value { value.writeJSON(to: &self) } else { bytes.append(contentsOf: "null".utf8); first = false }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    private mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
                // JSONEncoder escapes slashes too, unless told otherwise.
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case 0x08: escape(UInt8(ascii: "b"))
            case 0x0C: escape(UInt8(ascii: "f"))
            case 0x0A: escape(UInt8(ascii: "n"))
            case 0x0D: escape(UInt8(ascii: "r"))
            case 0x09: escape(UInt8(ascii: "t"))
            case 0..<0x20:
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0xF)]])
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ letter: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(letter)
    }
}

extension Array: JSONWriting where Element: JSONWriting {
    public func writeJSON(to output: inout JSONOutput) {
        output.array(self)
    }
}

/// A string map (a timeline event's detail), keys in order.
extension Dictionary: JSONWriting where Key == String, Value == String {
    public func writeJSON(to output: inout JSONOutput) {
        output.beginObject()
        for key in keys.sorted() {
            output.field(key: key, self[key])
        }
        output.endObject()
    }
}

extension String {
    /// The text a JSON writer made.
    public init(json value: some JSONWriting) {
        var output = JSONOutput()
        value.writeJSON(to: &output)
        self.init(decoding: output.bytes, as: UTF8.self)
    }
}
