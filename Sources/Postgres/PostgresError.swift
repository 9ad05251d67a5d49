import CLibPQ

/// Every failure the Postgres module reports. `code` is what callers react
/// to; the SQLSTATE and server fields are there for logs and for mapping
/// a constraint name to a domain error.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        case uniqueViolation
        case checkViolation
        case foreignKeyViolation
        case notNullViolation
        case serializationFailure
        case deadlock
        case lockNotAvailable
        case queryCanceled
        /// The connection broke mid-use; whether the statement ran is unknown.
        case connectionLost
        /// No connection could be opened (server down, wrong address or password).
        case connectionFailed
        /// Every pooled connection stayed busy past the acquire timeout.
        case poolTimeout
        case poolClosed
        case decoding
        case unexpectedResult
        case server
    }

    public var code: Code
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var constraint: String?
    public var table: String?
    public var column: String?

    public init(
        code: Code, sqlState: String? = nil, message: String, detail: String? = nil,
        constraint: String? = nil, table: String? = nil, column: String? = nil
    ) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.constraint = constraint
        self.table = table
        self.column = column
    }

    /// Transient by nature: running the same transaction again can succeed.
    public var isRetryableTransactionFailure: Bool {
        code == .serializationFailure || code == .deadlock
    }

    /// The database could not serve the request; the caller may try later.
    public var isUnavailable: Bool {
        code == .poolTimeout || code == .connectionFailed || code == .connectionLost || code == .poolClosed
    }

    public var description: String {
        var text = "PostgresError(\(code)"
        if let sqlState { text += ", \(sqlState)" }
        text += "): \(message)"
        if let detail { text += " (\(detail))" }
        if let constraint { text += " [constraint \(constraint)]" }
        return text
    }

    static func code(forSQLState state: String) -> Code {
        switch state {
        case "23505": .uniqueViolation
        case "23514": .checkViolation
        case "23503": .foreignKeyViolation
        case "23502": .notNullViolation
        case "40001": .serializationFailure
        case "40P01": .deadlock
        case "55P03": .lockNotAvailable
        case "57014": .queryCanceled
        // admin_shutdown, crash_shutdown, cannot_connect_now, connection exceptions
        case "57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004": .connectionLost
        default: .server
        }
    }

    /// Reads the fields of a failed result.
    init(result: OpaquePointer, connection: OpaquePointer) {
        func field(_ code: Character) -> String? {
            guard let pointer = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: pointer)
        }
        let state = field("C")
        var message = field("M") ?? String(cString: PQresultErrorMessage(result)).trimmingTrailingNewlines()
        if message.isEmpty { message = String(cString: PQerrorMessage(connection)).trimmingTrailingNewlines() }
        var code = state.map(Self.code(forSQLState:)) ?? .connectionLost
        if PQstatus(connection) == CONNECTION_BAD { code = .connectionLost }
        self.init(
            code: code, sqlState: state, message: message, detail: field("D"),
            constraint: field("n"), table: field("t"), column: field("c")
        )
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while text.last == "\n" { text.removeLast() }
        return text
    }
}
