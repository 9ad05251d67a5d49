import ArgumentParser
import Domain
import Forecast
import Foundation
import Logging
import Postgres
import Shelf
import Slots
import Web

struct SlotsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slots", abstract: "Pickup slots.", subcommands: [Generate.self]
    )

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the store's slots from its template and hours, and compute their capacity from the roster."
        )

        @Option(help: "Store slug.") var store: String
        @Option(help: "Days ahead, today first.") var days: Int = 14
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await withSlotService(database) { slots, storeID in
                let summary = try await slots.generateSlots(storeID: try await storeID(store), days: days)
                print("\(summary.created) new slots; \(summary.replan.slots) future slots planned, "
                    + "\(summary.replan.atRiskBookings) bookings at risk.")
            }
        }
    }
}

struct RosterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster", abstract: "Staff roster.", subcommands: [Import.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add shifts from a CSV file (staff,role,starts_at,ends_at; local times YYYY-MM-DD HH:MM) and re-plan."
        )

        @Option(help: "Store slug.") var store: String
        @Argument(help: "CSV file.") var file: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let csv = try readText(file)
            try await withSlotService(database) { slots, storeID in
                let id = try await storeID(store)
                let added = try await slots.importRoster(storeID: id, csv: csv)
                let atRisk = try await slots.atRiskBookings(storeID: id)
                print("\(added) shifts added; \(atRisk.count) bookings at risk.")
            }
        }
    }
}

struct ForecastCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Busyness forecast: refit a store (--store), or backtest a CSV file.",
        subcommands: [BacktestCommand.self]
    )

    @Option(help: "Store slug whose forecast to refit from its observations.") var store: String?
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        guard let store else { throw ValidationError("Give --store SLUG to refit a store, or use `forecast backtest`.") }
        try await withSlotService(database) { slots, storeID in
            let summary = try await slots.refitForecast(storeID: try await storeID(store))
            print("Fitted on \(summary.observations) hours; \(summary.forecastHours) hours forecast; "
                + "\(summary.replan.slots) slots re-planned, \(summary.replan.atRiskBookings) bookings at risk.")
        }
    }

    struct BacktestCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backtest",
            abstract: "Rolling-origin backtest of an hourly timestamp,count CSV, without a database."
        )

        @Argument(help: "Hourly CSV (timestamp,count), local times.") var file: String
        @Option(help: "First forecast week, YYYY-MM-DD (a Monday).") var from: String
        @Option(help: "Weekly origins.") var weeks: Int = 51
        @Option(help: "Where to write timestamp,mean,p10,p50,p90.") var output: String?
        @Option(help: "File of holiday dates, one YYYY-MM-DD a line.") var holidays: String?

        func run() throws {
            guard let origin = LocalDate(parsing: from).map({ LocalHour(date: $0, hour: 0) }) else {
                throw ValidationError("--from must be a date written YYYY-MM-DD.")
            }
            var holidayDates: Set<LocalDate> = []
            if let holidays {
                for line in try readText(holidays).split(whereSeparator: \.isNewline) {
                    guard let date = LocalDate(parsing: line.trimmingCharacters(in: .whitespaces)) else {
                        throw ValidationError("\(holidays): \"\(line)\" is not a YYYY-MM-DD date.")
                    }
                    holidayDates.insert(date)
                }
            }
            let result = try Backtest.run(
                series: try FootfallCSV.read(path: file), holidays: holidayDates, firstOrigin: origin, weeks: weeks
            )
            if let output {
                try Backtest.forecastCSV(result.points).write(toFile: output, atomically: true, encoding: .utf8)
            }
            print(Backtest.report(result, title: file))
        }
    }
}

struct ObservationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "observations", abstract: "Store traffic observations.", subcommands: [Import.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load hourly counts (timestamp,count; the store's local time) for a store."
        )

        @Option(help: "Store slug.") var store: String
        @Option(help: "What was counted: checkouts, door or pickups.") var source: String = TrafficSource.door.rawValue
        @Argument(help: "CSV file.") var file: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard let trafficSource = TrafficSource(rawValue: source) else {
                throw ValidationError("--source must be one of \(TrafficSource.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            let csv = try readText(file)
            try await withSlotService(database) { slots, storeID in
                let stored = try await slots.importObservations(storeID: try await storeID(store), csv: csv, source: trafficSource)
                print("\(stored) hours stored. Run `creneau forecast --store \(store)` to refit.")
            }
        }
    }
}

/// Runs `body` with a slot service on the configured database and a slug → store ID
/// lookup; domain errors are printed as the sentence they carry, with exit status 1.
private func withSlotService(
    _ database: DatabaseOptions,
    _ body: (SlotService, @Sendable (String) async throws -> Int64) async throws -> Void
) async throws {
    try await database.withPool { pool, config, logger in
        let shelves = ShelfService(pool: pool, publicBaseURL: config.publicBaseURL)
        try await body(SlotService(pool: pool, logger: logger)) { slug in try await shelves.store(slug: slug).id }
    }
}

private func readText(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
        throw ValidationError("Cannot read \(path) as UTF-8 text.")
    }
    return text
}
