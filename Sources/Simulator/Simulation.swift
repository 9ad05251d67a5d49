import Domain
import Forecast
import Foundation
import Logging
import Postgres
import ServiceLifecycle
import Shelf
import Slots
import Web

/// Runs simulated days: a Créneau server on a clock of the simulator's own, on the given
/// database, listening on a loopback port of the system's choice, and the simulator
/// playing against it; the server stops when the days are played.
public enum Simulation {
    public static func run(
        _ options: SimulationOptions, config base: AppConfig, pool: PostgresPool, logger: Logger,
        refuseWhileServing: Bool = true, progress: @escaping @Sendable (String) -> Void
    ) async throws -> SimulationSummary {
        if refuseWhileServing { try await refuseIfServed(pool) }
        let setup = SimulationSetup(
            pool: pool, shelves: ShelfService(pool: pool, publicBaseURL: base.publicBaseURL),
            slots: SlotService(pool: pool, logger: logger), logger: logger
        )
        let clock = SettableClock(Date(timeIntervalSince1970: Double(options.firstDay.adding(days: -2).dayIndex) * 86_400))
        var config = base
        config.databaseURL = pool.configuration.conninfo
        config.databaseDirectURL = nil
        config.clock = clock.clock
        config.runsPeriodicJobs = false
        config.host = "127.0.0.1"
        config.port = 0
        config.smtpURL = nil
        config.databasePoolSize = 4
        let (ports, announce) = AsyncStream<Int>.makeStream()
        config.serverRunning = { announce.yield($0) }
        let (app, jobs) = try await buildServer(config, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        return try await withThrowingTaskGroup(of: SimulationSummary?.self) { tasks in
            tasks.addTask {
                try await group.run()
                return nil
            }
            do {
                var listening = ports.makeAsyncIterator()
                guard let port = await listening.next() else { throw SimulationError("The simulated server did not start.") }
                let simulator = DaySimulator(
                    options: options, clock: clock, server: ("127.0.0.1", port), setup: setup,
                    jobs: { await jobs.runOnce() }, logger: logger, progress: progress
                )
                let summary = try await simulator.run()
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return summary
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
        }
    }

    /// A server on the real clock would expire the simulation's holds and release its claims
    /// (their times are in its past): one database, one clock at a time.
    /// A server is known by its live-update connection, which every server opens at start.
    static func refuseIfServed(_ pool: PostgresPool) async throws {
        let listening = try await pool.query("""
            SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()
               AND application_name = \(PostgresListener.applicationName(pool.configuration))
            """).single().decode(Int.self, "n")
        guard listening == 0 else {
            throw SimulationError("A Créneau server is running on this database: stop it first (the simulation plays on a clock of its own).")
        }
    }
}
