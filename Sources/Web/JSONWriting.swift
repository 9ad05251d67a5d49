import Domain
import Foundation
import Picking
import Slots

/// A type on a hot path that writes its own JSON, byte for byte what
/// `Respond.encoder` makes of it (sorted keys, ISO 8601 dates, nil left out),
/// without the generic encoder's boxing: JSONEncoder was three quarters of
/// the offers handler's CPU. `Respond.json` uses it when a value has it;
/// a test compares both encodings on random values.
protocol JSONWriting {
    func writeJSON(to output: inout JSONOutput)
}

/// A struct, not a class: appending to a class's array pays a runtime exclusivity check each time.
struct JSONOutput {
    private(set) var bytes: [UInt8] = []
    /// No comma before the next key or element.
    private var first = true

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    /// `{`, then `field`s in ascending key order (as JSONEncoder's .sortedKeys writes them), then `endObject`.
    mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        first = true
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        first = false
    }

    mutating func array(_ elements: some Sequence<some JSONWriting>) {
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

    /// A field whose value is nil is left out, as synthesized Codable does.
    mutating func field(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    mutating func field(_ name: StaticString, _ value: some BinaryInteger) {
        key(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    /// As JSONEncoder writes a Double: its description, without a trailing ".0".
    mutating func field(_ name: StaticString, _ value: Double) {
        key(name)
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func field(_ name: StaticString, _ value: Date?) {
        guard let value else { return }
        key(name)
        string(DateText.iso8601(value))
    }

    /// As JSONEncoder writes a UUID: its uppercase text.
    mutating func field(_ name: StaticString, _ value: UUID) {
        key(name)
        string(value.uuidString)
    }

    /// An enum by its raw value.
    mutating func field(_ name: StaticString, _ value: some RawRepresentable<String>) {
        key(name)
        string(value.rawValue)
    }

    /// A nested object or array; nil is left out.
    mutating func field(_ name: StaticString, _ value: (some JSONWriting)?) {
        guard let value else { return }
        key(name)
        value.writeJSON(to: &self)
    }

    /// A nested object written as `null` when nil: for a key an answer always carries.
    mutating func field(_ name: StaticString, orNull value: (some JSONWriting)?) {
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
    func writeJSON(to output: inout JSONOutput) {
        output.array(self)
    }
}

extension SlotOffer: JSONWriting {
    func writeJSON(to output: inout JSONOutput) {
        output.beginObject()
        output.field("available", available)
        output.field("busyness", busyness)
        output.field("end", end)
        output.field("expectedWaitMinutes", expectedWaitMinutes)
        output.field("feeCents", feeCents)
        output.field("remainingMinutes", remainingMinutes)
        output.field("remainingOrders", remainingOrders)
        output.field("slotID", slotID)
        output.field("start", start)
        output.field("unavailableReason", unavailableReason)
        output.endObject()
    }
}

extension PickingTask: JSONWriting {
    func writeJSON(to output: inout JSONOutput) {
        output.beginObject()
        output.field("claimCount", claimCount)
        output.field("claimedAt", claimedAt)
        output.field("claimedBy", claimedBy)
        output.field("dueAt", dueAt)
        output.field("lastProgressAt", lastProgressAt)
        output.field("lines", lines)
        output.field("orderID", orderID)
        output.field("orderLines", orderLines)
        output.field("orderNumber", orderNumber)
        output.field("stagingLocation", stagingLocation)
        output.field("status", status)
        output.field("storeID", storeID)
        output.field("taskID", taskID)
        output.field("toteLabel", toteLabel)
        output.field("zone", zone)
        output.endObject()
    }
}

extension PickingLine: JSONWriting {
    func writeJSON(to output: inout JSONOutput) {
        output.beginObject()
        output.field("aisle", aisle)
        output.field("brand", brand)
        output.field("lineNo", lineNo)
        output.field("name", name)
        output.field("orderedQuantity", orderedQuantity)
        output.field("pickedQuantity", pickedQuantity)
        output.field("productID", productID)
        output.field("sizeText", sizeText)
        output.field("status", status)
        output.field("substitute", substitute)
        output.field("unitPriceCents", unitPriceCents)
        output.field("walkSequence", walkSequence)
        output.endObject()
    }
}

extension Substitute: JSONWriting {
    func writeJSON(to output: inout JSONOutput) {
        output.beginObject()
        output.field("name", name)
        output.field("productID", productID)
        output.field("quantity", quantity)
        output.field("unitPriceCents", unitPriceCents)
        output.endObject()
    }
}
