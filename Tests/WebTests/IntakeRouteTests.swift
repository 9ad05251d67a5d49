import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
import Testing
import TestSupport
@testable import Web

@Suite("Intake routes")
struct IntakeRouteTests {
    static func app(_ db: TestSchema) async throws -> some ApplicationProtocol {
        try await buildApplication(AppConfig(databaseURL: db.configuration.conninfo, databasePoolSize: 3, publicBaseURL: "https://creneau.example", logLevel: .warning, migrateOnStart: false))
    }

    @Test("the OpenAPI document describes exactly the API routes the router serves")
    func openAPIMatchesRoutes() async throws {
        try await TestDatabase.withSchema { db in
            let config = AppConfig(databaseURL: db.configuration.conninfo, logLevel: .warning, migrateOnStart: false)
            let dependencies = try await AppDependencies.make(config, conninfo: db.configuration.conninfo, logger: Logger(label: "test"))
            let served = Set(buildRouter(dependencies).routes
                .filter { $0.path.description.hasPrefix("/api/") }
                .map { route in
                    let path = route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
                    return "\(route.method.rawValue.lowercased()) /" + path.joined(separator: "/")
                })
            let document = try JSONSerialization.jsonObject(with: try OpenAPIDocument.data()) as? [String: Any]
            #expect(document?["openapi"] as? String == "3.1.0")
            let paths = document?["paths"] as? [String: [String: Any]] ?? [:]
            let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0) \(path)" } })
            #expect(served.subtracting(documented).sorted() == [], "served but not documented")
            #expect(documented.subtracting(served).sorted() == [], "documented but not served")
            try await dependencies.pool.close()
        }
    }

    @Test("the public base URL has no trailing slash, configured or derived")
    func publicBaseURL() {
        #expect(AppConfig(publicBaseURL: "https://creneau.example/").publicBaseURL == "https://creneau.example")
        #expect(AppConfig(publicBaseURL: "https://creneau.example").publicBaseURL == "https://creneau.example")
        #expect(AppConfig(host: "0.0.0.0", port: 9000).publicBaseURL == "http://0.0.0.0:9000")
    }

    @Test("pages and error answers carry the security headers, and /openapi.json is served")
    func headers() async throws {
        try await TestDatabase.withSchema { db in
            _ = try await CatalogFixture.make(db.pool)
            try await Self.app(db).test(.router) { client in
                try await client.execute(uri: "/stores/test-store/shelves/rayon-test", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
                    #expect(response.headers[.contentSecurityPolicy]?.contains("unsafe-inline") == false)
                    #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                    #expect(response.headers[.xContentTypeOptions] == "nosniff")
                    #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                    #expect(String(buffer: response.body).contains("Pâtes « fusilli » &amp; co"))
                }
                // Error answers too, page or problem.
                for (uri, accept) in [("/no/such/page", "text/html"), ("/api/stores/no-such-store/basket", "application/json")] {
                    try await client.execute(uri: uri, method: .get, headers: [.accept: accept]) { response in
                        #expect(response.status.code >= 400)
                        #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true, "\(uri)")
                        #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(uri)")
                    }
                }
                try await client.execute(uri: "/openapi.json", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("\"openapi\""))
                }
            }
        }
    }

    @Test("the scan page records every scan and shows the product as it is now, though equal pages are rendered once")
    func scanPageIsCurrent() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await CatalogFixture.make(db.pool)
            try await Self.app(db).test(.router) { client in
                func page() async throws -> String {
                    try await client.execute(uri: "/s/\(fixture.codes[0])", method: .get) { response in
                        #expect(response.status == .ok)
                        #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                        return String(buffer: response.body)
                    }
                }
                let first = try await page()
                #expect(first.contains("Lait demi-écrémé") && first.contains("1,09") && first.contains("Disponible dans ce magasin"))
                #expect(try await page() == first)
                try await db.pool.query("UPDATE store_products SET stock_on_hand = reserved + 2, price_cents = 119 WHERE product_id = \(fixture.productIDs[0])")
                let changed = try await page()
                #expect(changed.contains("Plus que 2 en stock") && changed.contains("1,19") && !changed.contains("1,09"))
                try await db.pool.query("UPDATE store_products SET stock_on_hand = reserved WHERE product_id = \(fixture.productIDs[0])")
                #expect(try await page().contains("Épuisé dans ce magasin"))
                // The shelf's cards say the same: few left by number, plenty as "En stock".
                try await client.execute(uri: "/stores/\(fixture.slug)/shelves/\(fixture.shelfSlug)", method: .get) { response in
                    let shelf = String(buffer: response.body)
                    #expect(response.status == .ok)
                    #expect(shelf.contains("Plus que 1 en stock") && shelf.contains("En stock</span>"))
                }
            }
            #expect(try await db.pool.query("SELECT count(*) AS n FROM scans WHERE product_id = \(fixture.productIDs[0])").single().decode(Int.self, "n") == 4)
        }
    }

    @Test("bad input gets a 4xx problem+json and changes nothing")
    func badInput() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await CatalogFixture.make(db.pool)
            try await Self.app(db).test(.router) { client in
                func expectProblem(_ uri: String, _ method: HTTPRequest.Method, headers: HTTPFields = [:], body: String? = nil, status: HTTPResponse.Status) async throws {
                    try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
                        #expect(response.status == status, "\(method) \(uri)")
                        #expect(response.headers[.contentType] == "application/problem+json", "\(method) \(uri)")
                    }
                }
                try await expectProblem("/api/scans/nope", .get, status: .notFound)
                try await expectProblem("/api/stores/nowhere/baskets", .post, status: .notFound)
                try await expectProblem("/api/stores/test-store/basket", .get, status: .badRequest)
                try await expectProblem("/api/stores/test-store/basket", .get, headers: [HTTPField.Name("X-Basket-Token")!: "forged"], status: .notFound)
                var token = ""
                try await client.execute(uri: "/api/stores/test-store/baskets", method: .post) { response in
                    #expect(response.status == .created)
                    token = (try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any])?["token"] as? String ?? ""
                }
                let auth: HTTPFields = [HTTPField.Name("X-Basket-Token")!: token]
                let line = "/api/stores/test-store/basket/lines/\(fixture.productIDs[0])"
                try await expectProblem(line, .put, headers: auth, body: #"{"quantity": 100}"#, status: .badRequest)
                try await expectProblem(line, .put, headers: auth, body: #"{"quantity": "two"}"#, status: .badRequest)
                try await expectProblem(line, .put, headers: auth, body: "not json", status: .badRequest)
                try await expectProblem("/api/stores/test-store/basket/lines/999999", .put, headers: auth, body: #"{"quantity": 1}"#, status: .notFound)
                try await expectProblem("/api/stores/test-store/basket/lines/abc", .put, headers: auth, body: #"{"quantity": 1}"#, status: .notFound)
                try await expectProblem("/api/stores/test-store/basket/checkout", .post, headers: auth, body: #"{"name": "A", "phone": "0612345678"}"#, status: .badRequest)
                try await expectProblem("/api/stores/test-store/basket/checkout", .post,
                                        headers: auth.merging([HTTPField.Name("Idempotency-Key")!: "key-0001"]), body: #"{"name": "A", "phone": "0612345678"}"#, status: .unprocessableContent)
                try await expectProblem("/api/orders/not-a-link", .get, status: .notFound)
                try await expectProblem("/api/orders/\(String(repeating: "a", count: 43))", .get, status: .notFound)
                try await expectProblem("/api/stores/test-store/shelves/nope", .get, status: .notFound)
            }
            #expect(try await db.pool.query("SELECT count(*) AS n FROM basket_lines").single().decode(Int.self, "n") == 0)
            #expect(try await db.pool.query("SELECT count(*) AS n FROM orders").single().decode(Int.self, "n") == 0)
        }
    }
}

extension HTTPFields {
    func merging(_ other: HTTPFields) -> HTTPFields {
        var merged = self
        for field in other { merged.append(field) }
        return merged
    }
}
