import Foundation
import Logging
import Postgres
import ServiceLifecycle
import Testing
import TestSupport

/// Each test makes its own cluster in a fresh folder: these tests stop and
/// kill servers, which the shared test cluster must not suffer.
@Suite("Embedded PostgreSQL")
struct EmbeddedPostgresTests {
    func withFreshCluster(_ body: (EmbeddedPostgres) async throws -> Void) async throws {
        let directory = URL(fileURLWithPath: "/tmp/creneau-embedded-\(UUID().uuidString.prefix(8))")
        let cluster = try EmbeddedPostgres(directory: directory)
        do {
            try await body(cluster)
        } catch {
            try? await cluster.stop()
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        try await cluster.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    @Test("starts from nothing, keeps data over a clean restart and a SIGKILL, and the pool recovers")
    func lifecycle() async throws {
        try await withFreshCluster { cluster in
            #expect(!cluster.isInitialized)
            try await cluster.start()
            #expect(cluster.isRunning)
            let pool = PostgresPool(PostgresConfiguration(conninfo: cluster.conninfo, maxConnections: 2))
            try await pool.query("CREATE TABLE kept (n int)")
            try await pool.query("INSERT INTO kept VALUES (1)")

            try await cluster.stop()
            #expect(!cluster.isRunning)
            try await cluster.start()
            // The pooled connection died with the old server; the next query still succeeds.
            #expect(try await pool.query("SELECT count(*) AS n FROM kept").single().decode(Int.self, "n") == 1)

            try await pool.query("INSERT INTO kept VALUES (2)")
            try await cluster.kill()
            #expect(!cluster.isRunning)
            try await cluster.start()
            #expect(try await pool.query("SELECT sum(n) AS n FROM kept").single().decode(Int.self, "n") == 3)
            try await pool.close()
        }
    }

    @Test("the service stops the cluster when the service group shuts down")
    func stoppedOnShutdown() async throws {
        try await withFreshCluster { cluster in
            try await cluster.start()
            let service = EmbeddedPostgresService(cluster, logger: Logger(label: "test"))
            let group = ServiceGroup(configuration: .init(services: [service], logger: Logger(label: "test")))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await Task.sleep(for: .milliseconds(200))
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            #expect(!cluster.isRunning)
        }
    }

    @Test("a second start reuses the running cluster")
    func reusesRunningCluster() async throws {
        try await withFreshCluster { cluster in
            try await cluster.start()
            let pool = PostgresPool(PostgresConfiguration(conninfo: cluster.conninfo, maxConnections: 1))
            let before = try await pool.withConnection { $0.serverProcessID }
            try await cluster.start()
            let after = try await pool.withConnection { $0.serverProcessID }
            #expect(before == after)
            try await pool.close()
        }
    }
}
