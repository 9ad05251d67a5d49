import ArgumentParser
import Forecast
import Foundation
import Logging
import Orders
import Postgres
import Reports
import Shelf
import Simulator
import Slots
import Staff
import Web

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the demo store: catalog, three posters, staff roster, forecast and two weeks of slots."
    )

    @Flag(help: "Seed the demo store (the only seed there is, so far).") var demo = false
    @Option(help: "Also play this many past days with the simulator (creneau simulate), so that reports have a history.") var historyDays = 0
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard demo else { throw ValidationError("Say --demo to create the demo store.") }
        guard (0...28).contains(historyDays) else { throw ValidationError("--history-days must be 0 to 28.") }
    }

    func run() async throws {
        try await database.withPool { pool, config, logger in
            try await Migrator(directory: Migrator.defaultDirectory(), logger: logger).migrate(pool)
            let shelves = ShelfService(pool: pool, publicBaseURL: config.publicBaseURL)
            let (store, created) = try await shelves.seedDemoStore()
            guard created else {
                print("The demo store \(store.slug) exists already; nothing to do.")
                return
            }
            let now = Date()
            try await SlotService(pool: pool, logger: logger).seedDemo(storeID: store.id, now: now, historyDays: historyDays)
            print("Created the demo store \(store.name) (\(store.slug)).")
            if historyDays > 0 {
                let today = ReportRange.today(timeZone: store.timeZone, now: now)
                print("Playing the last \(historyDays) days with the simulator, so that reports have a history:")
                let options = SimulationOptions(storeSlug: store.slug, firstDay: today.adding(days: -historyDays), days: historyDays)
                let summary = try await Simulation.run(options, config: config, pool: pool, logger: logger) { print("  " + $0) }
                print(Simulate.text(summary))
            }
            for shelf in try await shelves.shelves(store: store) {
                print("  poster: \(config.publicBaseURL)/stores/\(store.slug)/shelves/\(shelf.slug)/poster.svg")
            }
            print("Staff accounts (passwords shown once; sign in at \(config.publicBaseURL)/staff/login):")
            for account in try await StaffService(pool: pool, logger: logger).seedDemo(storeSlug: store.slug) {
                print("  \(account.role.padding(toLength: 9, withPad: " ", startingAt: 0)) \(account.email)  \(account.password)")
            }
            // Autovacuum would gather statistics on the new rows only after its next round (up to a
            // minute): until then the planner guesses, and a claim planned on no statistics cost
            // PostgreSQL 7.5 ms instead of 0.3.
            try await pool.query("ANALYZE")
        }
    }
}

struct Poster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a shelf's printable poster as SVG (one file per page).")

    @Option(help: "Store slug.") var store: String
    @Option(help: "Shelf slug.") var shelf: String
    @Option(name: .shortAndLong, help: "Output file (page 2 onwards get -2, -3… before .svg). Default: standard output.") var output: String?
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await database.withPool { pool, config, _ in
            let shelves = ShelfService(pool: pool, publicBaseURL: config.publicBaseURL)
            let poster = try await shelves.poster(store: try await shelves.store(slug: store), shelfSlug: shelf)
            let pages = poster.pages()
            guard let output else {
                pages.forEach { print($0) }
                return
            }
            for (index, page) in pages.enumerated() {
                let path = index == 0 ? output : output.replacingOccurrences(of: ".svg", with: "") + "-\(index + 1).svg"
                try page.write(toFile: path, atomically: true, encoding: .utf8)
                print("Wrote \(path)")
            }
        }
    }
}

struct Purge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Nightly clean-up: erase old contact details, drop timeline events, notices and scans older than 12 months, and expired staff sessions."
    )

    @Option(help: "Days after the pickup slot that contact details are kept.") var contactDays = 90
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await database.withPool { pool, _, logger in
            let orders = OrderService(pool: pool, slots: SlotService(pool: pool, logger: logger), logger: logger)
            let report = try await orders.purge(contactRetentionDays: contactDays)
            print("Erased \(report.contactsErased) contacts; deleted \(report.eventsDeleted) events, \(report.noticesDeleted) notices, \(report.scansDeleted) scans, "
                + "\(report.idempotencyKeysDeleted) replay records, \(report.basketsDeleted) abandoned baskets.")
            let sessions = try await StaffService(pool: pool, logger: logger).purgeExpiredSessions()
            print("Deleted \(sessions) expired staff sessions.")
        }
    }
}
