import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Notices
import Orders
import Postgres
import Slots
import Testing
import TestSupport
@testable import Web

@Suite("Customer notices on the web")
struct NoticeRouteTests {
    static let monday = ISO8601DateFormatter().date(from: "2026-01-12T06:00:00Z")!

    /// An order of the test store for Monday 10:00 (Paris), placed through the real services.
    static func placeOrder(_ dependencies: AppDependencies, email: String?) async throws -> PlacedOrder {
        let catalog = try await CatalogFixture.make(dependencies.pool)
        let placedAt = monday.addingTimeInterval(-86_400)
        try await dependencies.slots.setTemplate(storeID: catalog.storeID, SlotTemplate())
        try await dependencies.slots.importRoster(
            storeID: catalog.storeID,
            csv: "staff,role,starts_at,ends_at\n" + ["P1,picker", "P2,picker", "C1,handover", "C2,handover"].map { $0 + ",2026-01-12 06:00,2026-01-12 20:00\n" }.joined(),
            now: placedAt
        )
        try await dependencies.slots.generateSlots(storeID: catalog.storeID, days: 2, now: placedAt)
        let slot = try #require(try await dependencies.slots.offers(storeID: catalog.storeID, date: "2026-01-12", now: placedAt)
            .first { $0.start == ISO8601DateFormatter().date(from: "2026-01-12T09:00:00Z")! })
        let (token, _) = try await dependencies.orders.createBasket(storeID: catalog.storeID)
        _ = try await dependencies.orders.add(storeID: catalog.storeID, token: token, productID: catalog.productIDs[1], quantity: 1)
        _ = try await dependencies.orders.chooseSlot(storeID: catalog.storeID, token: token, slotID: slot.slotID, now: placedAt)
        return try await dependencies.orders.placeOrder(
            storeID: catalog.storeID, token: token, contact: Contact(name: "Camille", phone: email == nil ? "06 12 34 56 78" : nil, email: email),
            idempotencyKey: UUID().uuidString, now: placedAt
        ).order
    }

    static func enqueue(_ event: NoticeEvent, _ order: PlacedOrder, storeID: Int64, at: Date, _ pool: PostgresPool) async throws {
        let written = try await pool.withTransaction { tx in
            try await NoticeOutbox.enqueue(event, storeID: storeID, orderID: order.orderID, at: at, in: tx)
        }
        #expect(written)
    }

    static func dependencies(_ db: TestSchema, _ config: AppConfig = AppConfig(logLevel: .warning, migrateOnStart: false)) async throws -> AppDependencies {
        try await AppDependencies.make(config, conninfo: db.configuration.conninfo, logger: Logger(label: "test"))
    }

    @Test("the order page and its JSON show the order's notices, newest first, in the store's time zone, with their delivery")
    func orderPageShowsNotices() async throws {
        try await TestDatabase.withSchema { db in
            let dependencies = try await Self.dependencies(db)
            let order = try await Self.placeOrder(dependencies, email: nil)
            let storeID = try await db.pool.query("SELECT store_id FROM orders").single().decode(Int64.self, "store_id")
            try await Self.enqueue(.ready(total: "3,39 €"), order, storeID: storeID, at: Self.monday.addingTimeInterval(3600), db.pool)
            try await Self.enqueue(.comeNow, order, storeID: storeID, at: Self.monday.addingTimeInterval(2 * 3600 + 50 * 60), db.pool)
            let app = try await buildApplication(AppConfig(databaseURL: db.configuration.conninfo, databasePoolSize: 2, logLevel: .warning, migrateOnStart: false))
            try await app.test(.router) { client in
                try await client.execute(uri: "/o/\(order.link)", method: .get) { response in
                    #expect(response.status == .ok)
                    let page = String(buffer: response.body)
                    let comeNow = try #require(page.range(of: "Votre commande \(order.orderNumber) vous attend"))
                    let ready = try #require(page.range(of: "Votre commande \(order.orderNumber) est prête"))
                    #expect(comeNow.lowerBound < ready.lowerBound)
                    // 08:50Z is 09:50 in Paris.
                    #expect(page.contains("lundi 12 janvier 09:50"))
                    #expect(page.contains("Pas d’adresse e-mail : message affiché ici seulement"))
                }
                try await client.execute(uri: "/api/orders/\(order.link)", method: .get) { response in
                    #expect(response.status == .ok)
                    let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    let notices = json?["notices"] as? [[String: Any]] ?? []
                    #expect(notices.map { $0["kind"] as? String } == ["come_now", "ready"])
                    #expect(notices.map { $0["delivery"] as? String } == ["no_address", "no_address"])
                    #expect(notices.first?["createdAt"] as? String == "2026-01-12T08:50:00Z")
                }
            }
            try await dependencies.pool.close()
        }
    }

    @Test("the NoticeDelivery service e-mails due notices while it runs, through the configured server")
    func deliveryService() async throws {
        try await TestDatabase.withSchema { db in
            try await SMTPSink.with { sink in
                let config = AppConfig(logLevel: .warning, migrateOnStart: false).with {
                    $0.smtpURL = "smtp://127.0.0.1:\(sink.port)"
                    $0.mailFrom = "commandes@creneau.example"
                }
                let dependencies = try await Self.dependencies(db, config)
                let order = try await Self.placeOrder(dependencies, email: "camille@example.org")
                let storeID = try await db.pool.query("SELECT store_id FROM orders").single().decode(Int64.self, "store_id")
                try await Self.enqueue(.ready(total: "3,39 €"), order, storeID: storeID, at: Date(), db.pool)
                let service = NoticeDelivery(notices: dependencies.notices, mailer: try config.mailer(), logger: Logger(label: "test"), interval: .milliseconds(100))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await service.run() }
                    // Until the outcome is recorded (the sink writes a message down before its 250 reaches us).
                    let deadline = ContinuousClock.now + .seconds(30)
                    while try await dependencies.notices.notices(storeID: storeID, orderID: order.orderID).first?.delivery != .sent,
                          ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    group.cancelAll()
                }
                let received = try sink.messages()
                #expect(received.map(\.rcptTos) == [["camille@example.org"]])
                #expect(received.first?.subject == "Votre commande \(order.orderNumber) est prête")
                #expect(received.first?.headers["From"] == "Magasin test-store <commandes@creneau.example>")
                #expect(try await dependencies.notices.notices(storeID: storeID, orderID: order.orderID).map(\.delivery) == [.sent])
                try await dependencies.pool.close()
            }
        }
    }

    @Test("e-mail is off without CRENEAU_SMTP_URL; a URL or sender that cannot work stops the start")
    func mailSettings() throws {
        #expect(try AppConfig.fromEnvironment([:]).mailer() == nil)
        let configured = try #require(try AppConfig.fromEnvironment([
            "CRENEAU_SMTP_URL": "smtp://127.0.0.1:2525", "CRENEAU_MAIL_FROM": "commandes@creneau.example",
        ]).mailer())
        #expect(configured.client.configuration == SMTPConfiguration(host: "127.0.0.1", port: 2525))
        #expect(configured.from.address == "commandes@creneau.example")
        #expect(throws: ConfigurationError.self) {
            try AppConfig.fromEnvironment(["CRENEAU_SMTP_URL": "smtps://mail.example.org", "CRENEAU_MAIL_FROM": "a@b.fr"]).mailer()
        }
        #expect(throws: ConfigurationError.self) {
            try AppConfig.fromEnvironment(["CRENEAU_SMTP_URL": "smtp://127.0.0.1:2525"]).mailer()
        }
    }
}
