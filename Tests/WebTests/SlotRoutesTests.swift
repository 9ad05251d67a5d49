import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
import Slots
import Testing
import TestSupport
import Web

@Suite("Slot offers and planning routes", .serialized)
struct SlotRoutesTests {
    static let timeZone = "Europe/Paris"

    /// A demo store seeded through the slot service, as `creneau seed --demo` does.
    static func seedStore(_ pool: PostgresPool) async throws {
        let storeID = try await pool.query("""
            INSERT INTO stores (slug, name, time_zone, slot_fee_cents) VALUES ('drive-test', 'Drive Test', \(timeZone), 200)
            RETURNING store_id
            """).single().decode(Int64.self, "store_id")
        for weekday in Int32(1)...6 {
            try await pool.query("INSERT INTO store_hours (store_id, weekday, opens, closes) VALUES (\(storeID), \(weekday), '08:30', '20:30')")
        }
        var logger = Logger(label: "creneau.test")
        logger.logLevel = .warning
        try await SlotService(pool: pool, logger: logger).seedDemo(storeID: storeID)
    }

    static func day(_ offset: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone)!
        let date = calendar.date(byAdding: .day, value: offset, to: Date())!
        let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// The next day (from tomorrow) that is not a Sunday, when the test store is closed.
    static func openDay() -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone)!
        for offset in 1...3 {
            let date = calendar.date(byAdding: .day, value: offset, to: Date())!
            if calendar.component(.weekday, from: date) != 1 { return day(offset) }
        }
        return day(1)
    }

    func withApp(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await TestDatabase.withSchema { db in
            try await Self.seedStore(db.pool)
            let app = try await buildApplication(HealthTests.config(db.configuration.conninfo))
            try await app.test(.router, body)
        }
    }

    @Test("offers for a day: 200 with every slot, its fee, remaining capacity, busyness and wait")
    func offers() async throws {
        try await withApp { client in
            try await client.execute(uri: "/api/stores/drive-test/slots?date=\(Self.openDay())", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let decoder = JSONDecoder()
                decoder.dateDecodingStrategy = .iso8601
                let offers = try decoder.decode([SlotOffer].self, from: Data(String(buffer: response.body).utf8))
                #expect(offers.count == 48)
                #expect(offers.allSatisfy { $0.feeCents == 200 && ["low", "medium", "high"].contains($0.busyness) })
                #expect(offers.contains { $0.available && $0.remainingOrders > 0 })
            }
        }
    }

    @Test("bad or missing date 400, outside the horizon 422, unknown store 404")
    func refusals() async throws {
        try await withApp { client in
            for uri in ["/api/stores/drive-test/slots", "/api/stores/drive-test/slots?date=demain", "/api/stores/drive-test/slots?date=2026-02-30", "/api/stores/drive-test/slots?date=0000-02-05"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
            }
            for date in [Self.day(30), Self.day(-2)] {
                try await client.execute(uri: "/api/stores/drive-test/slots?date=\(date)", method: .get) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(String(buffer: response.body).contains("outside-horizon"))
                }
            }
            try await client.execute(uri: "/api/stores/nowhere/slots?date=\(Self.day(1))", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/stores/nowhere/planning", method: .get, headers: [.accept: "text/html"]) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/stores/drive-test/planning?days=99", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test("the planning page renders the week's heatmap without JavaScript")
    func planningPage() async throws {
        try await withApp { client in
            try await client.execute(uri: "/stores/drive-test/planning", method: .get, headers: [.accept: "text/html"]) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("<table class=\"heatmap\">"))
                #expect(html.contains("Planning de fréquentation"))
                #expect(html.contains("class=\"level-high\""))
                #expect(html.contains("class=\"level-low\""))
                #expect(html.contains("min</span>"))
                #expect(html.contains("Fermé"))  // Sundays
                #expect(html.components(separatedBy: "<th scope=\"row\">").count - 1 == 7)
                #expect(!html.contains("<script"))
            }
            try await client.execute(uri: "/api/stores/drive-test/planning?from=\(Self.day(0))&days=7", method: .get) { response in
                #expect(response.status == .ok)
                let planning = try JSONDecoder().decode(Planning.self, from: Data(String(buffer: response.body).utf8))
                #expect(planning.days.count == 7)
                #expect(planning.days.filter(\.closed).count == 1)
            }
        }
    }
}
