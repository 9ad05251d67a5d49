import Logging
import Metrics
import ServiceLifecycle
import Synchronization

public struct PostgresConfiguration: Sendable {
    /// A libpq URL (postgresql://…) or key=value string.
    public var conninfo: String
    public var maxConnections: Int
    /// How long a caller waits for a free connection before "database busy".
    public var acquireTimeout: Duration
    public var applicationName: String
    /// Off behind a pooler in transaction mode that does not track prepared statements.
    public var usePreparedStatements: Bool

    public init(
        conninfo: String,
        maxConnections: Int = 10,
        acquireTimeout: Duration = .seconds(5),
        applicationName: String = "creneau",
        usePreparedStatements: Bool = true
    ) {
        self.conninfo = conninfo
        self.maxConnections = max(1, maxConnections)
        self.acquireTimeout = acquireTimeout
        self.applicationName = applicationName
        self.usePreparedStatements = usePreparedStatements
    }
}

/// A bounded pool of libpq connections.
///
/// libpq calls block, so every connection has a thread of its own
/// (`ConnectionThread`): a query never stalls Swift's cooperative pool or a
/// NIO event loop, and a caller holding a connection never waits for a
/// thread. The body of `withConnection` runs on that thread, so its
/// statements follow one another without thread switches.
///
/// Broken connections are dropped when they are returned, and a connection
/// that sat idle is checked (without a round trip) before it is handed out,
/// so the pool heals by itself after PostgreSQL restarts.
public final class PostgresPool: Service, Sendable {
    public let configuration: PostgresConfiguration
    private let logger: Logger
    private let state = Mutex(State())
    private let acquireTimer = Metrics.Timer(label: "creneau_db_pool_acquire")
    private let timeouts = Counter(label: "creneau_db_pool_timeouts")
    private let openGauge = Gauge(label: "creneau_db_pool_open_connections")

    private struct State {
        var idle: [PostgresConnection] = []
        var open = 0
        var waiters: [(id: Int, continuation: CheckedContinuation<Grant, any Error>)] = []
        var nextWaiterID = 0
        var closed = false
    }

    private enum Grant: @unchecked Sendable {
        case connection(PostgresConnection)
        /// Permission to open a new connection: a place in the pool is free.
        case slot
    }

    public init(_ configuration: PostgresConfiguration, logger: Logger = Logger(label: "creneau.postgres")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs `body` with a connection held for its whole duration.
    @discardableResult
    public func withConnection<T: Sendable>(_ body: (PostgresSession) async throws -> T) async throws -> T {
        if let held = Self.held, held.pool == ObjectIdentifier(self), held.take() {
            defer { held.give() }
            return try await withTaskExecutorPreference(held.connection.thread) {
                try await body(PostgresSession(connection: held.connection))
            }
        }
        let connection = try await acquire()
        defer { release(connection) }
        return try await withTaskExecutorPreference(connection.thread) {
            try await body(PostgresSession(connection: connection))
        }
    }

    /// Runs `body` with one connection leased for all of it: this pool's calls inside
    /// it reuse that connection, one after another, and `body` runs on the
    /// connection's thread, so a request that queries twice (a staff request reads
    /// its session, then acts) switches threads once in and once out, not per query.
    /// A call made while the connection is in use (inside a transaction, or from a
    /// child task at the same time) leases another connection as usual, as does one
    /// after the held connection broke. Meant for short requests: the connection is
    /// not free for others until `body` returns.
    public func holding<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        if Self.held?.pool == ObjectIdentifier(self) { return try await body() }
        let connection = try await acquire()
        defer { release(connection) }
        return try await Self.$held.withValue(HeldConnection(pool: ObjectIdentifier(self), connection: connection)) {
            try await withTaskExecutorPreference(connection.thread) { try await body() }
        }
    }

    @TaskLocal private static var held: HeldConnection?

    private final class HeldConnection: Sendable {
        let pool: ObjectIdentifier
        let connection: PostgresConnection
        private let busy = Atomic<Bool>(false)

