import ArgumentParser
import Forecast
import Foundation
import Logging
import Postgres
import Simulator
import Web

struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Play whole store days against Créneau through its API, faster than real time.",
        discussion: """
            Customers come from the store's busyness forecast: they scan posters, fill baskets, book \
            slots and come to collect; the rostered pickers claim and pick (with the odd substitution \
            or missing item) and stage; the counter hands over. A server runs on the simulator's own \
            clock (stop any other server on the same database first). The same seed on the same \
            database gives the same day. Prints progress every simulated hour, then a summary.
            """
    )

    @Option(help: "Store slug.") var store: String
    @Option(help: "First day to play, YYYY-MM-DD (store's local date).") var date: String
    @Option(help: "Days to play from --date.") var days = 1
    @Option(help: "Random seed: the same seed plays the same day.") var seed: UInt64 = 1
    @Option(help: "Share of the people counted in the store who scan a poster.") var scanShare = 0.25
    @Option(help: "Simulated seconds per real second (default: as fast as the server answers).") var speed: Double?
    @Flag(help: "Print the summary as JSON.") var json = false
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard LocalDate(parsing: date) != nil else { throw ValidationError("--date must be YYYY-MM-DD.") }
        guard (1...31).contains(days) else { throw ValidationError("--days must be 1 to 31.") }
        guard scanShare > 0, scanShare <= 1 else { throw ValidationError("--scan-share must be in (0, 1].") }
        if let speed, speed <= 0 { throw ValidationError("--speed must be positive.") }
    }

    func run() async throws {
        let options = SimulationOptions(
            storeSlug: store, firstDay: LocalDate(parsing: date)!, days: days, seed: seed, scanShare: scanShare, speed: speed
        )
        try await database.withPool { pool, config, logger in
            try await Migrator(directory: Migrator.defaultDirectory(), logger: logger).migrate(pool)
            let summary = try await Simulation.run(options, config: config, pool: pool, logger: logger) { print($0) }
            print(json ? try Self.json(summary) : Self.text(summary))
        }
    }

    static func json(_ summary: SimulationSummary) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(summary), as: UTF8.self)
    }

    static func text(_ s: SimulationSummary) -> String {
        """
        Played \(s.days) day(s): \(s.doorVisitors) people through the door, \(s.scans) poster scans, \(s.baskets) baskets, \
        \(s.orders) orders (\(s.noSlot) found no slot left).
        Picking: \(s.tasksStaged) totes staged, \(s.linesPicked) lines picked, \(s.substituted) substituted, \(s.missing) missing; \
        \(s.readyBySlotStart) of \(s.orders) orders ready by their slot.
        Counter: \(s.arrivals) arrivals, \(s.handedOver) handed over\(s.meanWaitMinutes.map { String(format: ", mean wait %.1f min", $0) } ?? ""), \
        \(s.notHandedOver) not handed over.
        HTTP: \(s.requests) requests, \(s.refused) refused (4xx), \(s.serverErrors) server errors (5xx).
        """
    }
}
