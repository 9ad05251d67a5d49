import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
import Synchronization
import Testing
import TestSupport
import Web

@Suite("Health, metrics and errors")
struct HealthTests {
    static func config(_ conninfo: String) -> AppConfig {
        AppConfig(databaseURL: conninfo, databasePoolSize: 2, logLevel: .warning, migrateOnStart: false)
    }

    @Test("/healthz answers 200 when the database answers")
    func healthy() async throws {
        try await TestDatabase.withSchema { db in
            let app = try await buildApplication(Self.config(db.configuration.conninfo))
            try await app.test(.router) { client in
                try await client.execute(uri: "/healthz", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
                }
            }
        }
    }

    @Test("/healthz answers 503 with Retry-After when the database is unreachable")
    func unhealthy() async throws {
        let app = try await buildApplication(Self.config("host=/nonexistent-creneau dbname=none"))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "1")
            }
        }
    }

    @Test("/metrics exposes request counts, latency histograms and pool figures in Prometheus text")
    func metrics() async throws {
        try await TestDatabase.withSchema { db in
            let app = try await buildApplication(Self.config(db.configuration.conninfo))
            try await app.test(.router) { client in
                for _ in 0..<3 { try await client.execute(uri: "/healthz", method: .get) { _ in } }
                try await client.execute(uri: "/metrics", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                    let text = String(buffer: response.body)
                    #expect(text.contains(#"hb_requests{http_route="/healthz",http_request_method="GET",http_response_status_code="200"}"#))
                    #expect(text.contains("http_server_request_duration_bucket{"))
                    #expect(text.contains("creneau_db_pool_acquire_bucket"))
                    #expect(text.contains("creneau_db_pool_idle_connections"))
                }
            }
        }
    }

    @Test("each request is logged once with its route template, status and time, never with the URL it came to")
    func accessLog() async throws {
        try await TestDatabase.withSchema { db in
            let records = CapturedLog()
            var config = Self.config(db.configuration.conninfo)
            config.logLevel = .info
            let app = try await buildApplication(config, logger: Logger(label: "test") { _ in records.handler() })
            let secret = "Zq3" + String(repeating: "x", count: 40)
            let requests: [(uri: String, route: String, status: Int)] = [
                ("/healthz", "/healthz", 200),
                ("/api/orders/\(secret)", "/api/orders/{link}", 404),
                ("/o/\(secret)", "/o/{link}", 404),
                ("/static/app.css", "FileMiddleware", 200),
                ("/no/such/\(secret)", "(no route)", 404),
            ]
            try await app.test(.router) { client in
                for sent in requests {
                    records.clear()
                    try await client.execute(uri: sent.uri, method: .get) { response in #expect(Int(response.status.code) == sent.status) }
                    let lines = records.entries.filter { $0.message == "request" }
                    #expect(lines.count == 1, "\(sent.uri)")
                    #expect(lines.first?.metadata["route"] == sent.route, "\(sent.uri)")
                    #expect(lines.first?.metadata["status"] == String(sent.status), "\(sent.uri)")
                    #expect(lines.first?.metadata["method"] == "GET")
                    #expect(lines.first.flatMap { $0.metadata["ms"].flatMap(Double.init) }.map { $0 >= 0 } == true)
                    #expect(records.entries.allSatisfy { !$0.text.contains(secret) }, "the secret of \(sent.uri) reached the log")
                }
            }
            // Under the access log's level, nothing is formatted nor written.
            config.logLevel = .notice
            let quiet = try await buildApplication(config, logger: Logger(label: "test") { _ in records.handler() })
            records.clear()
            try await quiet.test(.router) { client in try await client.execute(uri: "/healthz", method: .get) { _ in } }
            #expect(records.entries.filter { $0.message == "request" }.isEmpty)
        }
    }

    @Test("an unknown route is a problem+json 404 for API clients and a page for browsers")
    func notFound() async throws {
        try await TestDatabase.withSchema { db in
            let app = try await buildApplication(Self.config(db.configuration.conninfo))
            try await app.test(.router) { client in
                try await client.execute(uri: "/api/nothing-here", method: .get) { response in
                    #expect(response.status == .notFound)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    let body = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
                    #expect(body?["status"] as? Int == 404)
                    #expect(body?["title"] as? String == "Not Found")
                }
                try await client.execute(uri: "/nothing-here", method: .get, headers: [.accept: "text/html"]) { response in
                    #expect(response.status == .notFound)
                    #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                    #expect(String(buffer: response.body).contains("<h1>Not Found</h1>"))
                }
            }
        }
    }
}

/// What the log handlers of a test were given, for tests that read the log.
final class CapturedLog: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
        var text: String { "\(message) \(metadata)" }
    }

    private let stored = Mutex<[Entry]>([])
    var entries: [Entry] { stored.withLock { $0 } }
    func clear() { stored.withLock { $0 = [] } }
    func append(_ entry: Entry) { stored.withLock { $0.append(entry) } }

    /// A handler writing here, with a level and metadata of its own as any handler has.
    func handler() -> Handler { Handler(log: self) }

    struct Handler: LogHandler {
        let log: CapturedLog
        var logLevel: Logger.Level = .info
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            let all = self.metadata.merging(metadata ?? [:]) { $1 }
            log.append(Entry(level: level, message: message.description, metadata: all.mapValues { $0.description }))
        }
    }
}
