import ArgumentParser
import Domain
import Foundation
import Hummingbird
import Logging
import Postgres
import Web

@main
struct Creneau: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "creneau",
        abstract: "Click-and-collect order pipeline: intake, slot allocator, picking queue.",
        subcommands: [
            Serve.self, Migrate.self, Seed.self, Poster.self, SlotsCommand.self, RosterCommand.self,
            ForecastCommand.self, ObservationsCommand.self, ReportCommand.self, Simulate.self, Purge.self, StaffCommand.self, NoticesCommand.self, Version.self,
        ]
    )
}

/// Flags shared by every command that reaches the database; each falls back
/// to its environment variable, then to the embedded cluster.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "libpq URL of an existing PostgreSQL (env DATABASE_URL). Without it, the embedded one in --data-dir is used.")
    var databaseURL: String?

    @Option(name: .customLong("data-dir"), help: "Folder for local data and the embedded PostgreSQL (env CRENEAU_DATA_DIR).")
    var dataDirectory: String?

    func apply(to config: inout AppConfig) {
        if let databaseURL { config.databaseURL = databaseURL }
        if let dataDirectory { config.dataDirectory = URL(fileURLWithPath: dataDirectory) }
    }

    /// Runs a one-shot command on the configured database. A user's mistake
    /// (an unknown store, a bad file) prints one readable line, not a trace.
    /// One-shot commands migrate first, and the migrator's advisory lock needs a
    /// session of its own: they use CRENEAU_DB_DIRECT_URL when it is set (and no
    /// --database-url is given), never a pooler in transaction mode.
    func withPool(_ body: (PostgresPool, AppConfig, Logger) async throws -> Void) async throws {
        var config = AppConfig.fromEnvironment()
        if databaseURL == nil, let direct = config.databaseDirectURL { config.databaseURL = direct }
        apply(to: &config)
        // A one-shot command prints its result; its logs only speak up for problems unless asked.
        if ProcessInfo.processInfo.environment["LOG_LEVEL"] == nil { config.logLevel = .warning }
        let logger = makeLogger(config)
        do {
            try await withDatabase(config, logger: logger) { pool in try await body(pool, config, logger) }
        } catch let error as any DomainError {
            FileHandle.standardError.write(Data("error: \(error.detail)\n".utf8))
            throw ExitCode.failure
        }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Migrate the database and serve HTTP.")

    @Option(help: "Address to listen on (env CRENEAU_HOST).") var host: String?
    @Option(help: "Port to listen on (env CRENEAU_PORT).") var port: Int?
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        var config = AppConfig.fromEnvironment()
        if let host { config.host = host }
        if let port { config.port = port }
        database.apply(to: &config)
        let logger = makeLogger(config)
        let app = try await buildApplication(config, logger: logger)
        try await app.runService()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending sql/ migrations and exit.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await database.withPool { pool, _, logger in
            let applied = try await Migrator(directory: Migrator.defaultDirectory(), logger: logger).migrate(pool)
            print(applied.isEmpty ? "Schema is up to date." : "Applied: \(applied.joined(separator: ", "))")
        }
    }
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version.")
    static let current = "0.1.0"

    func run() {
        print("creneau \(Self.current)")
    }
}

func makeLogger(_ config: AppConfig) -> Logger {
    // The log's timestamps come from glibc's localtime(), which stats /etc/localtime on
    // every call while TZ is unset (a system call per request line); set, the zone is
    // read once. The same zone either way, for this process and its children.
    setenv("TZ", ":/etc/localtime", 0)
    LogLines.installed
    var logger = Logger(label: "creneau")
    logger.logLevel = config.logLevel
    return logger
}

/// For one-shot commands: a pool on the configured database (starting the
/// embedded one if needed, and stopping it again if this command started it).
func withDatabase(_ config: AppConfig, logger: Logger, _ body: (PostgresPool) async throws -> Void) async throws {
    var embedded: EmbeddedPostgres?
    var conninfo = config.databaseURL ?? ""
    var startedHere = false
    if config.databaseURL == nil {
        let directory = config.dataDirectory.appendingPathComponent("postgres").absoluteURL
        let existing = try EmbeddedPostgres(directory: directory, logger: logger)
        startedHere = !existing.isRunning
        embedded = try await startEmbeddedDatabase(in: config.dataDirectory, logger: logger)
        conninfo = embedded!.conninfo
    }
    let pool = PostgresPool(PostgresConfiguration(conninfo: conninfo, maxConnections: 4), logger: logger)
    do {
        try await body(pool)
        try await pool.close()
    } catch {
        try? await pool.close()
        if startedHere { try? await embedded?.stop() }
        throw error
    }
    if startedHere { try await embedded?.stop() }
}
