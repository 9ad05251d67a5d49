import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Orders
import Picking
import Postgres
import Slots
import Staff
import Testing
import TestSupport
@testable import Web

/// The staff console through the real router on a real database: one order
/// from "start early" to handover, the refusals of stale forms, the JSON API
/// with its CSRF header, and live updates from NOTIFY to the event stream.
@Suite("Staff console routes", .serialized)
struct ConsoleRouteTests {
    typealias Staff = StaffRouteTests

    static let products: [CatalogFixture.Product] = [
        .init("Lait demi-écrémé", priceCents: 109, stock: 50, zone: "chilled"),
        .init("Lait bio", priceCents: 139, stock: 20, zone: "chilled"),
        .init("Pâtes", priceCents: 149, stock: 30),
    ]

    struct Shop {
        var catalog: CatalogFixture
        var order: PlacedOrder
        var pool: PostgresPool
    }

    /// A store with slots from now on (the demo roster and forecast), three staff, and one placed order
    /// of 2 milks and 1 pasta for the first slot that can still be sold.
    static func shop(_ db: TestSchema, allowDearer: Bool = false) async throws -> Shop {
        let catalog = try await CatalogFixture.make(db.pool, products: products)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let slots = SlotService(pool: db.pool, logger: logger)
        try await slots.seedDemo(storeID: catalog.storeID)
        for (email, role) in [("picker@example.org", StaffRole.picker), ("picker2@example.org", .picker),
                              ("counter@example.org", .handover), ("manager@example.org", .manager)] {
            try await Staff.account(db.pool, email, role: role, at: catalog.slug)
        }
        let orders = OrderService(pool: db.pool, slots: slots, logger: logger)
        let (token, _) = try await orders.createBasket(storeID: catalog.storeID)
        _ = try await orders.add(storeID: catalog.storeID, token: token, productID: catalog.productIDs[0], quantity: 2)
        _ = try await orders.add(storeID: catalog.storeID, token: token, productID: catalog.productIDs[2], quantity: 1)
        var slot: SlotOffer?
        for offset in 0..<4 where slot == nil {
            slot = try await slots.offers(storeID: catalog.storeID, date: SlotRoutesTests.day(offset)).first { $0.available }
        }
        _ = try await orders.chooseSlot(storeID: catalog.storeID, token: token, slotID: try #require(slot).slotID)
        let placed = try await orders.placeOrder(
            storeID: catalog.storeID, token: token,
            contact: Contact(name: "Camille", phone: "06 12 34 56 78", email: nil, allowsDearerSubstitutes: allowDearer),
            idempotencyKey: UUID().uuidString
        ).order
        return Shop(catalog: catalog, order: placed, pool: db.pool)
    }

    static func app(_ db: TestSchema, streamLimit: Duration = .milliseconds(200)) async throws -> some ApplicationProtocol {
        var config = Staff.config(db)
        config.liveStreamLimit = streamLimit
        return try await buildApplication(config)
    }

    /// A form POST of a signed-in browser; the answer's status, Location and page.
    @discardableResult
    static func post(
        _ client: some TestClientProtocol, _ browser: Staff.Browser, _ uri: String, _ fields: [String: String] = [:]
    ) async throws -> (status: HTTPResponse.Status, location: String?, html: String) {
        var headers = Staff.form
        headers[.cookie] = browser.cookie
        headers[.accept] = "text/html"
        let body = Staff.encode(fields.merging(["csrf": browser.csrf]) { $1 })
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            (response.status, response.headers[.location], String(buffer: response.body))
        }
    }

    static func get(_ client: some TestClientProtocol, _ browser: Staff.Browser, _ uri: String) async throws -> (status: HTTPResponse.Status, html: String) {
        try await client.execute(uri: uri, method: .get, headers: [.cookie: browser.cookie, .accept: "text/html"]) { ($0.status, String(buffer: $0.body)) }
    }

    static func api(
        _ client: some TestClientProtocol, _ browser: Staff.Browser, _ method: HTTPRequest.Method, _ uri: String, _ json: String? = nil,
        csrf: String? = nil
    ) async throws -> (status: HTTPResponse.Status, body: [String: Any], contentType: String?) {
        var headers: HTTPFields = [.cookie: browser.cookie, .contentType: "application/json"]
        if method == .post { headers[.csrfToken] = csrf ?? browser.csrf }
        return try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { response in
            let object = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
            return (response.status, object, response.headers[.contentType])
        }
    }

    static func int(_ pool: PostgresPool, _ sql: SQL) async throws -> Int {
        try await pool.query(sql).single().decode(Int.self, "n")
    }

