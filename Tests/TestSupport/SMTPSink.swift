import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real SMTP server (aiosmtpd, Tests/mail/smtp_sink.py) in a child process, and what
/// reached it. Recipients named reject…@ are refused with 550, tempfail…@ with 451.
public final class SMTPSink: @unchecked Sendable {
    /// One accepted message, as Python's email package read it.
    public struct Message: Decodable, Sendable {
        public var mailFrom: String
        public var rcptTos: [String]
        public var raw: String
        public var headers: [String: String]
        /// The Subject header as sent (encoded words), and decoded.
        public var rawSubject: String
        public var subject: String
        /// The body decoded (quoted-printable and charset undone), with LF line ends.
        public var body: String
        public var charset: String?
        public var helo: String?
    }

    public enum Behaviour: Sendable {
        case normal
        /// Answers EHLO with 502, like a server from before ESMTP.
        case noEHLO
        /// Accepts connections and never answers (a hung server).
        case silent

        var options: [String] {
            switch self {
            case .normal: []
            case .noEHLO: ["--no-ehlo"]
            case .silent: ["--silent"]
            }
        }
    }

    public let directory: URL
    public private(set) var port: Int
    private var process: Process?
    private let options: [String]

    /// A sink for the duration of `body`, closed afterwards whatever happens.
    public static func with<T: Sendable>(_ behaviour: Behaviour = .normal, _ body: (SMTPSink) async throws -> T) async throws -> T {
        let sink = try await start(behaviour)
        defer { sink.close() }
        return try await body(sink)
    }

    /// Starts a sink on a free port; `stop` then `restart` bring it back on the same one.
    public static func start(_ behaviour: Behaviour = .normal) async throws -> SMTPSink {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("creneau-smtp-\(UUID().uuidString)")
        let sink = SMTPSink(directory: directory, port: 0, options: behaviour.options)
        try await sink.restart()
        return sink
    }

    private init(directory: URL, port: Int, options: [String]) {
        self.directory = directory
        self.port = port
        self.options = options
    }

    static var python: URL { TestDatabase.repositoryRoot.appendingPathComponent(".venv/bin/python") }

    /// Starts the server again (on the same port and folder) after `stop`.
    public func restart() async throws {
        let python = Self.python
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw SinkError("the test virtualenv is missing (\(python.path)): run scripts/install-deps.sh test")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ready = directory.appendingPathComponent("ready")
        try? FileManager.default.removeItem(at: ready)
        let process = Process()
        process.executableURL = python
        process.arguments = [
            TestDatabase.repositoryRoot.appendingPathComponent("Tests/mail/smtp_sink.py").path,
            "--dir", directory.path, "--port", String(port),
        ] + options
        // A file, not a pipe: a pipe nobody reads would block the server once full.
        let log = directory.appendingPathComponent("stderr.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        self.process = process
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: ready, encoding: .utf8), let bound = Int(text) {
                port = bound
                return
            }
            if !process.isRunning {
                let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                if output.contains("No module named 'aiosmtpd'") {
                    throw SinkError("aiosmtpd is missing from .venv: run scripts/install-deps.sh test")
                }
                throw SinkError("the SMTP sink did not start: \(output)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(process.processIdentifier, SIGKILL)
        throw SinkError("the SMTP sink did not start within 20 s")
    }

    /// Stops the server; the port refuses connections until `restart`.
    public func stop() {
        guard let process, process.isRunning else { return }
        // SIGKILL, not terminate(): a child started from a test's worker thread inherits its
        // blocked signals, SIGTERM among them, and would never exit.
        kill(process.processIdentifier, SIGKILL)
        _ = process.waitForExit()
        self.process = nil
    }

    /// Every message accepted so far, in arrival order.
    public func messages() throws -> [Message] {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try files.map { file in
            var message = try decoder.decode(Message.self, from: Data(contentsOf: file))
            message.body = message.body.replacingOccurrences(of: "\r\n", with: "\n")
            return message
        }
    }

    /// Stops the server and removes what it received.
    public func close() {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    deinit {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    public struct SinkError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
