import Domain
import Foundation
import Logging
import Postgres
import Staff
import Testing
import TestSupport

@Suite("Staff accounts and sessions")
struct StaffServiceTests {
    static func service(_ db: TestSchema, limits: LoginLimits = .init()) -> StaffService {
        StaffService(pool: db.pool, logger: Logger(label: "test"), bcryptCost: 4, loginLimits: limits)
    }

    static func store(_ pool: PostgresPool, _ slug: String) async throws -> Int64 {
        try await pool.query("""
            INSERT INTO stores (slug, name, address, time_zone, slot_fee_cents)
            VALUES (\(slug), \("Magasin " + slug), '1 rue du Test, Paris', 'Europe/Paris', 0) RETURNING store_id
            """).single().decode(Int64.self, "store_id")
    }

    @Test("only a bcrypt hash of the password is stored, and it verifies")
    func passwordHashed() async throws {
        try await TestDatabase.withSchema { db in
            let staff = Self.service(db)
            let password = "correct horse battery"
            try await staff.addStaff(email: "Alice@Example.org", displayName: "Alice", password: password)
            let stored = try await db.pool.query("SELECT password_hash FROM staff").single().decode(String.self, "password_hash")
            #expect(stored.hasPrefix("$2b$04$") || stored.hasPrefix("$2a$04$") || stored.hasPrefix("$2y$04$"), "\(stored)")
            #expect(!stored.contains(password))
            let everything = try await db.pool.query("SELECT row_to_json(s)::text AS j FROM staff s").single().decode(String.self, "j")
            #expect(!everything.contains(password))
            // The same email in another case is the same account.
            await #expect(throws: StaffError.emailTaken) {
                try await staff.addStaff(email: "alice@example.ORG", displayName: "Alice 2", password: password)
            }
        }
    }

    @Test("bad emails, names and short passwords are refused and nothing is stored")
    func badInput() async throws {
        try await TestDatabase.withSchema { db in
            let staff = Self.service(db)
            await #expect(throws: StaffError.passwordTooShort(minimum: 12)) {
                try await staff.addStaff(email: "a@b.fr", displayName: "A", password: "short-pass1")
            }
            await #expect(throws: StaffError.invalidEmail) {
                try await staff.addStaff(email: "not an email", displayName: "A", password: "long enough password")
            }
            await #expect(throws: StaffError.invalidName) {
                try await staff.addStaff(email: "a@b.fr", displayName: "  ", password: "long enough password")
            }
            let count = try await db.pool.query("SELECT count(*) AS n FROM staff").single().decode(Int.self, "n")
            #expect(count == 0)
        }
    }

    @Test("sign-in: right password opens a session; a wrong one and an unknown email give the same refusal")
    func signIn() async throws {
        try await TestDatabase.withSchema { db in
            let staff = Self.service(db)
            let member = try await staff.addStaff(email: "bob@example.org", displayName: "Bob", password: "a long password!")
            let opened = try await staff.signIn(email: " BOB@example.org ", password: "a long password!", clientAddress: "10.0.0.1")
            #expect(opened.session.staff == member)
            #expect(try await staff.session(token: opened.token) == opened.session)
            // The token itself is nowhere in the database, only its SHA-256.
            let dump = try await db.pool.query("SELECT encode(token_hash, 'hex') AS h, csrf_token FROM staff_sessions").single()
            #expect(try dump.decode(String.self, "h") != opened.token)
            #expect(try dump.decode(String.self, "csrf_token") != opened.token)
            await #expect(throws: StaffError.badCredentials) {
                try await staff.signIn(email: "bob@example.org", password: "a wrong password", clientAddress: "10.0.0.1")
            }
            await #expect(throws: StaffError.badCredentials) {
                try await staff.signIn(email: "nobody@example.org", password: "a long password!", clientAddress: "10.0.0.1")
            }
            #expect(try await staff.session(token: "forged") == nil)
            #expect(try await staff.session(token: "") == nil)
            // A disabled account cannot sign in, and its sessions end.
            try await staff.setDisabled(staffID: member.id, true)
            #expect(try await staff.session(token: opened.token) == nil)
            await #expect(throws: StaffError.badCredentials) {
                try await staff.signIn(email: "bob@example.org", password: "a long password!", clientAddress: "10.0.0.1")
            }
        }
    }

    @Test("five failures lock the account for the window, even with the right password; twenty lock the address")
    func lockout() async throws {
        try await TestDatabase.withSchema { db in
            let staff = Self.service(db)
            try await staff.addStaff(email: "carol@example.org", displayName: "Carol", password: "carol's password")
            for _ in 1...5 {
                await #expect(throws: StaffError.badCredentials) {
                    try await staff.signIn(email: "carol@example.org", password: "guess guess guess", clientAddress: "10.0.0.2")
                }
            }
            do {
                _ = try await staff.signIn(email: "carol@example.org", password: "carol's password", clientAddress: "10.0.0.3")
                Issue.record("a locked account signed in")
            } catch StaffError.tooManyAttempts(let seconds) {
                #expect(seconds > 800 && seconds <= 900, "\(seconds)")
            }
            // When the failures leave the window, the lock lifts.
            try await db.pool.query("UPDATE staff_login_failures SET failed_at = failed_at - interval '16 minutes'")
            _ = try await staff.signIn(email: "carol@example.org", password: "carol's password", clientAddress: "10.0.0.3")

            // One address trying many accounts.
            for index in 1...20 {
                await #expect(throws: StaffError.badCredentials) {
                    try await staff.signIn(email: "user\(index)@example.org", password: "guess guess guess", clientAddress: "10.9.9.9")
                }
            }
            do {
                _ = try await staff.signIn(email: "carol@example.org", password: "carol's password", clientAddress: "10.9.9.9")
                Issue.record("an address past its limit signed in")
            } catch StaffError.tooManyAttempts {}
            // A refused attempt records nothing more: the table stays bounded.
            let recorded = try await db.pool.query("SELECT count(*) AS n FROM staff_login_failures WHERE client_address = '10.9.9.9'")
                .single().decode(Int.self, "n")
            #expect(recorded == 20)
        }
    }

    @Test("twenty guesses at once get exactly five tries: an attempt counts before bcrypt runs")
    func parallelGuesses() async throws {
        try await TestDatabase.withSchema(maxConnections: 8) { db in
            let staff = Self.service(db)
            try await staff.addStaff(email: "erin@example.org", displayName: "Erin", password: "erin's password!")
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        do {
                            _ = try await staff.signIn(email: "erin@example.org", password: "guess number \(index)", clientAddress: "10.1.\(index).1")
                            return "signed in"
                        } catch StaffError.badCredentials {
                            return "refused"
                        } catch StaffError.tooManyAttempts {
                            return "locked"
                        }
                    }
                }
                var counts: [String: Int] = [:]
                for try await outcome in group { counts[outcome, default: 0] += 1 }
                return counts
            }
            #expect(outcomes == ["refused": 5, "locked": 15])
        }
    }

    @Test("sessions end after 8 idle hours, after 7 days whatever happens, and at sign-out")
    func expiry() async throws {
        try await TestDatabase.withSchema { db in
            let staff = Self.service(db)
            try await staff.addStaff(email: "dan@example.org", displayName: "Dan", password: "dan's password!")
            func open() async throws -> String {
                try await staff.signIn(email: "dan@example.org", password: "dan's password!", clientAddress: "x").token
            }
            let idle = try await open()
            try await db.pool.query("UPDATE staff_sessions SET last_seen_at = now() - interval '7 hours 59 minutes' WHERE token_hash = sha256(convert_to(\(idle), 'UTF8'))")
            #expect(try await staff.session(token: idle) != nil, "used within 8 h: still valid, and seen again now")
            func secondsSinceSeen() async throws -> Double {
                try await db.pool.query("""
                    SELECT extract(epoch FROM now() - last_seen_at)::float8 AS s FROM staff_sessions WHERE token_hash = sha256(convert_to(\(idle), 'UTF8'))
                    """).single().decode(Double.self, "s")
            }
            #expect(try await secondsSinceSeen() < 5)
            // Seen less than a minute ago: read without writing the session again.
            try await db.pool.query("UPDATE staff_sessions SET last_seen_at = now() - interval '30 seconds' WHERE token_hash = sha256(convert_to(\(idle), 'UTF8'))")
            #expect(try await staff.session(token: idle) != nil)
            #expect(try await secondsSinceSeen() >= 30)
            try await db.pool.query("UPDATE staff_sessions SET last_seen_at = now() - interval '8 hours 1 minute' WHERE token_hash = sha256(convert_to(\(idle), 'UTF8'))")
            #expect(try await staff.session(token: idle) == nil)

            let old = try await open()
            try await db.pool.query("""
                UPDATE staff_sessions SET created_at = now() - interval '7 days 1 minute', expires_at = now() - interval '1 minute'
                WHERE token_hash = sha256(convert_to(\(old), 'UTF8'))
                """)
            #expect(try await staff.session(token: old) == nil)
            #expect(try await staff.purgeExpiredSessions() == 2)

            let current = try await open()
            let row = try await db.pool.query("SELECT expires_at - created_at AS span FROM staff_sessions").single()
            #expect(try row.decode(String.self, "span") == "7 days")
            try await staff.revokeSession(token: current)
            #expect(try await staff.session(token: current) == nil)
        }
    }

    @Test("roles: per store, an admin everywhere, unknown stores refused")
    func roles() async throws {
        try await TestDatabase.withSchema { db in
            let staff = Self.service(db)
            _ = try await Self.store(db.pool, "store-a")
            _ = try await Self.store(db.pool, "store-b")
            let picker = try await staff.addStaff(email: "p@example.org", displayName: "P", password: "picker password")
            let admin = try await staff.addStaff(email: "admin@example.org", displayName: "A", password: "admin password", isAdmin: true)
            try await staff.grant(staffID: picker.id, storeSlug: "store-a", role: .picker)
            try await staff.grant(staffID: picker.id, storeSlug: "store-a", role: .picker)
            try await staff.grant(staffID: picker.id, storeSlug: "store-a", role: .handover)
            await #expect(throws: StaffError.unknownStore) { try await staff.grant(staffID: picker.id, storeSlug: "nowhere", role: .picker) }
            await #expect(throws: StaffError.unknownStaff) { try await staff.grant(staffID: 999, storeSlug: "store-a", role: .picker) }
            let pickerToken = try await staff.signIn(email: "p@example.org", password: "picker password", clientAddress: "x").token
            let adminToken = try await staff.signIn(email: "admin@example.org", password: "admin password", clientAddress: "x").token
            func access(_ token: String, _ slug: String) async throws -> StoreAccess? {
                try await staff.session(token: token, storeSlug: slug)?.store
            }
            #expect(try await access(pickerToken, "store-a")?.roles == [.picker, .handover])
            #expect(try await access(pickerToken, "store-b") == nil)
            #expect(try await access(pickerToken, "nowhere") == nil)
            #expect(try await access(adminToken, "store-b")?.roles == Set(StaffRole.allCases))
            #expect(try await access(adminToken, "nowhere") == nil)
            #expect(try await staff.stores(for: picker).map(\.slug) == ["store-a"])
            #expect(try await staff.stores(for: admin).map(\.slug).sorted() == ["store-a", "store-b"])
            try await staff.revoke(staffID: picker.id, storeSlug: "store-a", role: .handover)
            #expect(try await access(pickerToken, "store-a")?.roles == [.picker])
        }
    }

    @Test("secrets compare in constant time and are random")
    func secrets() {
        #expect(Secrets.constantTimeEqual("abc", "abc"))
        #expect(!Secrets.constantTimeEqual("abc", "abd"))
        #expect(!Secrets.constantTimeEqual("abc", "abcd"))
        #expect(!Secrets.constantTimeEqual("", "a"))
        #expect(RandomText.secret() != RandomText.secret())
        #expect(RandomText.secret().count == 43)
        #expect(RandomText.isWellFormedSecret(RandomText.secret()))
        #expect(Secrets.password().count == 20)
    }

    @Test("random text is uniform over its alphabet: 64,000 URL-safe characters and 50,000 digits pass a chi-square test")
    func randomTextIsUniform() {
        // Chi-square critical values at p = 0.0001: 63 degrees of freedom 117.3, 9 degrees 33.7.
        for (alphabet, length, critical) in [(RandomText.urlSafe, 64_000, 117.3), (Array("0123456789"), 50_000, 33.7)] {
            let text = RandomText.make(length, from: alphabet)
            #expect(text.count == length)
            var counts: [Character: Int] = [:]
            for character in text { counts[character, default: 0] += 1 }
            #expect(Set(counts.keys) == Set(alphabet))
            let expected = Double(length) / Double(alphabet.count)
            let chiSquare = alphabet.reduce(0.0) { sum, character in
                let difference = Double(counts[character, default: 0]) - expected
                return sum + difference * difference / expected
            }
            #expect(chiSquare < critical, "chi-square \(chiSquare) over \(alphabet.count) characters")
        }
        // Short texts, each from a fresh buffer: 2,000 order links all differ.
        #expect(Set((0..<2_000).map { _ in RandomText.secret() }).count == 2_000)
    }
}
