import Foundation
import Postgres
import Testing
import TestSupport

@Suite("Migrator")
struct MigratorTests {
    static let first = Migrator.Migration(version: 1, name: "001_a", sql: "CREATE TABLE a (id int PRIMARY KEY);")
    static let second = Migrator.Migration(
        version: 2, name: "002_b",
        sql: "CREATE TABLE b (id int PRIMARY KEY REFERENCES a);\nINSERT INTO a VALUES (1);\nINSERT INTO b VALUES (1);"
    )

    @Test("applies files in order, each once; a second run does nothing")
    func appliesInOrder() async throws {
        try await TestDatabase.withSchema(migrate: false) { db in
            // Given out of order: the migrator sorts by number.
            let migrator = try Migrator(migrations: [Self.second, Self.first])
            #expect(try await migrator.migrate(db.pool) == ["001_a", "002_b"])
            #expect(try await migrator.migrate(db.pool) == [])
            let versions = try await db.pool.query("SELECT version FROM schema_migrations ORDER BY applied_at, version")
                .map { try $0.decode(Int.self, "version") }
            #expect(versions == [1, 2])
            #expect(try await db.pool.query("SELECT count(*) AS n FROM b").single().decode(Int.self, "n") == 1)
        }
    }

    @Test("refuses to start when an applied file has changed")
    func refusesChangedFile() async throws {
        try await TestDatabase.withSchema(migrate: false) { db in
            try await Migrator(migrations: [Self.first]).migrate(db.pool)
            var edited = Self.first
            edited.sql = "CREATE TABLE a (id int PRIMARY KEY, extra text);"
            let error = await #expect(throws: MigrationError.self) { try await Migrator(migrations: [edited, Self.second]).migrate(db.pool) }
            #expect(error?.description.contains("001_a") == true)
            // Nothing after the changed file was applied.
            #expect(try await db.pool.query("SELECT to_regclass('b') IS NULL AS missing").single().decode(Bool.self, "missing"))
        }
    }

    @Test("a failing file is rolled back whole and stops the run")
    func failingFileRollsBack() async throws {
        try await TestDatabase.withSchema(migrate: false) { db throws in
            let broken = Migrator.Migration(version: 2, name: "002_broken", sql: "CREATE TABLE c (id int);\nSELECT * FROM no_such_table;")
            let failure = await #expect(throws: PostgresError.self) { try await Migrator(migrations: [Self.first, broken]).migrate(db.pool) }
            #expect(failure?.sqlState == "42P01")
            #expect(try await db.pool.query("SELECT to_regclass('c') IS NULL AS missing").single().decode(Bool.self, "missing"))
            #expect(try await db.pool.query("SELECT count(*) AS n FROM schema_migrations").single().decode(Int.self, "n") == 1)
        }
    }

    @Test("two migrators started together apply each file once")
    func concurrentMigrators() async throws {
        try await TestDatabase.withSchema(migrate: false, maxConnections: 4) { db in
            let migrator = try Migrator(directory: TestDatabase.sqlDirectory)
            let results = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        let pool = PostgresPool(db.configuration)
                        let applied = try await migrator.migrate(pool)
                        try await pool.close()
                        return applied
                    }
                }
                return try await group.reduce(into: [[String]]()) { $0.append($1) }
            }
            let all = results.flatMap { $0 }
            #expect(all.count == migrator.migrations.count)
            #expect(Set(all).count == all.count)
        }
    }

    @Test("file names and transaction control are checked before anything runs")
    func validation() throws {
        #expect(throws: MigrationError.self) {
            try Migrator(migrations: [Self.first, .init(version: 1, name: "001_dup", sql: "SELECT 1;")])
        }
        #expect(throws: MigrationError.self) {
            try Migrator(migrations: [.init(version: 3, name: "003_tx", sql: "BEGIN;\nCREATE TABLE x (id int);\nCOMMIT;")])
        }
    }

    @Test("the repository's sql/ folder applies cleanly")
    func repositoryMigrations() async throws {
        try await TestDatabase.withSchema(migrate: false) { db in
            let migrator = try Migrator(directory: TestDatabase.sqlDirectory)
            #expect(!migrator.migrations.isEmpty)
            #expect(try await migrator.migrate(db.pool).count == migrator.migrations.count)
        }
    }
}
