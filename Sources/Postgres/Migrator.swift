import Foundation
import Logging

/// Applies the numbered files of `sql/` in order, each once, each in its own
/// transaction, under an advisory lock so that servers starting together take
/// turns. Applied files are recorded with their SHA-256 (computed by the
/// server), and a file that changed after it was applied stops the start:
/// schema changes are new files, never edits.
public struct Migrator: Sendable {
    public struct Migration: Sendable, Hashable {
        public var version: Int
        public var name: String
        public var sql: String

        public init(version: Int, name: String, sql: String) {
            self.version = version
            self.name = name
            self.sql = sql
        }
    }

    public let migrations: [Migration]
    private let logger: Logger

    /// Arbitrary constant; combined with the schema so that separate schemas
    /// (tests, tenants) migrate independently.
    private static let lockKey: Int32 = 0x6372_656e

    public init(directory: URL, logger: Logger = Logger(label: "creneau.migrator")) throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        var migrations: [Migration] = []
        for file in files where file.hasSuffix(".sql") {
            guard let underscore = file.firstIndex(of: "_"), let version = Int(file[..<underscore]) else {
                throw MigrationError("sql/\(file): migration files are named NNN_name.sql")
            }
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            migrations.append(Migration(version: version, name: String(file.dropLast(4)), sql: text))
        }
        try self.init(migrations: migrations, logger: logger)
    }

    public init(migrations: [Migration], logger: Logger = Logger(label: "creneau.migrator")) throws {
        let sorted = migrations.sorted { $0.version < $1.version }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.version == next.version {
            throw MigrationError("two migrations have number \(next.version): \(previous.name) and \(next.name)")
        }
        for migration in sorted where Self.managesItsOwnTransaction(migration.sql) {
            throw MigrationError("\(migration.name) has BEGIN/COMMIT: the migrator runs each file in its own transaction")
        }
        self.migrations = sorted
        self.logger = logger
    }

    /// Applies what is pending; returns the names applied by this call.
    @discardableResult
    public func migrate(_ pool: PostgresPool) async throws -> [String] {
        try await pool.withConnection { session in
            try await session.query("SELECT pg_advisory_lock(\(Self.lockKey), hashtext(current_schema()))")
            do {
                let applied = try await migrateLocked(session)
                try await session.query("SELECT pg_advisory_unlock(\(Self.lockKey), hashtext(current_schema()))")
                return applied
            } catch {
                try? await session.execute(script: "ROLLBACK")
                _ = try? await session.query("SELECT pg_advisory_unlock(\(Self.lockKey), hashtext(current_schema()))")
                throw error
            }
        }
    }

    private func migrateLocked(_ session: PostgresSession) async throws -> [String] {
        try await session.execute(script: """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        var applied: [Int: (name: String, checksum: String)] = [:]
        for row in try await session.query("SELECT version, name, checksum FROM schema_migrations") {
            applied[try row.decode(Int.self, "version")] = (try row.decode(String.self, "name"), try row.decode(String.self, "checksum"))
        }
        var appliedNow: [String] = []
        for migration in migrations {
            let checksum = try await session.query("SELECT encode(sha256(convert_to(\(migration.sql), 'UTF8')), 'hex') AS sum")
                .single().decode(String.self, "sum")
            if let existing = applied[migration.version] {
                guard existing.checksum == checksum else {
                    throw MigrationError(
                        "sql/\(migration.name).sql changed after it was applied (checksum \(existing.checksum.prefix(12))… is now \(checksum.prefix(12))…); add a new migration instead of editing it"
                    )
                }
                continue
            }
            try await session.execute(script: "BEGIN")
            try await session.execute(script: migration.sql)
            try await session.query("""
                INSERT INTO schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(checksum))
                """)
            try await session.execute(script: "COMMIT")
            logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
            appliedNow.append(migration.name)
        }
        return appliedNow
    }

    private static func managesItsOwnTransaction(_ sql: String) -> Bool {
        let pattern = #"(?im)^\s*(BEGIN|COMMIT|START\s+TRANSACTION)\s*;"#
        return sql.range(of: pattern, options: .regularExpression) != nil
    }

    /// The `sql/` folder of this checkout: $CRENEAU_SQL_DIR, ./sql, or the
    /// nearest `sql/` above the executable (a binary under .build/ finds the repo's).
    public static func defaultDirectory() throws -> URL {
        let fileManager = FileManager.default
        if let configured = ProcessInfo.processInfo.environment["CRENEAU_SQL_DIR"] {
            return URL(fileURLWithPath: configured)
        }
        var candidates = [URL(fileURLWithPath: fileManager.currentDirectoryPath)]
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<8 {
            candidates.append(directory)
            directory = directory.deletingLastPathComponent()
        }
        for candidate in candidates {
            let sql = candidate.appendingPathComponent("sql")
            if fileManager.fileExists(atPath: sql.appendingPathComponent("001_foundation.sql").path) { return sql }
        }
        throw MigrationError("no sql/ folder found: run from the repository or set CRENEAU_SQL_DIR")
    }
}

public struct MigrationError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
