import Foundation

// The module's only file access, kept apart so everything else stays pure and
// testable from strings; it runs only when a caller hands over a path.

/// A footfall file that could not be read at all (as opposed to a bad line in it).
public struct FootfallFileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public var description: String { "\(path): \(reason)" }
}

extension FootfallCSV {
    /// Reads a UTF-8 CSV file; bad lines throw `FootfallCSVError`, unreadable files `FootfallFileError`.
    public static func read(path: String) throws -> HourlySeries {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FootfallFileError(path: path, reason: error.localizedDescription)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FootfallFileError(path: path, reason: "not UTF-8 text")
        }
        return try parse(text)
    }
}
