import CLibPQ
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One libpq connection. Every method blocks the calling thread, so they are
/// only ever called on the connection's own thread (`thread`), never from
/// Swift's cooperative pool or an event loop. It is `@unchecked Sendable`
/// because tasks pass it around, but it is used by one task at a time:
/// whoever holds the pool lease or the listener.
final class PostgresConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    let thread: ConnectionThread
    private let usePreparedStatements: Bool
    private var preparedStatements: [StatementKey: String] = [:]
    /// How many times the cache above was emptied (DEALLOCATE ALL).
    private var deallocations = 0
    private(set) var lastUsed = ContinuousClock.now
    /// A transaction's BEGIN not sent yet: it goes out in one pipeline with the
    /// transaction's first statement, so a transaction pays one round trip less
    /// (BEGIN cannot fail on a live connection, so nothing waits on its answer).
    private var pendingBegin: String?
    /// The transaction was committed with its last statement (`query(_:commit:)`): its end sends nothing.
    private var committed = false

    /// Compared and hashed by the text's bytes: String's own == and hashing normalize
    /// Unicode first (a statement with an "é" in it took the slow path), and two byte
    /// sequences are two statements to PostgreSQL anyway.
    private struct StatementKey: Hashable {
        var text: String
        var types: [Oid]

        // Compared with memcmp, and equal at once when both keys share one string's storage
        // (a statement's text kept in a constant): UTF8View.elementsEqual, a byte at a time,
        // was 1.75% of a claim's server CPU on its 2 kB statement.
        static func == (lhs: Self, rhs: Self) -> Bool {
            guard lhs.types == rhs.types else { return false }
            var left = lhs.text, right = rhs.text
            return left.withUTF8 { a in
                right.withUTF8 { b in
                    guard a.count == b.count else { return false }
                    guard a.count > 0, let x = a.baseAddress, let y = b.baseAddress, x != y else { return true }
                    return memcmp(x, y, a.count) == 0
                }
            }
        }

        // The length and the statement's two ends: texts alike there differ in length or are
        // told apart by ==, and a lookup no longer hashes every byte.
        func hash(into hasher: inout Hasher) {
            hasher.combine(types)
            var text = text
            text.withUTF8 { bytes in
                hasher.combine(bytes.count)
                let raw = UnsafeRawBufferPointer(bytes)
                guard raw.count > 128 else { return hasher.combine(bytes: raw) }
                hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: raw.prefix(64)))
                hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: raw.suffix(64)))
            }
        }
    }

    private static let statementCacheLimit = 512

    /// Connects on a new thread of its own, which the connection keeps.
    static func open(conninfo: String, applicationName: String, usePreparedStatements: Bool) async throws -> PostgresConnection {
        let thread = ConnectionThread()
        do {
            return try await thread.run {
                try connect(conninfo: conninfo, applicationName: applicationName, usePreparedStatements: usePreparedStatements, thread: thread)
            }
        } catch {
            thread.stop()
            throw error
        }
    }

    /// `conninfo` is a URL or key=value string; our own settings come after it,
    /// so they win (libpq applies keywords in order).
    private static func connect(
        conninfo: String,
        applicationName: String,
        usePreparedStatements: Bool,
        thread: ConnectionThread
    ) throws -> PostgresConnection {
        let keywords = ["application_name", "connect_timeout", "dbname", "client_encoding"]
        let values = [applicationName, "5", conninfo, "UTF8"]
        let handle = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let handle else {
            throw PostgresError(code: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines()
            PQfinish(handle)
            throw PostgresError(code: .connectionFailed, message: message)
        }
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        let connection = PostgresConnection(handle: handle, usePreparedStatements: usePreparedStatements, thread: thread)
        // Dates are parsed from ISO text; a server set to another DateStyle is corrected per session.
        if let style = PQparameterStatus(handle, "DateStyle"), !String(cString: style).hasPrefix("ISO") {
            try connection.executeScript("SET DateStyle = ISO")
        }
        return connection
    }

    private init(handle: OpaquePointer, usePreparedStatements: Bool, thread: ConnectionThread) {
        self.handle = handle
        self.usePreparedStatements = usePreparedStatements
        self.thread = thread
    }

    deinit {
        PQfinish(handle)
        thread.stop()
    }

    var isBroken: Bool { PQstatus(handle) != CONNECTION_OK }

    /// Idle with no transaction open, none about to open, no pipeline left: safe to hand to the next caller.
    var isIdle: Bool {
        pendingBegin == nil && PQtransactionStatus(handle) == PQTRANS_IDLE && PQpipelineStatus(handle) == PQ_PIPELINE_OFF
    }

    /// Opens a transaction: `statement` (a BEGIN) is sent with the first statement that follows.
    func begin(_ statement: String) {
        pendingBegin = statement
        committed = false
    }

    /// A statement after `commit(after:)` would run outside the transaction its caller means.
    private func refuseAfterCommit() throws {
        guard committed else { return }
        throw PostgresError(code: .unexpectedResult, message: "a statement was sent after its transaction's commit(after:)")
    }

    /// COMMIT or ROLLBACK. A transaction that sent nothing was never opened on the server;
    /// one committed with its last statement is over.
    func end(_ statement: String) throws {
        if pendingBegin != nil || committed {
            pendingBegin = nil
            committed = false
            return
        }
        try executeScript(statement)
    }

    var serverProcessID: Int32 { PQbackendPID(handle) }

    /// Cheap liveness check for a connection that sat in the pool: a server
    /// that restarted has closed the socket (or sent a FATAL message), which
    /// shows as readable without any round trip.
    func looksAlive() -> Bool {
        guard !isBroken else { return false }
        let socket = PQsocket(handle)
        guard socket >= 0 else { return false }
        // A terminated backend sends a FATAL message and then closes: the
        // first read gets the message, a later one the end of the stream.
        for _ in 0..<4 {
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 0)
            if ready == 0 { return !isBroken }
            if ready < 0 || PQconsumeInput(handle) == 0 || isBroken { return false }
        }
        // Still readable after several reads: an idle connection has no business receiving that much.
        return false
    }

    /// One statement; with `commit` (a COMMIT), the transaction's last, sent with it in one
    /// round trip: when this returns the transaction is committed, when it throws it is not.
    func query(_ sql: SQL, commit: String? = nil) throws -> PostgresRows {
        if pendingBegin != nil || commit != nil {
            return try pipeline([sql], commit: commit)[0]
        }
        lastUsed = .now
        try refuseAfterCommit()
        if let prepared = try preparedName(for: sql) {
            return try run(sql.bindings) { values in
                PQexecPrepared(handle, prepared, Int32(values.count), values, nil, nil, 0)
            }
        }
        return try run(sql.bindings) { values in
            sql.bindings.map(\.type).withUnsafeBufferPointer { typePointer in
                PQexecParams(handle, sql.text, Int32(values.count), typePointer.baseAddress, values, nil, nil, 0)
            }
        }
    }

    /// Statements sent one after another in one round trip (a libpq pipeline), after the
    /// transaction's pending BEGIN and before `commit` when given; answers each one's rows.
    func pipeline(_ sql: [SQL], commit: String? = nil) throws -> [PostgresRows] {
        precondition(!sql.isEmpty, "a pipeline of no statement")
        // One statement with nothing to send beside it needs no pipeline mode nor its Sync.
        if sql.count == 1, pendingBegin == nil, commit == nil { return [try query(sql[0])] }
        lastUsed = .now
        try refuseAfterCommit()
        // Prepared before the pipeline starts: PQprepare waits for its own answer. A full
        // cache emptied midway took the first names with it: once more, and it has room.
        let deallocated = deallocations
        var statements = try sql.map { ($0, try preparedName(for: $0)) }
        if deallocations != deallocated { statements = try sql.map { ($0, try preparedName(for: $0)) } }
        let begin = pendingBegin
        pendingBegin = nil
        let rows = try runPipelined(begin: begin, statements, commit: commit)
        committed = commit != nil
        return rows
    }

    private func preparedName(for sql: SQL) throws -> String? {
        guard usePreparedStatements, !sql.bindings.isEmpty else { return nil }
        return try preparedStatementName(for: sql.text, types: sql.bindings.map(\.type))
    }

    /// Runs trusted SQL that may hold several statements (migration files, BEGIN/COMMIT).
    /// It takes no parameters, so it must never see input.
    func executeScript(_ text: String) throws {
        lastUsed = .now
        try refuseAfterCommit()
        if let begin = pendingBegin {
            // A script inside a transaction that sent nothing yet: the BEGIN goes first, on its own.
            pendingBegin = nil
            try executeScript(begin)
        }
        guard let result = PQexec(handle, text) else { throw connectionError() }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw PostgresError(result: result, connection: handle)
        }
    }

    func listen(_ channel: String) throws {
        try executeScript("LISTEN \(quoteIdentifier(channel))")
    }

    /// Waits up to `timeout` milliseconds for notifications (LISTEN connections only).
    func waitForNotifications(timeout: Int32) throws -> [PostgresNotification] {
        var notifications = drainNotifications()
        if !notifications.isEmpty { return notifications }
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, timeout)
        if ready < 0, errno != EINTR { throw connectionError() }
        if ready > 0, PQconsumeInput(handle) == 0 { throw connectionError() }
        if isBroken { throw connectionError() }
        notifications = drainNotifications()
        return notifications
    }

    private func drainNotifications() -> [PostgresNotification] {
        var notifications: [PostgresNotification] = []
        while let pointer = PQnotifies(handle) {
            let notify = pointer.pointee
            notifications.append(PostgresNotification(
                channel: String(cString: notify.relname),
                payload: String(cString: notify.extra),
                processID: notify.be_pid
            ))
            PQfreemem(pointer)
        }
        return notifications
    }

    private func preparedStatementName(for text: String, types: [Oid]) throws -> String {
        let key = StatementKey(text: text, types: types)
        if let name = preparedStatements[key] { return name }
        if preparedStatements.count >= Self.statementCacheLimit {
            try executeScript("DEALLOCATE ALL")
            preparedStatements.removeAll()
            deallocations += 1
        }
        let name = "creneau_\(preparedStatements.count + 1)"
        guard let result = types.withUnsafeBufferPointer({ PQprepare(handle, name, text, Int32(types.count), $0.baseAddress) }) else {
            throw connectionError()
        }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else {
            throw PostgresError(result: result, connection: handle)
        }
        preparedStatements[key] = name
        return name
    }

    private func run(
        _ bindings: [PostgresValue],
        _ execute: ([UnsafePointer<CChar>?]) -> OpaquePointer?
    ) throws -> PostgresRows {
        let result = withOptionalCStringArray(bindings.map(\.text)) { values in execute(values) }
        guard let result else { throw connectionError() }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
            return Self.copyRows(result)
        default:
            throw PostgresError(result: result, connection: handle)
        }
    }

    /// Statements (each with its prepared name, if any), after a BEGIN and before a COMMIT
    /// when given, in one pipeline; answers each statement's rows. Every result is read
    /// up to the pipeline's end whatever happens, so the connection is left as `run` leaves
    /// it. When a statement fails, PostgreSQL skips the ones after it and the COMMIT, and the
    /// transaction is left aborted for the caller's ROLLBACK; a COMMIT that fails throws.
    private func runPipelined(begin: String?, _ statements: [(sql: SQL, prepared: String?)], commit: String?) throws -> [PostgresRows] {
        guard PQenterPipelineMode(handle) == 1 else { throw connectionError() }
        var queued = begin.map { PQsendQueryParams(handle, $0, 0, nil, nil, nil, nil, 0) == 1 } ?? true
        for (sql, prepared) in statements where queued {
            queued = withOptionalCStringArray(sql.bindings.map(\.text)) { values in
                if let prepared { return PQsendQueryPrepared(handle, prepared, Int32(values.count), values, nil, nil, 0) }
                return sql.bindings.map(\.type).withUnsafeBufferPointer { typePointer in
                    PQsendQueryParams(handle, sql.text, Int32(values.count), typePointer.baseAddress, values, nil, nil, 0)
                }
            } == 1
        }
        queued = queued
            && (commit.map { PQsendQueryParams(handle, $0, 0, nil, nil, nil, nil, 0) == 1 } ?? true)
            && PQpipelineSync(handle) == 1
        // A connection that could not queue is broken or still in pipeline mode: the pool discards it.
        guard queued else { throw connectionError() }
        // Each query's result then nil, in order, then the pipeline's end.
        let queries = (begin == nil ? 0 : 1) + statements.count + (commit == nil ? 0 : 1)
        let first = begin == nil ? 0 : 1
        var answers = 0
        var ends = 0
        var rows: [PostgresRows] = []
        var failure: PostgresError?
        reading: while true {
            guard let result = PQgetResult(handle) else {
                ends += 1
                if ends > queries || isBroken {
                    failure = failure ?? connectionError()
                    break reading
                }
                continue
            }
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_PIPELINE_SYNC:
                break reading
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
                if answers >= first, rows.count < statements.count { rows.append(Self.copyRows(result)) }
                answers += 1
            case PGRES_PIPELINE_ABORTED:
                answers += 1
            default:
                answers += 1
                failure = failure ?? PostgresError(result: result, connection: handle)
            }
        }
        guard PQexitPipelineMode(handle) == 1 else { throw failure ?? connectionError() }
        if let failure { throw failure }
        guard rows.count == statements.count, answers == queries else { throw connectionError() }
        return rows
    }

    private func connectionError() -> PostgresError {
        PostgresError(code: .connectionLost, message: String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines())
    }

    private static func copyRows(_ result: OpaquePointer) -> PostgresRows {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        var columns: [PostgresRows.Column] = []
        columns.reserveCapacity(columnCount)
        for column in 0..<columnCount {
            columns.append(.init(name: String(cString: PQfname(result, Int32(column))), type: PQftype(result, Int32(column))))
        }
        var values: [String?] = []
        values.reserveCapacity(rowCount * columnCount)
        for row in 0..<rowCount {
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, Int32(row), Int32(column))))
                }
            }
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return PostgresRows(columns: columns, values: values, affectedRows: affected)
    }
}

public struct PostgresNotification: Sendable, Hashable {
    public var channel: String
    public var payload: String
    public var processID: Int32
}

private func withCStringArray<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    withOptionalCStringArray(strings) { pointers in
        body(pointers + [nil])
    }
}

/// libpq wants C strings that live for the call; strdup'd copies are freed after it.
private func withOptionalCStringArray<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.flatMap { strdup($0) } }
    defer { copies.forEach { free($0) } }
    return body(copies.map { $0.map { UnsafePointer($0) } })
}
