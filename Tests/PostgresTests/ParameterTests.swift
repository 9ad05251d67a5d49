import Domain
import Foundation
import Postgres
import Testing
import TestSupport

@Suite("Parameters and decoding")
struct ParameterTests {
    struct Payload: Codable, Sendable, Equatable {
        var name: String
        var tags: [String]
        var count: Int
    }

    @Test("a statement is prepared once per connection and reused, its text compared byte for byte (an accented statement included); other texts or types are others")
    func preparedOnce() async throws {
        try await TestDatabase.withSchema(migrate: false, maxConnections: 1) { db in
            try await db.pool.withConnection { session in
                for round in 0..<3 {
                    _ = try await session.query("SELECT \(round)::int AS n, 'préparé' AS word")
                    _ = try await session.query("SELECT \(round)::int AS n, 'pre\u{301}pare\u{301}' AS word")  // the same text to Unicode, other bytes
                    _ = try await session.query("SELECT \(Int64(round)) AS n")
                    _ = try await session.query("SELECT \(String(round)) AS n")
                    // Long texts of one length alike at both ends, told apart by their middle.
                    let pad = String(repeating: "x", count: 80)
                    let a = try await session.query("SELECT \(round)::int AS n, \(SQL(unsafeText: "'\(pad)a\(pad)'")) AS word").single()
                    let b = try await session.query("SELECT \(round)::int AS n, \(SQL(unsafeText: "'\(pad)b\(pad)'")) AS word").single()
                    #expect(try a.decode(String.self, "word") == pad + "a" + pad)
                    #expect(try b.decode(String.self, "word") == pad + "b" + pad)
                }
                let prepared = try await session.query("SELECT count(*) AS n FROM pg_prepared_statements").single().decode(Int.self, "n")
                #expect(prepared == 6)
            }
        }
    }

    @Test("every supported type round-trips through a table, NULLs included")
    func roundTrip() async throws {
        try await TestDatabase.withSchema { db in
            try await db.pool.query("""
                CREATE TABLE samples (
                    i bigint, i4 integer, d double precision, b boolean, s text, t timestamptz,
                    u uuid, bytes bytea, j jsonb, n numeric, ints bigint[], texts text[]
                )
                """)
            let date = Date(timeIntervalSince1970: 1_732_000_000.123456)
            let id = UUID()
            let data = Data([0, 1, 2, 254, 255, 39, 59])
            let payload = Payload(name: "crème brûlée", tags: ["a", "b c"], count: 3)
            try await db.pool.query("""
                INSERT INTO samples VALUES (\(Int.min), \(Int32(-7)), \(-1.5e-300), \(true), \("naïve ☕️ 日本"), \(date),
                    \(id), \(data), \(JSONColumn(payload)), \(12.5), \([1, -2, 3]), \(["x", "y \"q\"", "z,w", "NULL", "back\\slash\\\"", "", "{}"]))
                """)
            try await db.pool.query("INSERT INTO samples VALUES (\(Int?.none), NULL, NULL, NULL, \(String?.none), \(Date?.none), NULL, NULL, NULL, NULL, NULL, NULL)")
            let rows = try await db.pool.query("SELECT * FROM samples ORDER BY i NULLS LAST")
            #expect(rows.count == 2)
            let row = rows[0]
            #expect(try row.decode(Int.self, "i") == Int.min)
            #expect(try row.decode(Int32.self, "i4") == -7)
            #expect(try row.decode(Double.self, "d") == -1.5e-300)
            #expect(try row.decode(Bool.self, "b") == true)
            #expect(try row.decode(String.self, "s") == "naïve ☕️ 日本")
            #expect(abs(try row.decode(Date.self, "t").timeIntervalSince(date)) < 0.000_001)
            #expect(try row.decode(UUID.self, "u") == id)
            #expect(try row.decode(Data.self, "bytes") == data)
            #expect(try row.decode(JSONColumn<Payload>.self, "j").value == payload)
            #expect(try row.decode(Double.self, "n") == 12.5)
            #expect(try row.decode([Int].self, "ints") == [1, -2, 3])
            #expect(try row.decode([String].self, "texts") == ["x", "y \"q\"", "z,w", "NULL", "back\\slash\\\"", "", "{}"])
            let empty = rows[1]
            #expect(try empty.decode(Int?.self, "i") == nil)
            #expect(try empty.decode(String?.self, "s") == nil)
            #expect(try empty.decode(Date?.self, "t") == nil)
            #expect(try empty.decode(UUID?.self, "u") == nil)
            #expect(try empty.decode(Data?.self, "bytes") == nil)
        }
    }