        init(pool: ObjectIdentifier, connection: PostgresConnection) {
            self.pool = pool
            self.connection = connection
        }

        /// The connection for one call, if no other call has it and it is fit for one.
        func take() -> Bool {
            guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
            if !connection.isBroken, connection.isIdle { return true }
            busy.store(false, ordering: .releasing)
            return false
        }

        func give() {
            busy.store(false, ordering: .releasing)
        }
    }

    /// One statement on any free connection.
    ///
    /// `waitForFlush: false` commits it without waiting for its WAL to reach the disk
    /// (`synchronous_commit` off for its own transaction, sent in the same round trip):
    /// for records worth less than that wait, such as a poster scan. A crash of PostgreSQL
    /// may lose the last of them (about three `wal_writer_delay`s' worth), never leaves the
    /// database inconsistent, and changes nothing for any other transaction.
    @discardableResult
    public func query(_ sql: SQL, waitForFlush: Bool = true) async throws -> PostgresRows {
        if waitForFlush { return try await withConnection { try await $0.query(sql) } }
        return try await withConnection { try await $0.pipeline([Self.commitWithoutFlushWait, sql])[1] }
    }

    /// Local to the transaction: the connection goes back to the pool as it was.
    static let commitWithoutFlushWait: SQL = "SELECT set_config('synchronous_commit', 'off', true)"

    /// Runs `body` in a transaction that commits when it returns and rolls
    /// back when it throws. Serialization failures and deadlocks run the whole
    /// body again (at most `maxAttempts` times in all), so `body` must have no
    /// effects outside the database.
    @discardableResult
    public func withTransaction<T: Sendable>(
        isolation: IsolationLevel = .readCommitted,
        maxAttempts: Int = 5,
        _ body: (PostgresSession) async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await withConnection { session in
                    session.connection.begin("BEGIN ISOLATION LEVEL \(isolation.rawValue)")
                    do {
                        let value = try await body(session)
                        try await session.end("COMMIT")
                        return value
                    } catch {
                        try? await session.end("ROLLBACK")
                        throw error
                    }
                }
            } catch let error as PostgresError where error.isRetryableTransactionFailure && attempt < maxAttempts {
                logger.debug("transaction retried", metadata: ["attempt": "\(attempt)", "sqlstate": "\(error.sqlState ?? "")"])
                attempt += 1
                // Jittered backoff so the transactions that collided do not collide again.
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 * attempt))))
            }
        }
    }

    /// Waits for graceful shutdown, then closes every connection.
    public func run() async throws {
        try? await gracefulShutdown()
        try await close()
    }

    public func close() async throws {
        let (idle, waiters) = state.withLock { state in
            state.closed = true
            defer { state.idle.removeAll(); state.waiters.removeAll() }
            state.open -= state.idle.count
            return (state.idle, state.waiters)
        }
        for waiter in waiters {
            waiter.continuation.resume(throwing: PostgresError(code: .poolClosed, message: "the database pool is closed"))
        }
        // Dropping the idle connections closes them and ends their threads.
        _ = idle
    }

    public var statistics: (open: Int, idle: Int, waiting: Int) {
        state.withLock { ($0.open, $0.idle.count, $0.waiters.count) }
    }

    private func acquire() async throws -> PostgresConnection {
        let start = ContinuousClock.now
        defer { acquireTimer.recordNanoseconds(Int64((ContinuousClock.now - start).nanoseconds)) }
        while true {
            switch try await nextGrant() {
            case .connection(let connection):
                if connection.looksAlive() { return connection }
                logger.info("dropping a dead pooled connection")
                discard(connection)
                continue
            case .slot:
                do {
                    let connection = try await PostgresConnection.open(
                        conninfo: configuration.conninfo,
                        applicationName: configuration.applicationName,
                        usePreparedStatements: configuration.usePreparedStatements
                    )
                    openGauge.record(statistics.open)
                    return connection
                } catch {
                    freeSlot()
                    throw error
                }
            }
        }
    }

    private func nextGrant() async throws -> Grant {
        let timeout = configuration.acquireTimeout
        return try await withCheckedThrowingContinuation { continuation in
            let immediate: Result<Grant, PostgresError>? = state.withLock { state in
                if state.closed { return .failure(PostgresError(code: .poolClosed, message: "the database pool is closed")) }
                if let connection = state.idle.popLast() { return .success(.connection(connection)) }
                if state.open < configuration.maxConnections {
                    state.open += 1
                    return .success(.slot)
                }
                state.nextWaiterID += 1
                let id = state.nextWaiterID
                state.waiters.append((id, continuation))
                Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    self?.expireWaiter(id)
                }
                return nil
            }
            if let immediate { continuation.resume(with: immediate) }
        }
    }

    private func expireWaiter(_ id: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Grant, any Error>? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index).continuation
        }
        guard let waiter else { return }
        timeouts.increment()
        waiter.resume(throwing: PostgresError(
            code: .poolTimeout,
            message: "database busy: no connection became free within \(configuration.acquireTimeout)"
        ))
    }

    private func release(_ connection: PostgresConnection) {
        guard !connection.isBroken, connection.isIdle else {
            discard(connection)
            return
        }
        let waiter = state.withLock { state -> CheckedContinuation<Grant, any Error>? in
            if state.closed {
                state.open -= 1
                return nil
            }
            if !state.waiters.isEmpty { return state.waiters.removeFirst().continuation }
            state.idle.append(connection)
            return nil
        }
        waiter?.resume(returning: .connection(connection))
    }

    /// The connection is dropped (PQfinish in its deinit) and its place given on.
    private func discard(_ connection: PostgresConnection) {
        freeSlot()
    }

    private func freeSlot() {
        let waiter = state.withLock { state -> CheckedContinuation<Grant, any Error>? in
            if !state.closed, !state.waiters.isEmpty { return state.waiters.removeFirst().continuation }
            state.open -= 1
            return nil
        }
        waiter?.resume(returning: .slot)
        openGauge.record(statistics.open)
    }
}