    @Test("one order through the console: started early, claimed, substituted at the ordered price, picked, staged, checked in, handed over")
    func pagesEndToEnd() async throws {
        try await TestDatabase.withSchema { db in
            let shop = try await Self.shop(db)
            let store = "/staff/stores/\(shop.catalog.slug)"
            try await Self.app(db).test(.router) { client in
                let manager = try #require(try await Staff.signIn(client, email: "manager@example.org").browser)
                let picker = try #require(try await Staff.signIn(client, email: "picker@example.org").browser)
                let picker2 = try #require(try await Staff.signIn(client, email: "picker2@example.org").browser)
                let counter = try #require(try await Staff.signIn(client, email: "counter@example.org").browser)
                let orderID = shop.order.orderID.uuidString.lowercased()

                // The manager sees the order to come and starts it early: two totes (chilled, ambient) in the queue.
                let slotDay = Present.isoDay(shop.order.slotStart, timeZone: "Europe/Paris")
                var page = try await Self.get(client, manager, "\(store)/manager?date=\(slotDay)")
                #expect(page.status == .ok && page.html.contains(shop.order.orderNumber) && page.html.contains("Préparer maintenant"))
                var answer = try await Self.post(client, manager, "\(store)/orders/\(orderID)/start", ["date": slotDay])
                #expect(answer.status == .ok && answer.html.contains("2 bacs dans la file") && answer.html.contains("Pilotage du \(slotDay)"))
                // Twice: refused, nothing more enqueued.
                answer = try await Self.post(client, manager, "\(store)/orders/\(orderID)/start")
                #expect(answer.status == .conflict && answer.html.contains("not waiting for picking"))
                #expect(try await Self.int(shop.pool, "SELECT count(*)::int AS n FROM picking_tasks") == 2)

                // The picker claims the most urgent tote (ambient first) and then the chilled one.
                page = try await Self.get(client, picker, "\(store)/picking")
                #expect(page.html.contains(shop.order.orderNumber) && page.html.contains("Prendre la suivante"))
                answer = try await Self.post(client, picker, "\(store)/picking/claim", ["zone": ""])
                let ambientTask = try #require(answer.location?.split(separator: "/").last.map(String.init))
                #expect(answer.status == .seeOther)
                answer = try await Self.post(client, picker, "\(store)/picking/claim", ["zone": "chilled"])
                let chilledTask = try #require(answer.location?.split(separator: "/").last.map(String.init))
                // Nothing left: a readable notice, not an error.
                answer = try await Self.post(client, picker, "\(store)/picking/claim", ["zone": ""])
                #expect(answer.status == .ok && answer.html.contains("Rien à préparer"))

                // The chilled tote offers the organic milk as a substitute, charged at most the ordered price.
                page = try await Self.get(client, picker, "\(store)/tasks/\(chilledTask)")
                #expect(page.html.contains("Lait bio") && page.html.contains("1,09\u{A0}€") && page.html.contains("prix rayon 1,39\u{A0}€"), "\(page.html)")
                // Another picker's stale form changes nothing.
                answer = try await Self.post(client, picker2, "\(store)/tasks/\(chilledTask)/lines/1/pick", ["quantity": "2"])
                #expect(answer.status == .conflict && answer.html.contains("Someone else is picking this task"))
                // More than ordered: refused with the reason.
                answer = try await Self.post(client, picker, "\(store)/tasks/\(chilledTask)/lines/1/pick", ["quantity": "3"])
                #expect(answer.status == .unprocessableContent && answer.html.contains("Only 2 more"))
                answer = try await Self.post(client, picker, "\(store)/tasks/\(chilledTask)/lines/1/substitute",
                                             ["product": String(shop.catalog.productIDs[1]), "quantity": "2"])
                #expect(answer.status == .seeOther)
                page = try await Self.get(client, picker, "\(store)/tasks/\(chilledTask)")
                #expect(page.html.contains("remplacé par 2 × Lait bio à 1,09\u{A0}€") && page.html.contains("stage-form"))
                // Staging before the ambient tote is done is refused; after, the order is ready.
                answer = try await Self.post(client, picker, "\(store)/tasks/\(ambientTask)/stage", ["location": "A-01"])
                #expect(answer.status == .unprocessableContent && answer.html.contains("not done yet"))
                answer = try await Self.post(client, picker, "\(store)/tasks/\(ambientTask)/lines/2/pick", ["quantity": "1"])
                #expect(answer.status == .seeOther)
                answer = try await Self.post(client, picker, "\(store)/tasks/\(chilledTask)/stage", ["location": "F-03"])
                #expect(answer.status == .ok && answer.html.contains("déposé en F-03") && !answer.html.contains("est prête"))
                answer = try await Self.post(client, picker, "\(store)/tasks/\(ambientTask)/stage", ["location": "A-01"])
                #expect(answer.status == .ok && answer.html.contains("La commande \(shop.order.orderNumber) est prête"))
                #expect(try await Self.int(shop.pool, "SELECT total_cents AS n FROM orders") == 2 * 109 + 149 + 190)

                // The customer says "I'm here" on the order page; the counter sees where the totes are.
                try await client.execute(uri: "/o/\(shop.order.link)/arrive", method: .post, headers: Staff.form, body: ByteBuffer(string: "bay=B4")) {
                    #expect($0.status == .seeOther)
                }
                page = try await Self.get(client, counter, "\(store)/handover")
                #expect(page.html.contains(shop.order.orderNumber) && page.html.contains("place B4") && page.html.contains("F-03") && page.html.contains("A-01"))
                // The pickers' pages are not the counter's.
                #expect(try await Self.get(client, counter, "\(store)/picking").status == .forbidden)
                answer = try await Self.post(client, counter, "\(store)/handover/\(orderID)")
                #expect(answer.status == .ok && answer.html.contains("Commande remise"), "\(answer.html)")
                answer = try await Self.post(client, counter, "\(store)/handover/\(orderID)")
                #expect(answer.status == .conflict && answer.html.contains("already been handed over"))
                #expect(try await Self.int(shop.pool, "SELECT count(*)::int AS n FROM slot_bookings WHERE actual_wait_minutes IS NOT NULL") == 1)

                // The customer's page tells the whole story.
                try await client.execute(uri: "/o/\(shop.order.link)", method: .get) { response in
                    let html = String(buffer: response.body)
                    #expect(html.contains("Lait demi-écrémé remplacé par Lait bio") && html.contains("Retirée") && html.contains("Remise effectuée"))
                }
                // The manager's day shows who picked.
                page = try await Self.get(client, manager, "\(store)/manager")
                #expect(page.html.contains("picker@example.org #"))
            }
        }
    }

