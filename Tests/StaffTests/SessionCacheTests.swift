import Foundation
import Logging
import Postgres
@testable import Staff
import Synchronization
import Testing
import TestSupport

@Suite("Sessions kept between requests")
struct SessionCacheTests {
    static let session = StaffSession(
        staff: StaffMember(id: 1, email: "a@example.org", displayName: "A", isAdmin: false), csrfToken: String(repeating: "c", count: 32)
    )
    static let key = SessionCache.Key(token: "token", storeSlug: "s")
    static let later = Date().addingTimeInterval(3600)

    /// The listener's count for the channel, as the test sets it (nil: not listening).
    final class Heard: Sendable {
        private let count = Mutex<UInt64?>(0)
        var value: UInt64? { count.withLock { $0 } }
        func set(_ value: UInt64?) { count.withLock { $0 = value } }
        func bump() { count.withLock { $0! += 1 } }
    }

    static func cache(lifetime: Duration = .seconds(60)) -> (SessionCache, Heard) {
        let heard = Heard()
        let cache = SessionCache(lifetime: lifetime) { heard.value }
        return (cache, heard)
    }

    @Test("an answer is kept until something is heard, a change is made here, or it is too old")
    func keptUntil() async throws {
        let (cache, heard) = Self.cache()
        let generation = try #require(cache.generation())
        cache.keep((Self.session, nil), for: Self.key, readUnder: generation, expiresAt: Self.later)
        #expect(cache.found(Self.key)?.session == Self.session)
        #expect(cache.found(SessionCache.Key(token: "token", storeSlug: nil)) == nil)
        heard.bump()
        #expect(cache.found(Self.key) == nil)

        cache.keep((Self.session, nil), for: Self.key, readUnder: try #require(cache.generation()), expiresAt: Self.later)
        #expect(cache.found(Self.key) != nil)
        cache.forgetAll()
        #expect(cache.found(Self.key) == nil)

        // The session's own end comes first.
        cache.keep((Self.session, nil), for: Self.key, readUnder: try #require(cache.generation()), expiresAt: Date().addingTimeInterval(-1))
        #expect(cache.found(Self.key) == nil)

        let (short, _) = Self.cache(lifetime: .milliseconds(50))
        short.keep((Self.session, nil), for: Self.key, readUnder: try #require(short.generation()), expiresAt: Self.later)
        #expect(short.found(Self.key) != nil)
        try await Task.sleep(for: .milliseconds(80))
        #expect(short.found(Self.key) == nil)
    }

    @Test("an answer read while something was heard or changed here is not kept; nothing is kept while not listening")
    func readDuringChange() throws {
        let (cache, heard) = Self.cache()
        var generation = try #require(cache.generation())
        heard.bump()  // a notification while the database was read
        cache.keep((Self.session, nil), for: Self.key, readUnder: generation, expiresAt: Self.later)
        #expect(cache.found(Self.key) == nil)

        generation = try #require(cache.generation())
        cache.forgetAll()  // a sign-out through this server meanwhile
        cache.keep((Self.session, nil), for: Self.key, readUnder: generation, expiresAt: Self.later)
        #expect(cache.found(Self.key) == nil)

        generation = try #require(cache.generation())
        cache.keep((Self.session, nil), for: Self.key, readUnder: generation, expiresAt: Self.later)
        heard.set(nil)  // the listening connection is lost
        #expect(cache.generation() == nil)
        #expect(cache.found(Self.key) == nil)
    }

    /// A store, a picker there, signed in; `body` gets the picker, the store's slug and the session's token.
    static func picker(
        _ db: TestSchema, _ body: (StaffMember, String, String) async throws -> Void
    ) async throws {
        let service = StaffServiceTests.service(db)
        _ = try await StaffServiceTests.store(db.pool, "rivoli")
        let member = try await service.addStaff(email: "pia@example.org", displayName: "Pia", password: "a long password!")
        try await service.grant(staffID: member.id, storeSlug: "rivoli", role: .picker)
        let opened = try await service.signIn(email: "pia@example.org", password: "a long password!", clientAddress: "10.0.0.9")
        try await body(member, "rivoli", opened.token)
    }

    /// A server's service: its own listener, running for the time of `body`.
    static func withServer(
        _ db: TestSchema, lifetime: Duration, _ body: (StaffService, PostgresListener) async throws -> Void
    ) async throws {
        let listener = PostgresListener(db.configuration)
        let service = StaffService(
            pool: db.pool, logger: Logger(label: "test"), bcryptCost: 4, sessionPolicy: .init(), loginLimits: .init(),
            sessions: SessionCache(listener: listener, lifetime: lifetime)
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await listener.run() }
            try await waitUntil { listener.generation(of: SessionCache.channel) != nil }
            try await body(service, listener)
            group.cancelAll()
        }
    }

    @Test("a server answers from what it kept while nothing is heard, and reads again once it is too old")
    func keptWhileQuiet() async throws {
        try await TestDatabase.withSchema { db in
            try await Self.picker(db) { member, store, token in
                let lifetime = Duration.seconds(3)
                try await Self.withServer(db, lifetime: lifetime) { server, listener in
                    // Other tests notify the same channel meanwhile, and a loaded machine may take the whole
                    // lifetime over the statements below: a try counts only if nothing was heard during it
                    // and it ended within the lifetime.
                    var quiet = false
                    for _ in 0..<20 where !quiet {
                        let before = listener.generation(of: SessionCache.channel)
                        let readAt = ContinuousClock.now
                        #expect(try await server.session(token: token, storeSlug: store)?.store?.roles == [.picker])
                        // Taken away behind the server's back: without the notification that goes with every change.
                        try await db.pool.query("ALTER TABLE staff_store_roles DISABLE TRIGGER staff_store_roles_access_notify")
                        try await db.pool.query("DELETE FROM staff_store_roles WHERE staff_id = \(member.id)")
                        try await db.pool.query("ALTER TABLE staff_store_roles ENABLE TRIGGER staff_store_roles_access_notify")
                        let kept = try await server.session(token: token, storeSlug: store)?.store?.roles
                        quiet = listener.generation(of: SessionCache.channel) == before && ContinuousClock.now - readAt < lifetime
                        if quiet { #expect(kept == [.picker]) }
                        // What the database says, read by a service that keeps nothing.
                        #expect(try await StaffServiceTests.service(db).session(token: token, storeSlug: store)?.store == nil)
                        try await StaffServiceTests.service(db).grant(staffID: member.id, storeSlug: store, role: .picker)
                        try await waitUntil { try await server.session(token: token, storeSlug: store)?.store != nil }
                    }
                    #expect(quiet, "some try ran without a notification")
                    // Too old: read again, whatever was heard.
                    try await db.pool.query("ALTER TABLE staff_store_roles DISABLE TRIGGER staff_store_roles_access_notify")
                    try await db.pool.query("DELETE FROM staff_store_roles WHERE staff_id = \(member.id)")
                    try await db.pool.query("ALTER TABLE staff_store_roles ENABLE TRIGGER staff_store_roles_access_notify")
                    let started = ContinuousClock.now
                    try await waitUntil(timeout: .seconds(10)) { try await server.session(token: token, storeSlug: store)?.store == nil }
                    #expect(ContinuousClock.now - started < lifetime + .seconds(2))
                }
            }
        }
    }

    @Test("changes made elsewhere (another server, the CLI) reach a server's kept sessions through the notification")
    func changesElsewhere() async throws {
        try await TestDatabase.withSchema { db in
            try await Self.picker(db) { member, store, token in
                // Kept a minute: only the notification can make it read again within the waits below
                // (waitUntil's 30 s: a loaded CI machine has been seen to stall a whole process for 10 s).
                try await Self.withServer(db, lifetime: .seconds(60)) { server, _ in
                    let elsewhere = StaffServiceTests.service(db)
                    #expect(try await server.session(token: token, storeSlug: store)?.store?.roles == [.picker])
                    try await elsewhere.grant(staffID: member.id, storeSlug: store, role: .handover)
                    try await waitUntil {
                        try await server.session(token: token, storeSlug: store)?.store?.roles == [.picker, .handover]
                    }
                    try await elsewhere.revoke(staffID: member.id, storeSlug: store, role: .picker)
                    try await elsewhere.revoke(staffID: member.id, storeSlug: store, role: .handover)
                    try await waitUntil { try await server.session(token: token, storeSlug: store)?.store == nil }
                    #expect(try await server.session(token: token, storeSlug: store) != nil)  // still signed in, no role
                    try await elsewhere.revokeSession(token: token)
                    try await waitUntil { try await server.session(token: token, storeSlug: store) == nil }

                    let again = try await elsewhere.signIn(email: "pia@example.org", password: "a long password!", clientAddress: "10.0.0.9")
                    #expect(try await server.session(token: again.token) != nil)
                    try await elsewhere.setDisabled(staffID: member.id, true)
                    try await waitUntil { try await server.session(token: again.token) == nil }
                }
            }
        }
    }

    @Test("changes made through the server itself apply to its next request, without waiting for anything")
    func changesHere() async throws {
        try await TestDatabase.withSchema { db in
            try await Self.picker(db) { member, store, token in
                try await Self.withServer(db, lifetime: .seconds(60)) { server, _ in
                    #expect(try await server.session(token: token, storeSlug: store)?.store?.roles == [.picker])
                    try await server.revoke(staffID: member.id, storeSlug: store, role: .picker)
                    #expect(try await server.session(token: token, storeSlug: store)?.store == nil)
                    try await server.grant(staffID: member.id, storeSlug: store, role: .manager)
                    #expect(try await server.session(token: token, storeSlug: store)?.store?.roles == [.manager])
                    try await server.revokeSession(token: token)
                    #expect(try await server.session(token: token, storeSlug: store) == nil)
                    let again = try await server.signIn(email: "pia@example.org", password: "a long password!", clientAddress: "10.0.0.9")
                    #expect(try await server.session(token: again.token) != nil)
                    try await server.setPassword(staffID: member.id, password: "another long password")
                    #expect(try await server.session(token: again.token) == nil)
                }
            }
        }
    }

    @Test("without a listener nothing is kept: each request reads its session")
    func notListening() async throws {
        try await TestDatabase.withSchema { db in
            try await Self.picker(db) { member, store, token in
                let listener = PostgresListener(db.configuration)  // never run
                let service = StaffService(pool: db.pool, logger: Logger(label: "test"), bcryptCost: 4, listener: listener)
                #expect(try await service.session(token: token, storeSlug: store)?.store?.roles == [.picker])
                try await db.pool.query("ALTER TABLE staff_store_roles DISABLE TRIGGER staff_store_roles_access_notify")
                try await db.pool.query("DELETE FROM staff_store_roles WHERE staff_id = \(member.id)")
                #expect(try await service.session(token: token, storeSlug: store)?.store == nil)
            }
        }
    }
}
