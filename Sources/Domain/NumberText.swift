import Foundation

/// How a number is written with fixed decimal places: C's printf, called directly.
/// `String(format:)` goes through Foundation's formatter and was the costliest part of
/// building a product page's nutrition table.
public enum NumberText {
    /// `places` decimals (0 to 9), a dot before them, exactly as `String(format: "%.<places>f")`.
    public static func fixed(_ value: Double, places: Int) -> String {
        precondition((0...9).contains(places), "0 to 9 decimal places")
        let format: StaticString = "%.*f"
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 400) { buffer in
            let written = withVaList([Int32(places), value]) { arguments in
                format.withUTF8Buffer { pattern in
                    pattern.withMemoryRebound(to: CChar.self) { vsnprintf(buffer.baseAddress!, buffer.count, $0.baseAddress!, arguments) }
                }
            }
            guard written >= 0, Int(written) < buffer.count else { return String(format: "%.\(places)f", value) }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: Int(written)), as: UTF8.self)
        }
    }
}