    @Test("the JSON API: same actions, CSRF header required, problems for refusals; the customer's arrival")
    func api() async throws {
        try await TestDatabase.withSchema { db in
            let shop = try await Self.shop(db, allowDearer: true)
            let base = "/api/staff/stores/\(shop.catalog.slug)"
            try await Self.app(db).test(.router) { client in
                let manager = try #require(try await Staff.signIn(client, email: "manager@example.org").browser)
                let orderID = shop.order.orderID.uuidString.lowercased()
                // No or wrong CSRF header: refused, nothing enqueued.
                var result = try await Self.api(client, manager, .post, "\(base)/orders/\(orderID)/start", "{}", csrf: "wrong")
                #expect(result.status == .forbidden)
                #expect(try await Self.int(shop.pool, "SELECT count(*)::int AS n FROM picking_tasks") == 0)
                result = try await Self.api(client, manager, .post, "\(base)/orders/\(orderID)/start", "{}")
                #expect(result.status == .ok && result.body["tasks"] as? Int == 2)

                result = try await Self.api(client, manager, .post, "\(base)/claims", #"{"zone":"chilled"}"#)
                let task = try #require(result.body["task"] as? [String: Any])
                let taskID = try #require(task["taskID"] as? Int)
                #expect(task["zone"] as? String == "chilled")
                // The ambient tote too; then nothing waits: `task` is null, not missing.
                result = try await Self.api(client, manager, .post, "\(base)/claims", "{}")
                #expect((result.body["task"] as? [String: Any])?["zone"] as? String == "ambient")
                result = try await Self.api(client, manager, .post, "\(base)/claims", "{}")
                #expect(result.status == .ok && result.body.keys.contains("task") && result.body["task"] is NSNull)
                result = try await Self.api(client, manager, .post, "\(base)/claims", #"{"zone":"tepid"}"#)
                #expect(result.status == .badRequest && result.contentType == "application/problem+json")
                // The substitutes: dearer allowed by this customer, so charged at the shelf price.
                let options = try await client.execute(uri: "\(base)/tasks/\(taskID)/lines/1/substitutes", method: .get,
                                                       headers: [.cookie: manager.cookie]) { response in
                    (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [[String: Any]] ?? []
                }
                #expect(options.first?["chargedCents"] as? Int == 139)
                result = try await Self.api(client, manager, .post, "\(base)/tasks/\(taskID)/lines/1/substitute",
                                            #"{"productId":\#(shop.catalog.productIDs[1]),"quantity":2}"#)
                #expect(result.status == .ok)
                result = try await Self.api(client, manager, .post, "\(base)/tasks/\(taskID)/lines/1/missing", "{}")
                #expect(result.status == .conflict && result.contentType == "application/problem+json")
                result = try await Self.api(client, manager, .post, "\(base)/tasks/\(taskID)/stage", #"{"location":""}"#)
                #expect(result.status == .badRequest)
                result = try await Self.api(client, manager, .post, "\(base)/tasks/\(taskID)/stage", #"{"location":"F-01"}"#)
                #expect(result.status == .ok && result.body["orderReady"] as? Bool == false)

                // Counter check-in by pickup code; a wrong code is a 404 problem.
                result = try await Self.api(client, manager, .post, "\(base)/arrivals", #"{"pickupCode":"00000x"}"#)
                #expect(result.status == .notFound)
                result = try await Self.api(client, manager, .post, "\(base)/arrivals", #"{"pickupCode":"\#(shop.order.pickupCode)"}"#)
                #expect(result.status == .created && result.body["via"] as? String == "counter")
                // The customer's own "I'm here" after that is not a second arrival.
                try await client.execute(uri: "/api/orders/\(shop.order.link)/arrival", method: .post,
                                         headers: [.contentType: "application/json"], body: ByteBuffer(string: #"{"parkingBay":"12"}"#)) {
                    #expect($0.status == .ok)
                }
                // Not ready yet (ambient tote not picked): the handover is refused.
                result = try await Self.api(client, manager, .post, "\(base)/orders/\(orderID)/handover", "{}")
                #expect(result.status == .conflict)
                let arrivals = try await client.execute(uri: "\(base)/arrivals", method: .get, headers: [.cookie: manager.cookie]) { response in
                    (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [[String: Any]] ?? []
                }
                #expect(arrivals.count == 1 && arrivals.first?["parkingBay"] as? String == "12")
                // The slots of the order's day; who picked today (the tests run at any hour, the order's slot may be tomorrow).
                let slotDay = Present.isoDay(shop.order.slotStart, timeZone: "Europe/Paris")
                result = try await Self.api(client, manager, .get, "\(base)/day?date=\(slotDay)")
                #expect((result.body["slots"] as? [Any])?.isEmpty == false)
                result = try await Self.api(client, manager, .get, "\(base)/day")
                #expect((result.body["pickers"] as? [Any])?.count == 1)
                result = try await Self.api(client, manager, .get, "\(base)/day?date=2026-02-30")
                #expect(result.status == .badRequest)
                result = try await Self.api(client, manager, .get, "\(base)/day?date=")
                #expect(result.status == .badRequest)
                // Year 0000 is a date PostgreSQL cannot read (schemathesis found it answered 500).
                result = try await Self.api(client, manager, .get, "\(base)/day?date=0000-02-05")
                #expect(result.status == .badRequest)
                // A method the address does not serve: 405 with what it does serve.
                try await client.execute(uri: "\(base)/day", method: .delete, headers: [.cookie: manager.cookie]) { response in
                    #expect(response.status == .methodNotAllowed && response.headers[.allow] == "GET")
                }
            }
        }
    }

    @Test("live updates: a change committed in the database reaches the order's and the store's event streams, and only theirs")
    func liveUpdates() async throws {
        try await TestDatabase.withSchema { db in
            let shop = try await Self.shop(db)
            try await Self.app(db, streamLimit: .seconds(3)).test(.router) { client in
                let manager = try #require(try await Staff.signIn(client, email: "manager@example.org").browser)
                async let orderStream = client.execute(uri: "/o/\(shop.order.link)/events", method: .get) { response in
                    (response.status, response.headers[.contentType], String(buffer: response.body))
                }
                async let storeStream = client.execute(
                    uri: "/staff/stores/\(shop.catalog.slug)/events", method: .get, headers: [.cookie: manager.cookie]
                ) { String(buffer: $0.body) }
                // Once both are listening, another store's change, then this order's.
                try await Task.sleep(for: .milliseconds(1200))
                _ = try await shop.pool.query("SELECT pg_notify('creneau_order', '999:' || gen_random_uuid()::text), pg_notify('creneau_store', '999')")
                var logger = Logger(label: "test")
                logger.logLevel = .warning
                _ = try await PickingService(pool: shop.pool, slots: SlotService(pool: shop.pool, logger: logger), logger: logger)
                    .startEarly(storeID: shop.catalog.storeID, orderID: shop.order.orderID)
                let (status, contentType, events) = try await orderStream
                #expect(status == .ok && contentType?.hasPrefix("text/event-stream") == true)
                #expect(events.hasPrefix("retry: "))
                #expect(events.components(separatedBy: "event: change").count - 1 == 1, "\(events)")
                let storeEvents = try await storeStream
                #expect(storeEvents.components(separatedBy: "event: change").count - 1 == 1, "\(storeEvents)")
            }
        }
    }
}
