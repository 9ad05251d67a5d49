import Foundation
import Shelf
import Slots

/// What slots-planning.mustache shows: one row per day, one column per hour the store is
/// open on any day of the week, each cell coloured by busyness with the expected wait.
struct PlanningPage: Sendable {
    struct Hour: Sendable { let label: String }

    struct Cell: Sendable {
        let open: Bool
        let cssClass: String
        let levelLabel: String
        let wait: String
        let title: String
    }

    struct Day: Sendable {
        let label: String
        let closed: Bool
        let cells: [Cell]
    }

    let storeName: String
    let weekLabel: String
    let hours: [Hour]
    let hourCount: Int
    let days: [Day]

    static let levelLabels = ["low": "calme", "medium": "normal", "high": "chargé"]
    static let weekdays = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."]
    static let months = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]

    init(store: Store, planning: Planning) {
        let hourNumbers = Set(planning.days.flatMap { $0.hours.map(\.hour) }).sorted()
        storeName = store.name
        weekLabel = planning.days.first.map { Self.dayLabel($0.date, weekday: $0.weekday) } ?? planning.from
        hours = hourNumbers.map { Hour(label: "\($0) h") }
        hourCount = max(1, hourNumbers.count)
        days = planning.days.map { day in
            let byHour = Dictionary(uniqueKeysWithValues: day.hours.map { ($0.hour, $0) })
            return Day(
                label: Self.dayLabel(day.date, weekday: day.weekday),
                closed: day.closed,
                cells: hourNumbers.map { Self.cell(byHour[$0], hour: $0) }
            )
        }
    }

    static func cell(_ hour: PlanningHour?, hour number: Int) -> Cell {
        guard let hour else {
            return Cell(open: false, cssClass: "closed", levelLabel: "", wait: "", title: "Fermé à \(number) h")
        }
        let level = hour.busyness.flatMap { levelLabels[$0] } ?? "prévision indisponible"
        let wait = waitLabel(hour.expectedWaitMinutes)
        return Cell(
            open: true,
            cssClass: hour.busyness.map { "level-\($0)" } ?? "level-unknown",
            levelLabel: level,
            wait: wait,
            title: "\(number) h : \(level), attente au retrait \(wait)"
        )
    }

    static func waitLabel(_ minutes: Double?) -> String {
        guard let minutes else { return "—" }
        if minutes < 1 { return "< 1 min" }
        return "≈ \(Int(minutes.rounded())) min"
    }

    /// "lun. 12 janv." from 2026-01-12.
    static func dayLabel(_ date: String, weekday: Int) -> String {
        let parts = date.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...7).contains(weekday), (1...12).contains(parts[1]) else { return date }
        return "\(weekdays[weekday - 1]) \(parts[2]) \(months[parts[1] - 1])"
    }
}
