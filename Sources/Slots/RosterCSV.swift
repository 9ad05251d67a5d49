import Forecast
import Foundation

/// The roster file: `staff,role,starts_at,ends_at`, local times `YYYY-MM-DD HH:MM`.
enum RosterCSV {
    static let header = "staff,role,starts_at,ends_at"

    struct LocalMinute {
        /// As written, for PostgreSQL to place in the store's zone.
        var text: String
        /// Minutes on the naive local clock, to check a shift's length before storing it.
        var minutes: Int
    }

    struct Line {
        var number: Int
        var staffName: String
        var role: StaffRole
        var starts: LocalMinute
        var ends: LocalMinute
    }

    static func parse(_ csv: String) throws -> [Line] {
        var lines: [Line] = []
        for (index, raw) in csv.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let text = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\r \u{FEFF}"))
            if number == 1 {
                guard text == header else { throw SlotError.invalid("line 1: expected the header \"\(header)\".") }
                continue
            }
            if text.isEmpty { continue }
            let fields = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 4 else {
                throw SlotError.invalid("line \(number): expected 4 fields (\(header)), found \(fields.count).")
            }
            guard let role = StaffRole(rawValue: fields[1]) else {
                throw SlotError.invalid("line \(number): the role must be picker or handover, not \"\(fields[1])\".")
            }
            lines.append(Line(
                number: number, staffName: fields[0], role: role,
                starts: try localMinute(fields[2], line: number), ends: try localMinute(fields[3], line: number)
            ))
        }
        return lines
    }

    static func prefix(_ line: Int?) -> String {
        line.map { "line \($0): " } ?? ""
    }

    private static func localMinute(_ text: String, line: Int) throws -> LocalMinute {
        let parts = text.split(separator: " ")
        let clock = parts.count == 2 ? parts[1].split(separator: ":") : []
        guard parts.count == 2, let date = LocalDate(parsing: String(parts[0])), clock.count == 2,
              clock[0].count == 2, clock[1].count == 2,
              let hour = Int(clock[0]), let minute = Int(clock[1]), (0..<24).contains(hour), (0..<60).contains(minute)
        else {
            throw SlotError.invalid("line \(line): bad time \"\(text)\", expected YYYY-MM-DD HH:MM.")
        }
        return LocalMinute(text: text, minutes: date.dayIndex * 1440 + hour * 60 + minute)
    }
}