    @Test("a value full of quotes and semicolons is stored verbatim, never run")
    func injectionIsInert() async throws {
        try await TestDatabase.withSchema { db in
            try await db.pool.query("CREATE TABLE notes (body text)")
            let hostile = "'); DROP TABLE notes; --\"\\ $1 \u{0}".replacingOccurrences(of: "\u{0}", with: "")
            try await db.pool.query("INSERT INTO notes VALUES (\(hostile))")
            let stored = try await db.pool.query("SELECT body FROM notes").single().decode(String.self, "body")
            #expect(stored == hostile)
        }
    }

    @Test("special doubles, dates far apart and time zones")
    func edgeValues() async throws {
        try await TestDatabase.withSchema(migrate: false) { db in
            let row = try await db.pool.query("""
                SELECT \(Double.infinity)::float8 AS inf, \(Double.nan)::float8 AS nan,
                       \(Date(timeIntervalSince1970: -86_400 * 365 * 30))::timestamptz AS old,
                       '2024-03-31 02:30:00+05:30'::timestamptz AS offset_time,
                       '2024-02-29'::date AS leap_day
                """).single()
            #expect(try row.decode(Double.self, "inf") == .infinity)
            #expect(try row.decode(Double.self, "nan").isNaN)
            #expect(try row.decode(Date.self, "old") == Date(timeIntervalSince1970: -86_400 * 365 * 30))
            #expect(try row.decode(Date.self, "offset_time") == Date(timeIntervalSince1970: 1_711_832_400))
            #expect(try row.decode(Date.self, "leap_day") == Date(timeIntervalSince1970: 1_709_164_800))
            // Timestamps written by hand: PostgreSQL reads back each instant to the microsecond.
            var random = SeededGenerator(seed: 1123)
            for _ in 0..<200 {
                let micros = Int64.random(in: -2_208_988_800_000_000...4_102_444_800_000_000, using: &random)
                let date = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
                let epoch = try await db.pool.query("SELECT (extract(epoch FROM \(date)::timestamptz) * 1000000)::int8 AS micros").single()
                #expect(try epoch.decode(Int64.self, "micros") == Int64((date.timeIntervalSince1970 * 1_000_000).rounded()))
            }
        }
    }

    @Test("a type mismatch names the column")
    func mismatchNamesColumn() async throws {
        try await TestDatabase.withSchema(migrate: false) { db in
            let row = try await db.pool.query("SELECT 'abc'::text AS label, NULL::int AS missing").single()
            let error = try #require(throws: PostgresError.self) { try row.decode(Int.self, "label") }
            #expect(error.code == .decoding)
            #expect(error.message.contains("\"label\""))
            let nullError = try #require(throws: PostgresError.self) { try row.decode(Int.self, "missing") }
            #expect(nullError.message.contains("\"missing\""))
            #expect(nullError.message.contains("NULL"))
        }
    }

    @Test("a column name that appears twice cannot be read by name")
    func ambiguousColumns() async throws {
        try await TestDatabase.withSchema(migrate: false) { db in
            let row = try await db.pool.query("SELECT 'product' AS name, 'store' AS name, 1 AS n").single()
            let error = try #require(throws: PostgresError.self) { try row.decode(String.self, "name") }
            #expect(error.code == .decoding)
            #expect(error.message.contains("more than once"))
            #expect(try row.decode(String.self, at: 1) == "store")
            #expect(try row.decode(Int.self, "n") == 1)
        }
    }

    @Test("fragments keep their parameters when joined")
    func fragments() async throws {
        try await TestDatabase.withSchema(migrate: false) { db in
            let values = SQL.join([1, 2, 3].map { "(\($0), \("n\($0)"))" }, separator: ", ")
            let filter: SQL = "WHERE n > \(1)"
            let rows = try await db.pool.query("SELECT n, label FROM (VALUES \(values)) AS v(n, label) \(filter) ORDER BY n")
            #expect(try rows.map { try $0.decode(String.self, "label") } == ["n2", "n3"])
            // Renumbered past $9, beside text with a `$` of its own and accented text.
            let many = SQL.join((1...12).map { "(\($0), 'é$' || \("n\($0)"), '$x')" }, separator: ", ")
            let tail: SQL = "WHERE n > \(10) AND label <> \("é$n11") AND dollar = '$x'"
            let more = try await db.pool.query("SELECT n, label FROM (VALUES \(many)) AS v(n, label, dollar) \(tail) ORDER BY n")
            #expect(try more.map { try $0.decode(String.self, "label") } == ["é$n12"])
        }
    }
}
