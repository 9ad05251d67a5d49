import Domain
import Foundation
import Logging
import Notices

/// Everything the server needs to start, read once from flags and the environment.
public struct AppConfig: Sendable {
    public var host: String
    public var port: Int
    /// A libpq URL; nil runs the embedded PostgreSQL in `dataDirectory/postgres`.
    public var databaseURL: String?
    /// A libpq URL that reaches PostgreSQL directly, for what needs a session of
    /// its own: the LISTEN connection and the migrator's advisory lock. Set it
    /// when `databaseURL` goes through a pooler in transaction mode (PgBouncer),
    /// which would hand those statements to a different server connection each
    /// time; nil means `databaseURL`.
    public var databaseDirectURL: String?
    public var dataDirectory: URL
    public var databasePoolSize: Int
    public var databaseAcquireTimeout: Duration
    public var usePreparedStatements: Bool
    /// Base of the links printed on posters and sent to customers (https://host);
    /// nil means the address the server listens on.
    public var configuredPublicBaseURL: String?
    /// Without a trailing slash, so every link is `publicBaseURL + "/path"`.
    public var publicBaseURL: String {
        guard let configured = configuredPublicBaseURL else { return "http://\(host):\(port)" }
        return configured.hasSuffix("/") ? String(configured.dropLast()) : configured
    }
    public var logLevel: Logger.Level
    /// Apply pending sql/ migrations before serving.
    public var migrateOnStart: Bool
    /// bcrypt work factor for staff passwords (tests lower it to stay fast).
    public var bcryptCost: UInt8 = 12
    /// Behind a reverse proxy: take the client's address from the last
    /// X-Forwarded-For entry (the one the proxy appended) for the sign-in rate limit.
    public var trustForwardedFor = false
    /// A live-update stream (server-sent events) is closed after this long and the
    /// browser reconnects: every connection stays bounded (tests shorten it).
    public var liveStreamLimit: Duration = .seconds(300)
    /// A picking task held this long without progress goes back to the queue.
    public var claimTimeout: Double = 600
    /// The time the server runs on: the system's, except under the day simulator.
    public var clock: WallClock = .system
    /// Run the periodic jobs on their timers (sweeps, reminders, e-mail). The simulator
    /// turns them off and runs `ServerJobs.runOnce()` as its clock moves.
    public var runsPeriodicJobs = true
    /// Told the port once the server listens (with `port` 0, the one the system chose).
    public var serverRunning: (@Sendable (_ port: Int) -> Void)?
    /// The SMTP server notices are e-mailed through (`smtp://host:port`); nil turns e-mail
    /// off, and notices are then only shown on order pages.
    public var smtpURL: String?
    /// The sender of those e-mails (an address of the store's domain, e.g. commandes@example.org).
    public var mailFrom: String?

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        databaseURL: String? = nil,
        databaseDirectURL: String? = nil,
        dataDirectory: URL = URL(fileURLWithPath: ".creneau"),
        databasePoolSize: Int = 10,
        databaseAcquireTimeout: Duration = .seconds(3),
        usePreparedStatements: Bool = true,
        publicBaseURL: String? = nil,
        logLevel: Logger.Level = .info,
        migrateOnStart: Bool = true
    ) {
        self.host = host
        self.port = port
        self.databaseURL = databaseURL
        self.databaseDirectURL = databaseDirectURL
        self.dataDirectory = dataDirectory
        self.databasePoolSize = databasePoolSize
        self.databaseAcquireTimeout = databaseAcquireTimeout
        self.usePreparedStatements = usePreparedStatements
        self.configuredPublicBaseURL = publicBaseURL
        self.logLevel = logLevel
        self.migrateOnStart = migrateOnStart
    }

    /// Defaults overridden by CRENEAU_* and DATABASE_URL environment variables.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> AppConfig {
        let host = environment["CRENEAU_HOST"] ?? "127.0.0.1"
        let port = environment["CRENEAU_PORT"].flatMap(Int.init) ?? 8080
        return AppConfig(
            host: host,
            port: port,
            databaseURL: environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 },
            databaseDirectURL: environment["CRENEAU_DB_DIRECT_URL"].flatMap { $0.isEmpty ? nil : $0 },
            dataDirectory: URL(fileURLWithPath: environment["CRENEAU_DATA_DIR"] ?? ".creneau"),
            databasePoolSize: environment["CRENEAU_DB_POOL_SIZE"].flatMap(Int.init) ?? 10,
            databaseAcquireTimeout: .milliseconds(environment["CRENEAU_DB_ACQUIRE_TIMEOUT_MS"].flatMap(Int.init) ?? 3000),
            usePreparedStatements: environment["CRENEAU_DB_PREPARED_STATEMENTS"] != "off",
            publicBaseURL: environment["CRENEAU_PUBLIC_URL"],
            logLevel: environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        ).with {
            $0.trustForwardedFor = environment["CRENEAU_TRUST_X_FORWARDED_FOR"] == "1"
            if let seconds = environment["CRENEAU_CLAIM_TIMEOUT_SECONDS"].flatMap(Double.init), seconds >= 0 { $0.claimTimeout = seconds }
            $0.smtpURL = environment["CRENEAU_SMTP_URL"].flatMap { $0.isEmpty ? nil : $0 }
            $0.mailFrom = environment["CRENEAU_MAIL_FROM"].flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// The notices' mailer, nil when e-mail is off; a setting that cannot work stops the
    /// start with a message saying which one.
    public func mailer() throws -> Mailer? {
        guard let smtpURL else { return nil }
        guard let smtp = SMTPConfiguration(url: smtpURL) else {
            throw ConfigurationError("CRENEAU_SMTP_URL must look like smtp://host:port, not \"\(smtpURL)\"")
        }
        guard let from = mailFrom.flatMap(MailAddress.init) else {
            throw ConfigurationError("CRENEAU_MAIL_FROM must be the sender's e-mail address when CRENEAU_SMTP_URL is set")
        }
        return Mailer(client: SMTPClient(smtp), from: from)
    }

    func with(_ change: (inout AppConfig) -> Void) -> AppConfig {
        var copy = self
        change(&copy)
        return copy
    }
}

/// A setting the server cannot start with.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
