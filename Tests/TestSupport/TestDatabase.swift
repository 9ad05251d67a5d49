import Foundation
import Logging
import Postgres

#if canImport(Glibc)
import Glibc
#endif

/// One private PostgreSQL for the whole test run (the same embedded cluster
/// the product uses, in /tmp), and a fresh schema for every test, so tests
/// run in parallel without seeing each other's rows.
public enum TestDatabase {
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let sqlDirectory = repositoryRoot.appendingPathComponent("sql")

    /// The cluster for this run; `ready()` starts it once, and it stops when the test process exits.
    public static let cluster: EmbeddedPostgres = {
        let directory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["CRENEAU_TEST_PGDIR"] ?? "/tmp/creneau-test-postgres")
        do {
            // Tests run in parallel, each with a small pool of its own.
            return try EmbeddedPostgres(
                directory: directory, databaseName: "creneau_test", settings: ["max_connections": "400"], logger: quietLogger
            )
        } catch {
            fatalError("the test PostgreSQL cannot be set up: \(error)")
        }
    }()

    /// Every test awaits the same start, which runs off the cooperative threads.
    private static let started = Task {
        try await cluster.start()
        atexit { try? TestDatabase.cluster.stop() }
    }

    public static func ready() async throws {
        try await started.value
    }

    static let quietLogger: Logger = {
        var logger = Logger(label: "creneau.test")
        logger.logLevel = .warning
        return logger
    }()

    /// Connection string whose sessions see `schema` first.
    public static func conninfo(schema: String) -> String {
        cluster.conninfo + " options='-c search_path=\(schema)'"
    }

    /// A new schema, migrated unless told otherwise, with a pool on it; dropped afterwards.
    public static func withSchema<T: Sendable>(
        migrate: Bool = true,
        maxConnections: Int = 4,
        acquireTimeout: Duration = .seconds(30),
        _ body: (TestSchema) async throws -> T
    ) async throws -> T {
        try await ready()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let admin = PostgresPool(PostgresConfiguration(conninfo: cluster.conninfo, maxConnections: 1), logger: quietLogger)
        try await admin.query("CREATE SCHEMA \(identifier: String(name))")
        let schema = TestSchema(
            name: String(name),
            configuration: PostgresConfiguration(
                conninfo: conninfo(schema: String(name)),
                maxConnections: maxConnections,
                acquireTimeout: acquireTimeout
            )
        )
        let pool = PostgresPool(schema.configuration, logger: quietLogger)
        do {
            if migrate {
                try await Migrator(directory: sqlDirectory, logger: quietLogger).migrate(pool)
                // NOTIFY is database-wide and live updates are filtered by store id: each schema's
                // stores get ids of their own, so parallel tests never hear each other's stores.
                try await pool.query(
                    "SELECT setval(pg_get_serial_sequence('stores', 'store_id'), \(Int64.random(in: 1_000...1_000_000_000)))"
                )
            }
            let result = try await body(schema.with(pool: pool))
            try await pool.close()
            try await admin.query("DROP SCHEMA \(identifier: String(name)) CASCADE")
            try await admin.close()
            return result
        } catch {
            try? await pool.close()
            _ = try? await admin.query("DROP SCHEMA \(identifier: String(name)) CASCADE")
            try? await admin.close()
            throw error
        }
    }
}

public struct TestSchema: Sendable {
    public let name: String
    public let configuration: PostgresConfiguration
    /// A pool on this schema (the one `withSchema` made).
    public private(set) var pool: PostgresPool!

    init(name: String, configuration: PostgresConfiguration) {
        self.name = name
        self.configuration = configuration
    }

    func with(pool: PostgresPool) -> TestSchema {
        var copy = self
        copy.pool = pool
        return copy
    }
}