public enum IsolationLevel: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}

/// A connection leased from the pool for the duration of a closure.
public struct PostgresSession: Sendable {
    let connection: PostgresConnection

    @discardableResult
    public func query(_ sql: SQL) async throws -> PostgresRows {
        try await onConnectionThread { try $0.query(sql) }
    }

    /// Statements sent one after another in one round trip (a libpq pipeline), for those
    /// that need nothing from each other's answers; answers each one's rows, in order.
    /// Inside a transaction, locks the first ones take are held one round trip less per
    /// statement. If one fails, PostgreSQL skips those after it and this throws its error;
    /// outside a transaction, they are one implicit transaction.
    @discardableResult
    public func pipeline(_ statements: [SQL]) async throws -> [PostgresRows] {
        try await onConnectionThread { try $0.pipeline(statements) }
    }

    /// Trusted SQL from a file or a constant, possibly several statements; no parameters.
    public func execute(script: String) async throws {
        try await onConnectionThread { try $0.executeScript(script) }
    }

    /// The last statement of a `withTransaction` body, sent with the COMMIT in one round
    /// trip: when it returns the transaction is committed (the body must send nothing
    /// after it); when it throws nothing was.
    @discardableResult
    public func commit(after sql: SQL) async throws -> PostgresRows {
        try await onConnectionThread { try $0.query(sql, commit: "COMMIT") }
    }

    /// COMMIT or ROLLBACK of the transaction `withTransaction` opened.
    func end(_ statement: String) async throws {
        try await onConnectionThread { try $0.end(statement) }
    }

    /// The server process serving this session (for tests and diagnostics).
    public var serverProcessID: Int32 { connection.serverProcessID }

    private func onConnectionThread<T>(_ work: (PostgresConnection) throws -> T) async throws -> T {
        let connection = self.connection
        return try await connection.thread.run { try work(connection) }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
