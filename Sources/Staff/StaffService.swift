import Domain
import Foundation
import HummingbirdBcrypt
import Logging
import NIOPosix
import Postgres

/// Staff accounts, store roles, sign-in with a rate limit, and sessions.
/// Passwords are only ever stored as bcrypt hashes; session tokens only as
/// their SHA-256. bcrypt is slow on purpose, so it runs on NIO's thread pool,
/// never on the cooperative threads.
public struct StaffService: Sendable {
    public static let minimumPasswordLength = 12

    let pool: PostgresPool
    let logger: Logger
    public let sessionPolicy: SessionPolicy
    public let loginLimits: LoginLimits
    let bcryptCost: UInt8
    /// Verified against when the email is unknown, so an unknown email costs
    /// as much time as a wrong password and the answer's timing tells nothing.
    private let dummyHash: Task<String, Never>
    let sessions: SessionCache

    /// With `listener` (a server's), sessions just read are kept a few seconds while it hears
    /// what changes them (SessionCache); without, every request reads its session.
    public init(
        pool: PostgresPool, logger: Logger, bcryptCost: UInt8 = 12,
        sessionPolicy: SessionPolicy = .init(), loginLimits: LoginLimits = .init(), listener: PostgresListener? = nil
    ) {
        self.init(
            pool: pool, logger: logger, bcryptCost: bcryptCost, sessionPolicy: sessionPolicy, loginLimits: loginLimits,
            sessions: SessionCache(listener: listener)
        )
    }

    init(
        pool: PostgresPool, logger: Logger, bcryptCost: UInt8, sessionPolicy: SessionPolicy, loginLimits: LoginLimits, sessions: SessionCache
    ) {
        self.sessions = sessions
        self.pool = pool
        self.logger = logger
        self.bcryptCost = bcryptCost
        self.sessionPolicy = sessionPolicy
        self.loginLimits = loginLimits
        let cost = bcryptCost
        self.dummyHash = Task { await Self.offloaded { Bcrypt.hash(RandomText.secret(), cost: cost) } }
    }

