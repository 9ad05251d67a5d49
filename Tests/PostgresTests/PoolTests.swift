import Foundation
@testable import Postgres
import Testing
import TestSupport

@Suite("Pool")
struct PoolTests {
    @Test("more concurrent callers than connections all succeed, and no more than the limit are opened")
    func oversubscribed() async throws {
        try await TestDatabase.withSchema(migrate: false, maxConnections: 3) { db in
            let processIDs = try await withThrowingTaskGroup(of: Int32.self) { group in
                for _ in 0..<40 {
                    group.addTask { () async throws -> Int32 in
                        try await db.pool.withConnection { session in
                            try await session.query("SELECT pg_sleep(0.01)")
                            return session.serverProcessID
                        }
                    }
                }
                return try await group.reduce(into: Set<Int32>()) { $0.insert($1) }
            }
            #expect(processIDs.count <= 3)
            #expect(db.pool.statistics.open <= 3)
        }
    }

    @Test("a connection's statements run on its own thread, one after another without leaving it, and the caller gets its thread back")
    func statementsStayOnTheConnectionThread() async throws {
        try await TestDatabase.withSchema(migrate: false, maxConnections: 2) { db in
            let (stayed, thread) = try await db.pool.withTransaction { session -> ([Bool], ConnectionThread) in
                var stayed: [Bool] = []
                for value in 1...5 {
                    let rows = try await session.query("SELECT \(value)::int AS v")
                    #expect(try rows.single().decode(Int.self, "v") == value)
                    stayed.append(session.connection.thread.isCurrent)
                }
                return (stayed, session.connection.thread)
            }
            #expect(stayed == [true, true, true, true, true])
            try await Task.sleep(for: .milliseconds(1))
            #expect(!thread.isCurrent)
            // A statement from outside a connection's body hops there and back.
            let elsewhere = try await db.pool.withConnection { session in
                try await Task.detached { try await session.query("SELECT 1 AS one").single().decode(Int.self, "one") }.value
            }
            #expect(elsewhere == 1)
        }
    }

