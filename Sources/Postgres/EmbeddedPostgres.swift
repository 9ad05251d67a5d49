import Foundation
import Logging
import NIOPosix
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL cluster for local runs and tests, made with the
/// system's own initdb and pg_ctl. It lives in one folder, listens on a Unix
/// socket in that folder only (no TCP), and is reused from run to run.
///
/// initdb refuses to run as root, so as root the server processes run as the
/// `postgres` system user (which owns the folder); root can still reach the
/// socket. Any other user runs them as itself.
public struct EmbeddedPostgres: Sendable {
    public let directory: URL
    public let databaseName: String
    /// Extra `postgres -c name=value` settings, e.g. more connections for a test run.
    public let settings: [String: String]
    private let binDirectory: URL
    private let logger: Logger

    /// The superuser made by initdb; trust auth is safe because only the
    /// folder's owner (and root) can reach the socket.
    public static let userName = "creneau"

    public init(
        directory: URL, databaseName: String = "creneau", settings: [String: String] = [:],
        logger: Logger = Logger(label: "creneau.embedded-postgres")
    ) throws {
        self.databaseName = databaseName
        self.settings = settings
        self.binDirectory = try Self.findBinDirectory()
        self.logger = logger
        self.directory = Self.directoryReachableByServer(directory.standardizedFileURL, logger: logger)
    }

