import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
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