    @Test("a statement that does not wait for the flush has synchronous_commit off in its own transaction alone, and is committed")
    func withoutFlushWait() async throws {
        try await TestDatabase.withSchema(migrate: false, maxConnections: 1) { db in
            try await db.pool.query("CREATE TABLE counted (n bigint)")
            let rows = try await db.pool.query("""
                WITH added AS (INSERT INTO counted VALUES (\(7)) RETURNING n)
                SELECT current_setting('synchronous_commit') AS mode, (SELECT n FROM added) AS n, pg_backend_pid() AS pid
                """, waitForFlush: false)
            #expect(try rows.single().decode(String.self, "mode") == "off")
            #expect(try rows.single().decode(Int.self, "n") == 7)
            // The same connection (the pool has one), back to the server's setting; the row is there.
            let after = try await db.pool.query("SELECT current_setting('synchronous_commit') AS mode, pg_backend_pid() AS pid, (SELECT count(*) FROM counted) AS rows")
            #expect(try after.single().decode(Int32.self, "pid") == rows.single().decode(Int32.self, "pid"))
            #expect(try after.single().decode(String.self, "mode") == "on")
            #expect(try after.single().decode(Int.self, "rows") == 1)
            // A failing statement commits nothing and still leaves the setting as it was.
            await #expect(throws: PostgresError.self) {
                try await db.pool.query("INSERT INTO counted SELECT 1 / (n - \(7)) FROM counted", waitForFlush: false)
            }
            #expect(try await db.pool.query("SELECT count(*) AS rows, current_setting('synchronous_commit') AS mode FROM counted").single().decode(String.self, "mode") == "on")
            #expect(try await db.pool.query("SELECT count(*) AS rows FROM counted").single().decode(Int.self, "rows") == 1)
        }
    }

    @Test("a caller that waits past the acquire timeout gets a typed busy error")
    func busyTimeout() async throws {
        try await TestDatabase.withSchema(migrate: false, maxConnections: 1, acquireTimeout: .milliseconds(200)) { db in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await db.pool.withConnection { session in
                        _ = try await session.query("SELECT pg_sleep(12)")
                    }
                }
                try await Task.sleep(for: .milliseconds(100))
                let started = ContinuousClock.now
                let error = await #expect(throws: PostgresError.self) { try await db.pool.query("SELECT 1") }
                #expect(error?.code == .poolTimeout)
                #expect(error?.isUnavailable == true)
                // Refused long before the holder lets go (12 s), even on a machine that stalls for seconds.
                #expect(ContinuousClock.now - started < .seconds(11))
                try await group.waitForAll()
            }
            // Once the holder is done the pool serves again.
            try await db.pool.query("SELECT 1")
        }
    }

    @Test("a connection lost mid-use is reported as connectionLost and replaced")
    func brokenConnectionReplaced() async throws {
        try await TestDatabase.withSchema(migrate: false, maxConnections: 1) { db in
            let victim = try await db.pool.withConnection { $0.serverProcessID }
            let admin = PostgresPool(PostgresConfiguration(conninfo: TestDatabase.cluster.conninfo, maxConnections: 1))
            try await admin.query("SELECT pg_terminate_backend(\(victim))")
            try await admin.close()
            try await Task.sleep(for: .milliseconds(100))
            // The terminated connection is noticed before use and replaced.
            let replacement = try await db.pool.withConnection { $0.serverProcessID }
            #expect(replacement != victim)
        }
    }

    @Test("holding: the pool's calls inside reuse one connection on its thread, except when it is in use (a transaction, a concurrent child task) or broken")
    func holding() async throws {
        try await TestDatabase.withSchema(migrate: false, maxConnections: 4) { db in
            func backend() async throws -> Int32 {
                try await db.pool.query("SELECT pg_backend_pid() AS pid").single().decode(Int32.self, "pid")
            }
            try await db.pool.holding {
                let first = try await backend()
                // One after another: the held connection, on its thread, nested holding included.
                #expect(try await backend() == first)
                #expect(try await db.pool.holding { try await backend() } == first)
                let thread = try await db.pool.withConnection { $0.connection.thread }
                try await Task.sleep(for: .milliseconds(1))
                #expect(thread.isCurrent, "the holder's own code runs on the held connection's thread")
                #expect(db.pool.statistics.open == 1)
                // A transaction takes it; a call made inside the transaction's body is not part of it.
                let (inside, beside) = try await db.pool.withTransaction { tx in
                    (try await tx.query("SELECT pg_backend_pid() AS pid").single().decode(Int32.self, "pid"), try await backend())
                }
                #expect(inside == first)
                #expect(beside != first)
                // Concurrent child tasks never share it: each statement sees its own backend's answer.
                let answers = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                    for n in 0..<8 {
                        group.addTask { (n, try await db.pool.query("SELECT \(n)::int AS n, pg_sleep(0.01) AS pause").single().decode(Int.self, "n")) }
                    }
                    return try await group.reduce(into: [(Int, Int)]()) { $0.append($1) }
                }
                #expect(answers.allSatisfy { $0.0 == $0.1 } && answers.count == 8)
                // Broken under the holder: the next call leases another connection.
                let admin = PostgresPool(PostgresConfiguration(conninfo: TestDatabase.cluster.conninfo, maxConnections: 1))
                try await admin.query("SELECT pg_terminate_backend(\(first))")
                try await admin.close()
                try await Task.sleep(for: .milliseconds(100))
                _ = try? await backend()
                #expect(try await backend() != first)
            }
            // The broken connection was dropped when the holding ended, not handed out again.
            #expect(try await backend() != 0)
        }
    }

    @Test("a server that cannot be reached gives connectionFailed, not a hang")
    func unreachable() async throws {
        let pool = PostgresPool(PostgresConfiguration(conninfo: "host=/nonexistent-creneau-socket dbname=x", maxConnections: 1))
        let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        #expect(error?.code == .connectionFailed)
        #expect(pool.statistics.open == 0)
        try await pool.close()
    }
}