    /// As root the server runs as `postgres`, which cannot enter a private
    /// parent folder such as /root: the cluster then lives under
    /// /var/lib/creneau instead, named after the folder asked for, and the
    /// log says where.
    static func directoryReachableByServer(_ directory: URL, logger: Logger) -> URL {
        guard geteuid() == 0 else { return directory }
        var ancestor = directory.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: ancestor.path), ancestor.path != "/" {
            ancestor = ancestor.deletingLastPathComponent()
        }
        if (try? run("/usr/sbin/runuser", ["-u", "postgres", "--", "test", "-x", ancestor.path])) != nil { return directory }
        let name = directory.path.split(separator: "/").joined(separator: "_")
        let fallback = URL(fileURLWithPath: "/var/lib/creneau").appendingPathComponent(name)
        logger.notice("the postgres user cannot reach \(directory.path); the embedded cluster lives in \(fallback.path)")
        return fallback
    }

    var dataDirectory: URL { directory.appendingPathComponent("data") }
    var logFile: URL { directory.appendingPathComponent("postgres.log") }

    /// libpq connection string for the cluster's socket.
    public var conninfo: String {
        "host='\(directory.path)' user=\(Self.userName) dbname=\(databaseName)"
    }

    public var isInitialized: Bool {
        FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path)
    }

    /// Creates the cluster if needed, starts it unless it already runs (a
    /// server killed with SIGKILL leaves it running: it is simply reused) and
    /// creates the database. Returns when it accepts connections.
    public func start() throws {
        try prepareDirectory()
        if !isInitialized {
            logger.info("creating a PostgreSQL cluster", metadata: ["directory": "\(dataDirectory.path)"])
            try runAsOwner("initdb", [
                "-D", dataDirectory.path, "-U", Self.userName, "--auth=trust",
                "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions",
            ])
        }
        if !isRunning {
            try runAsOwner("pg_ctl", [
                "-D", dataDirectory.path, "-l", logFile.path, "-w", "-t", "60",
                "-o", (["-c listen_addresses='' -k '\(directory.path)' -c unix_socket_permissions=0700"]
                    + settings.sorted { $0.key < $1.key }.map { "-c \($0.key)=\($0.value)" }).joined(separator: " "),
                "start",
            ])
        }
        try createDatabaseIfMissing()
    }

    /// Fast shutdown: open transactions roll back, committed data stays.
    public func stop() throws {
        guard isRunning else { return }
        try runAsOwner("pg_ctl", ["-D", dataDirectory.path, "-m", "fast", "-w", "-t", "60", "stop"])
    }

    /// Stops the server the hard way, as a crash or power cut would.
    public func kill() throws {
        guard let pid = postmasterPID else { return }
        Glibc.kill(pid, SIGKILL)
        let deadline = Date().addingTimeInterval(10)
        while Glibc.kill(pid, 0) == 0, Date() < deadline { usleep(20_000) }
    }

    public var isRunning: Bool {
        guard isInitialized else { return false }
        return (try? runAsOwner("pg_ctl", ["-D", dataDirectory.path, "status"])) != nil
    }

    var postmasterPID: pid_t? {
        guard let text = try? String(contentsOf: dataDirectory.appendingPathComponent("postmaster.pid"), encoding: .utf8),
              let first = text.split(separator: "\n").first
        else { return nil }
        return pid_t(first)
    }

    private func createDatabaseIfMissing() throws {
        let exists = try runAsOwner("psql", [
            "-h", directory.path, "-U", Self.userName, "-d", "postgres", "-tAc",
            "SELECT 1 FROM pg_database WHERE datname = '\(databaseName.replacingOccurrences(of: "'", with: "''"))'",
        ])
        if exists.trimmingCharacters(in: .whitespacesAndNewlines) != "1" {
            try runAsOwner("createdb", ["-h", directory.path, "-U", Self.userName, databaseName])
        }
    }

    private var runsAsRoot: Bool { geteuid() == 0 }

    private func prepareDirectory() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        guard runsAsRoot else {
            chmod(directory.path, 0o700)
            return
        }
        guard getpwnam("postgres") != nil else {
            throw EmbeddedPostgresError("running as root needs the `postgres` system user to own the cluster: apt-get install postgresql, or set DATABASE_URL")
        }
        try Self.run("/bin/chown", ["-R", "postgres:postgres", directory.path])
        chmod(directory.path, 0o700)
    }

    @discardableResult
    private func runAsOwner(_ tool: String, _ arguments: [String]) throws -> String {
        let executable = binDirectory.appendingPathComponent(tool).path
        if runsAsRoot {
            return try Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", executable] + arguments)
        }
        return try Self.run(executable, arguments)
    }

    /// Runs a tool to completion and returns its output. posix_spawn and a
    /// blocking waitpid, with output in a temporary file: unlike Foundation's
    /// Process this needs no other thread to notice the exit, so it is safe
    /// wherever it is called from, and a daemon the tool leaves behind
    /// (postgres from pg_ctl) cannot hold a pipe open.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("creneau-cmd-\(UUID().uuidString)").path
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw EmbeddedPostgresError("\(executable) could not start: \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // WIFEXITED and WEXITSTATUS are macros Swift cannot import.
        let exitedNormally = status & 0x7F == 0
        guard exitedNormally, (status >> 8) & 0xFF == 0 else {
            throw EmbeddedPostgresError("\(URL(fileURLWithPath: executable).lastPathComponent) failed: \(text.trimmingTrailingNewlines())")
        }
        return text
    }

    /// pg_config --bindir, else the newest /usr/lib/postgresql/<version>/bin.
    static func findBinDirectory() throws -> URL {
        let fileManager = FileManager.default
        var candidates: [String] = []
        for pgConfig in ["/usr/bin/pg_config", "/usr/local/bin/pg_config"] where fileManager.isExecutableFile(atPath: pgConfig) {
            if let bin = try? run(pgConfig, ["--bindir"]) { candidates.append(bin.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        let versions = (try? fileManager.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            candidates.append("/usr/lib/postgresql/\(version)/bin")
        }
        for candidate in candidates where fileManager.isExecutableFile(atPath: candidate + "/initdb") {
            return URL(fileURLWithPath: candidate)
        }
        throw EmbeddedPostgresError("PostgreSQL server is not installed: apt-get install postgresql (or set DATABASE_URL)")
    }
}

/// The same operations for async code: initdb and pg_ctl block for seconds,
/// so they run on NIO's blocking pool, never on the cooperative threads.
extension EmbeddedPostgres {
    public func start() async throws {
        try await NIOThreadPool.singleton.runIfActive { try self.start() }
    }

    public func stop() async throws {
        try await NIOThreadPool.singleton.runIfActive { try self.stop() }
    }

    public func kill() async throws {
        try await NIOThreadPool.singleton.runIfActive { try self.kill() }
    }
}

public struct EmbeddedPostgresError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// Stops the embedded cluster when the service group shuts down; listed
/// first, it stops last, after the server and the pool are done.
public struct EmbeddedPostgresService: Service {
    let database: EmbeddedPostgres
    let logger: Logger

    public init(_ database: EmbeddedPostgres, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    public func run() async throws {
        try? await gracefulShutdown()
        do {
            try await database.stop()
            logger.info("embedded PostgreSQL stopped")
        } catch {
            logger.error("embedded PostgreSQL did not stop: \(error)")
        }
    }
}
