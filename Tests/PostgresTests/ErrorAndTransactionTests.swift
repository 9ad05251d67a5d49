import Foundation
import Postgres
import Testing
import TestSupport

@Suite("Errors and transactions")
struct ErrorAndTransactionTests {
    @Test("unique and check violations are typed and name their constraint")
    func typedViolations() async throws {
        try await TestDatabase.withSchema(migrate: false) { db in
            try await db.pool.query("CREATE TABLE items (code text CONSTRAINT items_code_key UNIQUE, qty int CONSTRAINT qty_positive CHECK (qty > 0))")
            try await db.pool.query("INSERT INTO items VALUES ('a', 1)")
            let unique = await #expect(throws: PostgresError.self) { try await db.pool.query("INSERT INTO items VALUES ('a', 2)") }
            #expect(unique?.code == .uniqueViolation)
            #expect(unique?.sqlState == "23505")
            #expect(unique?.constraint == "items_code_key")
            #expect(unique?.detail?.contains("(code)=(a)") == true)
            let check = await #expect(throws: PostgresError.self) { try await db.pool.query("INSERT INTO items VALUES ('b', 0)") }
            #expect(check?.code == .checkViolation)
            #expect(check?.constraint == "qty_positive")
            let syntax = await #expect(throws: PostgresError.self) { try await db.pool.query("SELEC 1") }
            #expect(syntax?.code == .server)
            #expect(syntax?.sqlState == "42601")
            // The connection that saw those errors is still good.
            #expect(try await db.pool.query("SELECT count(*) AS n FROM items").single().decode(Int.self, "n") == 1)
        }
    }

