import Foundation
import Synchronization

/// How a time is written for a customer: in French, in the store's time zone. Pages and
/// e-mails alike use it, so a slot reads the same on the order page and in a notice.
public enum DateText {
    /// One formatter per pattern and zone, made once: building an ICU formatter costs far
    /// more than using it, and a checkout page formats a few hundred times.
    private static let formatters = Mutex<[String: DateFormatter]>([:])

    public static func format(_ date: Date, _ pattern: String, timeZone: String) -> String {
        formatters.withLock { cache in
            let key = pattern + "|" + timeZone
            if let formatter = cache[key] { return formatter.string(from: date) }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "fr_FR")
            formatter.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "Europe/Paris")
            formatter.dateFormat = pattern
            cache[key] = formatter
            return formatter.string(from: date)
        }
    }

    /// "10:30"
    public static func time(_ date: Date, timeZone: String) -> String { format(date, "HH:mm", timeZone: timeZone) }

    /// "mardi 24 novembre"
    public static func day(_ date: Date, timeZone: String) -> String { format(date, "EEEE d MMMM", timeZone: timeZone) }

    /// "mardi 24 novembre, 10:30–10:45"
    public static func slot(_ start: Date, _ end: Date, timeZone: String) -> String {
        "\(day(start, timeZone: timeZone)), \(time(start, timeZone: timeZone))–\(time(end, timeZone: timeZone))"
    }

    private static let iso8601Style = Date.ISO8601FormatStyle()

    /// "2026-11-24T07:30:00Z": how a time is written for machines (JSON, event details).
    /// One format style, made once; ISO8601DateFormatter cost a tenth of a checkout's CPU.
    public static func iso8601(_ date: Date) -> String {
        iso8601Style.format(date)
    }
}