    /// Runs blocking CPU work on NIO's thread pool (inline if that pool is shut down).
    static func offloaded<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        do {
            return try await NIOThreadPool.singleton.runIfActive(work)
        } catch {
            return work()
        }
    }

    // MARK: Accounts

    static func validEmail(_ email: String) -> String? {
        let trimmed = email.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard trimmed.count >= 3, trimmed.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !trimmed.contains(where: { $0.isWhitespace || $0.isNewline })
        else { return nil }
        return trimmed
    }

    /// Creates an account. The password is hashed here and never stored.
    @discardableResult
    public func addStaff(email: String, displayName: String, password: String, isAdmin: Bool = false) async throws -> StaffMember {
        guard let email = Self.validEmail(email) else { throw StaffError.invalidEmail }
        let name = displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count) else { throw StaffError.invalidName }
        guard password.count >= Self.minimumPasswordLength else {
            throw StaffError.passwordTooShort(minimum: Self.minimumPasswordLength)
        }
        let cost = bcryptCost
        let hash = await Self.offloaded { Bcrypt.hash(password, cost: cost) }
        do {
            let id = try await pool.query("""
                INSERT INTO staff (email, display_name, password_hash, is_admin)
                VALUES (\(email), \(name), \(hash), \(isAdmin)) RETURNING staff_id
                """).single().decode(Int64.self, "staff_id")
            return StaffMember(id: id, email: email, displayName: name, isAdmin: isAdmin)
        } catch let error as PostgresError where error.code == .uniqueViolation {
            throw StaffError.emailTaken
        }
    }

    public func staff(email: String) async throws -> StaffMember? {
        try await pool.query("""
            SELECT staff_id, email, display_name, is_admin FROM staff WHERE lower(email) = lower(\(email))
            """).first.map(Self.member)
    }

    static func member(_ row: PostgresRow) throws -> StaffMember {
        StaffMember(
            id: try row.decode(Int64.self, "staff_id"), email: try row.decode(String.self, "email"),
            displayName: try row.decode(String.self, "display_name"), isAdmin: try row.decode(Bool.self, "is_admin")
        )
    }

    /// Replaces an account's password and signs it out everywhere.
    public func setPassword(staffID: Int64, password: String) async throws {
        guard password.count >= Self.minimumPasswordLength else {
            throw StaffError.passwordTooShort(minimum: Self.minimumPasswordLength)
        }
        let cost = bcryptCost
        let hash = await Self.offloaded { Bcrypt.hash(password, cost: cost) }
        defer { sessions.forgetAll() }
        try await pool.withTransaction { tx in
            let rows = try await tx.query("UPDATE staff SET password_hash = \(hash) WHERE staff_id = \(staffID)")
            guard rows.affectedRows == 1 else { throw StaffError.unknownStaff }
            try await tx.query("DELETE FROM staff_sessions WHERE staff_id = \(staffID)")
        }
    }

    public func setDisabled(staffID: Int64, _ disabled: Bool) async throws {
        defer { sessions.forgetAll() }
        try await pool.withTransaction { tx in
            let rows = try await tx.query("UPDATE staff SET disabled = \(disabled) WHERE staff_id = \(staffID)")
            guard rows.affectedRows == 1 else { throw StaffError.unknownStaff }
            if disabled { try await tx.query("DELETE FROM staff_sessions WHERE staff_id = \(staffID)") }
        }
    }

    /// Gives `role` at the store named `storeSlug` (granting it twice is harmless).
    public func grant(staffID: Int64, storeSlug: String, role: StaffRole) async throws {
        defer { sessions.forgetAll() }
        let rows = try await pool.query("""
            INSERT INTO staff_store_roles (store_id, staff_id, role)
            SELECT s.store_id, st.staff_id, \(role.rawValue)
            FROM stores s, staff st WHERE s.slug = \(storeSlug) AND st.staff_id = \(staffID)
            ON CONFLICT DO NOTHING
            RETURNING store_id
            """)
        if rows.isEmpty {
            // Either it was granted already, or the store or the person does not exist.
            let exists = try await pool.query("""
                SELECT (SELECT count(*) FROM stores WHERE slug = \(storeSlug)) AS stores,
                       (SELECT count(*) FROM staff WHERE staff_id = \(staffID)) AS people
                """).single()
            if try exists.decode(Int.self, "stores") == 0 { throw StaffError.unknownStore }
            if try exists.decode(Int.self, "people") == 0 { throw StaffError.unknownStaff }
        }
    }

    public func revoke(staffID: Int64, storeSlug: String, role: StaffRole) async throws {
        defer { sessions.forgetAll() }
        try await pool.query("""
            DELETE FROM staff_store_roles r USING stores s
            WHERE r.store_id = s.store_id AND s.slug = \(storeSlug) AND r.staff_id = \(staffID) AND r.role = \(role.rawValue)
            """)
    }

    /// Every store this person may act in (every store for an admin), by name.
    public func stores(for staff: StaffMember) async throws -> [StoreAccess] {
        let rows: PostgresRows
        if staff.isAdmin {
            rows = try await pool.query("SELECT store_id, slug, name, time_zone, '{}'::text[] AS roles FROM stores ORDER BY name, store_id")
        } else {
            rows = try await pool.query("""
                SELECT s.store_id, s.slug, s.name, s.time_zone, array_agg(r.role ORDER BY r.role) AS roles
                FROM staff_store_roles r JOIN stores s ON s.store_id = r.store_id
                WHERE r.staff_id = \(staff.id)
                GROUP BY s.store_id, s.slug, s.name, s.time_zone ORDER BY s.name, s.store_id
                """)
        }
        return try rows.map { row in
            StoreAccess(
                storeID: try row.decode(Int64.self, "store_id"), slug: try row.decode(String.self, "slug"),
                name: try row.decode(String.self, "name"), timeZone: try row.decode(String.self, "time_zone"),
                roles: staff.isAdmin ? Set(StaffRole.allCases) : Set(try row.decode([String].self, "roles").compactMap(StaffRole.init(rawValue:)))
            )
        }
    }

    // MARK: Signing in

    /// Checks the password and opens a session. Refused with `tooManyAttempts`
    /// while the account (by email as typed) or the address has too many recent
    /// failures, before the password is even checked; an unknown email and a
    /// wrong password take the same time and give the same answer.
    public func signIn(email: String, password: String, clientAddress: String) async throws -> NewSession {
        let emailKey = String(email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased().prefix(254))
        let address = String(clientAddress.prefix(100))
        try await admitAttempt(emailKey: emailKey, address: address)

        let row = try await pool.query("""
            SELECT staff_id, email, display_name, is_admin, password_hash, disabled
            FROM staff WHERE lower(email) = \(emailKey)
            """).first
        let hash = try row?.decode(String.self, "password_hash")
        let dummy = await dummyHash.value
        let candidate = hash ?? dummy
        let matches = await Self.offloaded { Bcrypt.verify(password, hash: candidate) }
        guard let row, hash != nil, matches, try !row.decode(Bool.self, "disabled") else {
            // The attempt stays recorded as a failure.
            logger.notice("staff sign-in refused", metadata: ["address": "\(address)"])
            throw StaffError.badCredentials
        }
        let staff = try Self.member(row)
        // A success clears the account's failures, this attempt's own record among them.
        try await pool.query("DELETE FROM staff_login_failures WHERE email_key = \(emailKey)")
        return try await openSession(for: staff)
    }

    /// Admits one sign-in attempt or refuses it. An admitted attempt is recorded
    /// as a failure *before* the password is checked (a success deletes it
    /// again), under advisory locks on the email and the address, so parallel
    /// guesses cannot slip past the limit while bcrypt runs.
    func admitAttempt(emailKey: String, address: String) async throws {
        let window = Double(loginLimits.window.components.seconds)
        try await pool.withTransaction { tx in
            // Always the email's lock first, then the address's: no two attempts wait on each other in a cycle.
            try await tx.query("SELECT pg_advisory_xact_lock(\(Self.emailLockClass), hashtext(\(emailKey)))")
            try await tx.query("SELECT pg_advisory_xact_lock(\(Self.addressLockClass), hashtext(\(address)))")
            let row = try await tx.query("""
                WITH recent AS (
                    SELECT email_key, client_address, failed_at FROM staff_login_failures
                    WHERE failed_at > now() - make_interval(secs => \(window))
                      AND (email_key = \(emailKey) OR client_address = \(address))
                ), account AS (
                    SELECT failed_at FROM recent WHERE email_key = \(emailKey)
                    ORDER BY failed_at DESC OFFSET \(loginLimits.perAccount - 1) LIMIT 1
                ), place AS (
                    SELECT failed_at FROM recent WHERE client_address = \(address)
                    ORDER BY failed_at DESC OFFSET \(loginLimits.perAddress - 1) LIMIT 1
                )
                SELECT ceil(extract(epoch FROM greatest(
                           (SELECT failed_at FROM account), (SELECT failed_at FROM place)
                       ) + make_interval(secs => \(window)) - now()))::bigint AS retry_after
                """).single()
            // The limit-th most recent failure inside the window: the lock lifts when it leaves the window.
            if let seconds = try row.decode(Int64?.self, "retry_after") {
                throw StaffError.tooManyAttempts(retryAfter: max(1, Int(seconds)))
            }
            try await tx.query("DELETE FROM staff_login_failures WHERE failed_at <= now() - make_interval(secs => \(window))")
            try await tx.query("INSERT INTO staff_login_failures (email_key, client_address) VALUES (\(emailKey), \(address))")
        }
    }

    static let emailLockClass: Int32 = 60_061
    static let addressLockClass: Int32 = 60_062

    // MARK: Sessions

    func openSession(for staff: StaffMember) async throws -> NewSession {
        let token = RandomText.secret()
        let csrf = RandomText.secret()
        let absolute = Double(sessionPolicy.absolute.components.seconds)
        try await pool.query("""
            INSERT INTO staff_sessions (token_hash, staff_id, csrf_token, expires_at)
            VALUES (sha256(convert_to(\(token), 'UTF8')), \(staff.id), \(csrf), now() + make_interval(secs => \(absolute)))
            """)
        return NewSession(token: token, session: StaffSession(staff: staff, csrfToken: csrf))
    }

    /// The session a cookie's token stands for, if it is still valid (not idle
    /// past the limit, not past its absolute end, its account not disabled);
    /// using it marks it seen — at most once a minute, so that the requests of a
    /// busy console read their session without a write (and its WAL flush) each.
    public func session(token: String) async throws -> StaffSession? {
        try await session(token: token, storeSlug: nil)?.session
    }

    /// The session, and with `storeSlug` what it may do in that store (nil when
    /// nothing, or no such store: the two are not told apart), in one statement:
    /// every console request asks both.
    public func session(token: String, storeSlug: String?) async throws -> (session: StaffSession, store: StoreAccess?)? {
        guard !token.isEmpty, token.count <= 100 else { return nil }
        let key = SessionCache.Key(token: token, storeSlug: storeSlug)
        if let kept = sessions.found(key) { return kept }
        let generation = sessions.generation()
        guard let (found, expiresAt) = try await readSession(token: token, storeSlug: storeSlug) else { return nil }
        if let generation { sessions.keep(found, for: key, readUnder: generation, expiresAt: expiresAt) }
        return found
    }

    private func readSession(token: String, storeSlug: String?) async throws -> (SessionCache.Found, expiresAt: Date)? {
        let idle = Double(sessionPolicy.idle.components.seconds)
        guard let row = try await pool.query("""
            WITH found AS (
                SELECT s.token_hash, s.last_seen_at, s.expires_at, st.staff_id, st.email, st.display_name, st.is_admin, s.csrf_token
                  FROM staff_sessions s JOIN staff st ON st.staff_id = s.staff_id
                 WHERE s.token_hash = sha256(convert_to(\(token), 'UTF8'))
                   AND NOT st.disabled AND s.expires_at > now()
                   AND s.last_seen_at > now() - make_interval(secs => \(idle))
            ), seen AS (
                UPDATE staff_sessions s SET last_seen_at = now()
                  FROM found f
                 WHERE s.token_hash = f.token_hash AND f.last_seen_at < now() - interval '1 minute'
            )
            SELECT f.staff_id, f.email, f.display_name, f.is_admin, f.csrf_token, f.expires_at,
                   st.store_id, st.slug, st.name AS store_name, st.time_zone,
                   coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM staff_store_roles r
                              WHERE r.store_id = st.store_id AND r.staff_id = f.staff_id), '{}') AS roles
              FROM found f LEFT JOIN stores st ON st.slug = \(storeSlug)
            """).first else { return nil }
        let member = try Self.member(row)
        let session = StaffSession(staff: member, csrfToken: try row.decode(String.self, "csrf_token"))
        let expiresAt = try row.decode(Date.self, "expires_at")
        guard let storeID = try row.decode(Int64?.self, "store_id") else { return ((session, nil), expiresAt) }
        let roles = member.isAdmin ? Set(StaffRole.allCases) : Set(try row.decode([String].self, "roles").compactMap(StaffRole.init(rawValue:)))
        guard !roles.isEmpty else { return ((session, nil), expiresAt) }
        return ((session, StoreAccess(
            storeID: storeID, slug: try row.decode(String.self, "slug"), name: try row.decode(String.self, "store_name"),
            timeZone: try row.decode(String.self, "time_zone"), roles: roles
        )), expiresAt)
    }

    /// Signs out: the token stops working at once.
    public func revokeSession(token: String) async throws {
        defer { sessions.forgetAll() }
        try await pool.query("DELETE FROM staff_sessions WHERE token_hash = sha256(convert_to(\(token), 'UTF8'))")
    }

    /// Deletes sessions past their end or idle past the limit; returns how many.
    @discardableResult
    public func purgeExpiredSessions() async throws -> Int {
        let idle = Double(sessionPolicy.idle.components.seconds)
        return try await pool.query("""
            DELETE FROM staff_sessions WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(secs => \(idle))
            """).affectedRows
    }
}