    @Test("a transaction whose body throws is rolled back; one that returns is committed")
    func rollback() async throws {
        struct Boom: Error {}
        try await TestDatabase.withSchema(migrate: false) { db in
            try await db.pool.query("CREATE TABLE ledger (entry text)")
            await #expect(throws: Boom.self) {
                _ = try await db.pool.withTransaction { tx in
                    try await tx.query("INSERT INTO ledger VALUES ('lost')")
                    throw Boom()
                }
            }
            try await db.pool.withTransaction { tx in
                try await tx.query("INSERT INTO ledger VALUES ('kept')")
            }
            let entries = try await db.pool.query("SELECT entry FROM ledger").map { try $0.decode(String.self, "entry") }
            #expect(entries == ["kept"])
        }
    }

    @Test("a transaction's BEGIN goes out with its first statement: the statements share one transaction, a first statement that fails rolls it back and leaves the connection good, an empty one sends nothing")
    func beginWithFirstStatement() async throws {
        struct Boom: Error {}
        try await TestDatabase.withSchema(migrate: false, maxConnections: 1) { db in
            try await db.pool.query("CREATE TABLE items (code text PRIMARY KEY)")
            try await db.pool.query("INSERT INTO items VALUES ('a')")
            let ids = try await db.pool.withTransaction { tx in
                [
                    try await tx.query("SELECT pg_current_xact_id()::text AS id").single().decode(String.self, "id"),
                    try await tx.query("SELECT pg_current_xact_id()::text AS id").single().decode(String.self, "id"),
                ]
            }
            #expect(ids[0] == ids[1])
            let first = await #expect(throws: PostgresError.self) {
                try await db.pool.withTransaction { tx in
                    try await tx.query("INSERT INTO items VALUES (\("a"))")
                    try await tx.query("INSERT INTO items VALUES (\("never"))")
                }
            }
            #expect(first?.code == .uniqueViolation)
            await #expect(throws: Boom.self) {
                try await db.pool.withTransaction { tx in
                    try await tx.query("INSERT INTO items VALUES (\("b"))")
                    throw Boom()
                }
            }
            try await db.pool.withTransaction { _ in }
            await #expect(throws: Boom.self) { try await db.pool.withTransaction { _ in throw Boom() } }
            try await db.pool.withTransaction { tx in
                try await tx.execute(script: "SET LOCAL lock_timeout = '1s'")
                #expect(try await tx.query("SELECT current_setting('lock_timeout') AS t").single().decode(String.self, "t") == "1s")
                try await tx.query("INSERT INTO items VALUES (\("c"))")
            }
            // One connection throughout: every transaction above left it idle and usable.
            let codes = try await db.pool.query("SELECT code FROM items ORDER BY code").map { try $0.decode(String.self, "code") }
            #expect(codes == ["a", "c"])
            #expect(try await db.pool.query("SELECT current_setting('lock_timeout') AS t").single().decode(String.self, "t") == "0")
        }
    }

    @Test("commit(after:) sends a transaction's last statement with its COMMIT: committed when it returns, nothing committed when it fails, nothing may follow it")
    func commitAfterLastStatement() async throws {
        try await TestDatabase.withSchema(migrate: false, maxConnections: 1) { db in
            try await db.pool.query("CREATE TABLE items (code text PRIMARY KEY)")
            let rows = try await db.pool.withTransaction { tx in
                try await tx.query("INSERT INTO items VALUES (\("a"))")
                return try await tx.commit(after: "INSERT INTO items VALUES (\("b")) RETURNING code")
            }
            #expect(try rows.map { try $0.decode(String.self, "code") } == ["b"])
            // Its first statement and its last: BEGIN, the statement and COMMIT in one round trip.
            try await db.pool.withTransaction { tx in try await tx.commit(after: "INSERT INTO items VALUES (\("c"))") }
            let failed = await #expect(throws: PostgresError.self) {
                try await db.pool.withTransaction { tx in
                    try await tx.query("INSERT INTO items VALUES (\("lost"))")
                    try await tx.commit(after: "INSERT INTO items VALUES (\("a"))")
                }
            }
            #expect(failed?.code == .uniqueViolation)
            let late = await #expect(throws: PostgresError.self) {
                try await db.pool.withTransaction { tx in
                    try await tx.commit(after: "INSERT INTO items VALUES (\("d"))")
                    try await tx.query("INSERT INTO items VALUES (\("outside"))")
                }
            }
            #expect(late?.code == .unexpectedResult)
            let codes = try await db.pool.query("SELECT code FROM items ORDER BY code").map { try $0.decode(String.self, "code") }
            #expect(codes == ["a", "b", "c", "d"])
        }
    }

    @Test("pipeline runs its statements in order in one round trip and answers each one's rows; a failure skips the rest and throws")
    func pipelinedStatements() async throws {
        try await TestDatabase.withSchema(migrate: false, maxConnections: 1) { db in
            try await db.pool.query("CREATE TABLE items (code text PRIMARY KEY, n int NOT NULL DEFAULT 0)")
            try await db.pool.withTransaction { tx in
                // The first statement of the transaction: its BEGIN goes out in the same pipeline.
                let answers = try await tx.pipeline([
                    "INSERT INTO items (code) VALUES (\("a")), (\("b"))",
                    "UPDATE items SET n = n + \(5) WHERE code = \("a") RETURNING code",
                    "SELECT code, n FROM items ORDER BY code",
                ])
                #expect(answers.count == 3)
                #expect(answers[0].isEmpty)
                #expect(try answers[1].map { try $0.decode(String.self, "code") } == ["a"])
                #expect(try answers[2].map { "\(try $0.decode(String.self, "code"))=\(try $0.decode(Int.self, "n"))" } == ["a=5", "b=0"])
                let more = try await tx.pipeline(["INSERT INTO items (code) VALUES (\("c"))", "SELECT count(*)::int AS n FROM items"])
                #expect(try more[1].single().decode(Int.self, "n") == 3)
            }
            // An earlier statement fails: the later ones are skipped, the error is that statement's,
            // and the transaction rolls back; the connection serves the next caller.
            let failed = await #expect(throws: PostgresError.self) {
                try await db.pool.withTransaction { tx in
                    try await tx.query("INSERT INTO items (code) VALUES (\("lost"))")
                    try await tx.pipeline(["INSERT INTO items (code) VALUES (\("a"))", "INSERT INTO items (code) VALUES (\("never"))"])
                }
            }
            #expect(failed?.code == .uniqueViolation)
            let codes = try await db.pool.query("SELECT code FROM items ORDER BY code").map { try $0.decode(String.self, "code") }
            #expect(codes == ["a", "b", "c"])
            // Outside a transaction the pipeline is one implicit transaction: all or nothing.
            await #expect(throws: PostgresError.self) {
                try await db.pool.withConnection { session in
                    try await session.pipeline(["INSERT INTO items (code) VALUES (\("d"))", "INSERT INTO items (code) VALUES (\("b"))"])
                }
            }
            #expect(try await db.pool.query("SELECT count(*)::int AS n FROM items").single().decode(Int.self, "n") == 3)
        }
    }

    @Test("a serialization failure runs the transaction again and both writers succeed")
    func serializationRetry() async throws {
        try await TestDatabase.withSchema(migrate: false, maxConnections: 2) { db in
            try await db.pool.query("CREATE TABLE counter (n int)")
            try await db.pool.query("INSERT INTO counter VALUES (0)")
            let barrier = Barrier(parties: 2)
            let attempts = Counter()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await db.pool.withTransaction(isolation: .serializable) { tx in
                            let attempt = await attempts.increment()
                            let n = try await tx.query("SELECT n FROM counter").single().decode(Int.self, "n")
                            // Both first attempts read before either writes: one of them must fail with 40001.
                            if attempt <= 2 { await barrier.arriveAndWait() }
                            try await tx.query("UPDATE counter SET n = \(n + 1)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await db.pool.query("SELECT n FROM counter").single().decode(Int.self, "n") == 2)
            #expect(await attempts.value == 3)
        }
    }
}

actor Counter {
    private(set) var value = 0
    func increment() -> Int {
        value += 1
        return value
    }
}

actor Barrier {
    private let parties: Int
    private var arrived = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(parties: Int) { self.parties = parties }

    func arriveAndWait() async {
        arrived += 1
        if arrived >= parties {
            waiting.forEach { $0.resume() }
            waiting.removeAll()
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }
}
