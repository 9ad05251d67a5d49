/// A line of footfall CSV that cannot be read; names the line so the file can be fixed.
public struct FootfallCSVError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 1-based, counting the header as line 1, as an editor shows it.
    public let line: Int
    public let reason: String

    public var description: String { "line \(line): \(reason)" }
}

/// Reads and writes hourly counts as `timestamp,count` CSV.
///
/// Timestamps are local wall-clock hours without an offset (`2025-04-06 02:00:00`),
/// the way counters export them. Rows may come in any order; repeated hours are
/// averaged (see `HourlySeries.init`); missing hours simply have no row. A row whose
/// count is empty is treated as missing rather than as an error, since exporters
/// write it for hours the counter was down.
public enum FootfallCSV {
    public static let header = "timestamp,count"

    public static func parse(_ text: String) throws(FootfallCSVError) -> HourlySeries {
        try HourlySeries(parseObservations(text))
    }

    /// The rows as written, duplicates kept, for callers that merge sources themselves.
    public static func parseObservations(_ text: String) throws(FootfallCSVError) -> [Observation] {
        let bytes = Array(text.utf8)
        var observations: [Observation] = []
        var lineNumber = 0
        var lineStart = 0
        while lineStart < bytes.count {
            let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            lineNumber += 1
            let line = trimmed(bytes[lineStart..<lineEnd])
            lineStart = lineEnd + 1
            if lineNumber == 1 {
                guard String(decoding: line, as: UTF8.self) == header else {
                    throw FootfallCSVError(line: 1, reason: "expected header \"\(header)\"")
                }
            } else if !line.isEmpty, let observation = try parseRow(line, lineNumber: lineNumber) {
                observations.append(observation)
            }
        }
        guard lineNumber > 0 else { throw FootfallCSVError(line: 1, reason: "empty file, expected header \"\(header)\"") }
        return observations
    }

    /// Returns nil for a row without a count (a missing hour).
    private static func parseRow(_ line: ArraySlice<UInt8>, lineNumber: Int) throws(FootfallCSVError) -> Observation? {
        let fields = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard fields.count == 2 else {
            throw FootfallCSVError(line: lineNumber, reason: "expected 2 fields (timestamp,count), found \(fields.count)")
        }
        guard let hour = parseHourTimestamp(fields[0]) else {
            throw FootfallCSVError(
                line: lineNumber,
                reason: "bad timestamp \"\(String(decoding: fields[0], as: UTF8.self))\", expected YYYY-MM-DD HH:00:00"
            )
        }
        if fields[1].isEmpty { return nil }
        let countText = String(decoding: fields[1], as: UTF8.self)
        guard let count = Double(countText), count.isFinite, count >= 0 else {
            throw FootfallCSVError(line: lineNumber, reason: "bad count \"\(countText)\", expected a number ≥ 0")
        }
        return Observation(hour: hour, count: count)
    }

    /// Tolerates CRLF line ends and a UTF-8 byte-order mark, which spreadsheet exports add.
    private static func trimmed(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var line = line
        if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
        while let last = line.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: " ") { line = line.dropLast() }
        return line
    }
}
