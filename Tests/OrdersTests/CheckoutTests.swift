import Foundation
import Logging
import Notices
import Orders
import Postgres
import Slots
import Testing
import TestSupport

/// A store with a catalog and staffed slots on Monday 2026-01-12, seen from Sunday noon.
struct CheckoutFixture {
    static let now = ISO8601DateFormatter().date(from: "2026-01-11T12:00:00Z")!
    let catalog: CatalogFixture
    let orders: OrderService
    let slots: SlotService
    let pool: PostgresPool

    static func make(_ pool: PostgresPool, slug: String = "test-store") async throws -> CheckoutFixture {
        let catalog = try await CatalogFixture.make(pool, slug: slug)
        let logger = Logger(label: "test")
        let slots = SlotService(pool: pool, logger: logger)
        try await slots.setTemplate(storeID: catalog.storeID, SlotTemplate(feeCents: 190))
        try await slots.importRoster(storeID: catalog.storeID, csv: """
            staff,role,starts_at,ends_at
            Picker A,picker,2026-01-12 06:00,2026-01-12 20:00
            Picker B,picker,2026-01-12 06:00,2026-01-12 20:00
            Counter,handover,2026-01-12 06:00,2026-01-12 20:00
            Counter B,handover,2026-01-12 06:00,2026-01-12 20:00
            """, now: now)
        try await slots.generateSlots(storeID: catalog.storeID, days: 2, now: now)
        return CheckoutFixture(catalog: catalog, orders: OrderService(pool: pool, slots: slots, logger: logger), slots: slots, pool: pool)
    }

    /// The Monday slot starting at local `time`.
    func slot(_ time: String) async throws -> Int64 {
        let offers = try await slots.offers(storeID: catalog.storeID, date: "2026-01-12", now: Self.now)
        let start = ISO8601DateFormatter().date(from: "2026-01-12T\(time):00+01:00")!
        guard let offer = offers.first(where: { $0.start == start }) else { throw SlotError.unknownSlot }
        return offer.slotID
    }

    /// A basket with `lines` (product index → quantity) and a hold on the 10:00 slot.
    func readyBasket(_ lines: [(Int, Int)] = [(0, 2), (1, 1)], slotTime: String = "10:00") async throws -> String {
        let (token, _) = try await orders.createBasket(storeID: catalog.storeID)
        for (index, quantity) in lines {
            _ = try await orders.add(storeID: catalog.storeID, token: token, productID: catalog.productIDs[index], quantity: quantity)
        }
        _ = try await orders.chooseSlot(storeID: catalog.storeID, token: token, slotID: try await slot(slotTime), now: Self.now)
        return token
    }

    func place(_ token: String, key: String = UUID().uuidString, name: String = "Camille") async throws -> Submission {
        try await orders.placeOrder(
            storeID: catalog.storeID, token: token, contact: Contact(name: name, phone: "06 12 34 56 78", email: nil),
            idempotencyKey: key, now: Self.now
        )
    }

    func count(_ sql: SQL) async throws -> Int {
        try await pool.query(sql).single().decode(Int.self, "n")
    }

    func reserved(_ index: Int) async throws -> Int {
        try await count("SELECT reserved AS n FROM store_products WHERE store_id = \(catalog.storeID) AND product_id = \(catalog.productIDs[index])")
    }
}

@Suite("Checkout and orders")
struct CheckoutTests {
    @Test("placing an order reserves stock, books the slot, records the timeline and closes the basket")
    func placeOrder() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await CheckoutFixture.make(db.pool)
            let token = try await fixture.readyBasket()
            let submission = try await fixture.place(token)
            #expect(submission.status == 201)
            #expect(!submission.replayed)
            #expect(submission.order.totalCents == 2 * 109 + 149 + 190)
            #expect(try await fixture.reserved(0) == 2)
            #expect(try await fixture.reserved(1) == 1)
            let booking = try #require(try await fixture.slots.booking(storeID: fixture.catalog.storeID, orderID: submission.order.orderID))
            #expect(booking.status == "booked")
            #expect(booking.start == submission.order.slotStart)
            let order = try await fixture.orders.order(link: submission.order.link, now: CheckoutFixture.now)
            #expect(order.lines.map(\.quantity) == [2, 1])
            #expect(order.events.map(\.kind) == ["placed"])
            #expect(order.changeable)
            #expect(order.pickupCode.count == 6)
            await #expect(throws: OrderError.basketAlreadyOrdered) {
                try await fixture.orders.add(storeID: fixture.catalog.storeID, token: token, productID: fixture.catalog.productIDs[0], quantity: 1)
            }
            // Only the link's hash is stored.
            #expect(try await fixture.count("SELECT count(*) AS n FROM orders WHERE encode(link_hash, 'escape') LIKE '%' || \(submission.order.link) || '%'") == 0)
        }
    }

    @Test("a repeat of the key replays the first answer byte for byte; another body with it is refused")
    func replay() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await CheckoutFixture.make(db.pool)
            let token = try await fixture.readyBasket()
            let first = try await fixture.place(token, key: "order-key-0001")
            let again = try await fixture.place(token, key: "order-key-0001")
            #expect(again.replayed)
            #expect(again.body == first.body)
            #expect(again.status == 201)
            await #expect(throws: OrderError.idempotencyKeyReused) { try await fixture.place(token, key: "order-key-0001", name: "Someone else") }
            await #expect(throws: OrderError.invalidIdempotencyKey) { try await fixture.place(token, key: "short") }
            // A new key cannot order the same basket twice.
            await #expect(throws: OrderError.basketAlreadyOrdered) { try await fixture.place(token, key: "order-key-0002") }
            #expect(try await fixture.count("SELECT count(*) AS n FROM orders") == 1)
        }
    }

    @Test("50 concurrent repeats of one key produce one order, and every success carries the same answer")
    func concurrentRepeats() async throws {
        try await TestDatabase.withSchema(maxConnections: 8) { db in
            let fixture = try await CheckoutFixture.make(db.pool)
            let token = try await fixture.readyBasket()
            let results = await withTaskGroup(of: Result<Submission, any Error>.self) { group in
                for _ in 0..<50 {
                    group.addTask { await Result { try await fixture.place(token, key: "same-key-123") } }
                }
                return await group.reduce(into: [Result<Submission, any Error>]()) { $0.append($1) }
            }
            let bodies = Set(results.compactMap { try? $0.get().body })
            let refusals = results.compactMap { result -> OrderError? in
                if case .failure(let error) = result { return error as? OrderError }
                return nil
            }
            #expect(bodies.count == 1)
            // Any failure is the in-flight refusal a client retries, never something else.
            #expect(refusals.allSatisfy { $0 == .requestInFlight })
            #expect(results.count(where: { (try? $0.get()) != nil }) + refusals.count == 50)
            #expect(try await fixture.count("SELECT count(*) AS n FROM orders") == 1)
            #expect(try await fixture.reserved(0) == 2)
        }
    }

    @Test("a repeat while the first is still being processed gets requestInFlight at once")
    func inFlight() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await CheckoutFixture.make(db.pool)
            let token = try await fixture.readyBasket()
            let other = PostgresPool(db.configuration)
            // Another server is mid-transaction with this key: it holds the key's lock.
            try await other.withTransaction { tx in
                try await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('busy-key-01', \(fixture.catalog.storeID)))")
                await #expect(throws: OrderError.requestInFlight) { try await fixture.place(token, key: "busy-key-01") }
            }
            try await other.close()
            #expect(try await fixture.place(token, key: "busy-key-01").status == 201)
        }
    }

    @Test("two customers racing for the last unit: one order, one clear refusal naming it, nothing half-written")
    func lastUnit() async throws {
        try await TestDatabase.withSchema(maxConnections: 6) { db in
            let fixture = try await CheckoutFixture.make(db.pool)
            let first = try await fixture.readyBasket([(3, 1), (0, 1)])
            let second = try await fixture.readyBasket([(3, 1), (1, 1)])
            async let a = Result { try await fixture.place(first) }
            async let b = Result { try await fixture.place(second) }
            let results = await [a, b]
            let successes = results.compactMap { try? $0.get() }
            #expect(successes.count == 1)
            let refusal = results.compactMap { result -> OrderError? in
                if case .failure(let error) = result { return error as? OrderError }
                return nil
            }
            #expect(refusal == [.outOfStock(products: ["Dernier pot de miel"])])
            #expect(try await fixture.reserved(3) == 1)
            // The loser's other line was not reserved either.
            #expect(try await fixture.reserved(0) + fixture.reserved(1) == 1)
            #expect(try await fixture.count("SELECT count(*) AS n FROM orders") == 1)
            #expect(try await fixture.count("SELECT count(*) AS n FROM order_lines") == 2)
        }
    }

    @Test("checkout refuses an empty basket and a basket without a slot")
    func incompleteBaskets() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await CheckoutFixture.make(db.pool)
            let (token, _) = try await fixture.orders.createBasket(storeID: fixture.catalog.storeID)
            await #expect(throws: OrderError.emptyBasket) { try await fixture.place(token) }
            await #expect(throws: OrderError.emptyBasket) {
                try await fixture.orders.chooseSlot(storeID: fixture.catalog.storeID, token: token, slotID: try await fixture.slot("10:00"), now: CheckoutFixture.now)
            }
            _ = try await fixture.orders.add(storeID: fixture.catalog.storeID, token: token, productID: fixture.catalog.productIDs[0], quantity: 1)
            await #expect(throws: OrderError.noSlotChosen) { try await fixture.place(token) }
            await #expect(throws: OrderError.invalidContact("Please give a phone number or an e-mail address for the ready notice.")) {
                try await fixture.orders.placeOrder(storeID: fixture.catalog.storeID, token: token, contact: Contact(name: "A", phone: nil, email: " "), idempotencyKey: UUID().uuidString)
            }
            #expect(try await fixture.count("SELECT count(*) AS n FROM idempotency_keys") == 0)
        }
    }

    @Test("cancelling before the cutoff gives back stock and slot capacity; after it, nothing changes")
    func cancel() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await CheckoutFixture.make(db.pool)
            let slotID = try await fixture.slot("10:00")
            let before = try await fixture.slots.offers(storeID: fixture.catalog.storeID, date: "2026-01-12", now: CheckoutFixture.now).first { $0.slotID == slotID }
            let placed = try await fixture.place(try await fixture.readyBasket())
            let late = ISO8601DateFormatter().date(from: "2026-01-12T08:30:00Z")!
            await #expect(throws: OrderError.tooLateToChange) { try await fixture.orders.cancel(link: placed.order.link, now: late) }
            let cancelled = try await fixture.orders.cancel(link: placed.order.link, now: CheckoutFixture.now)
            #expect(cancelled.status == "cancelled")
            #expect(cancelled.events.map(\.kind) == ["placed", "cancelled"])
            #expect(try await fixture.reserved(0) == 0)
            let after = try await fixture.slots.offers(storeID: fixture.catalog.storeID, date: "2026-01-12", now: CheckoutFixture.now).first { $0.slotID == slotID }
            #expect(after?.remainingOrders == before?.remainingOrders)
            await #expect(throws: OrderError.notChangeable(status: "cancelled")) { try await fixture.orders.cancel(link: placed.order.link, now: CheckoutFixture.now) }
        }
    }

    @Test("changing the slot moves the booking and says so on the timeline")
    func changeSlot() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await CheckoutFixture.make(db.pool)
            let placed = try await fixture.place(try await fixture.readyBasket())
            let eleven = try await fixture.slot("11:00")
            let changed = try await fixture.orders.changeSlot(link: placed.order.link, slotID: eleven, now: CheckoutFixture.now)
            #expect(changed.slotID == eleven)
            #expect(changed.events.map(\.kind) == ["placed", "slot_changed"])
            let booking = try await fixture.slots.booking(storeID: fixture.catalog.storeID, orderID: placed.order.orderID)
            #expect(booking?.slotID == eleven)
            #expect(booking?.status == "booked")
        }
    }

    @Test("when a re-plan leaves the slot short, the customer's order shows it at risk")
    func atRiskShownToCustomer() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await CheckoutFixture.make(db.pool)
            let placed = try await fixture.place(try await fixture.readyBasket())
            #expect(try await fixture.orders.order(link: placed.order.link, now: CheckoutFixture.now).atRisk == false)
            // The store has to close that Monday after all.
            try await db.pool.query("INSERT INTO store_closures (store_id, day, reason) VALUES (\(fixture.catalog.storeID), '2026-01-12', 'dégât des eaux')")
            _ = try await fixture.slots.replan(storeID: fixture.catalog.storeID, now: CheckoutFixture.now)
            let order = try await fixture.orders.order(link: placed.order.link, now: CheckoutFixture.now)
            #expect(order.atRisk)
            #expect(order.changeable)
        }
    }

    @Test("personal data is exported, then erased; the order stays anonymised")
    func privacy() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await CheckoutFixture.make(db.pool)
            let placed = try await fixture.place(try await fixture.readyBasket())
            let exported = try await fixture.orders.personalData(link: placed.order.link)
            #expect(exported.customerName == "Camille")
            #expect(exported.customerPhone == "06 12 34 56 78")
            let erased = try await fixture.orders.erasePersonalData(link: placed.order.link)
            #expect(erased.contactErased)
            #expect(erased.customerName == nil && erased.customerPhone == nil)
            #expect(erased.totalCents == placed.order.totalCents)
            await #expect(throws: OrderError.personalDataErased) { try await fixture.orders.personalData(link: placed.order.link) }
        }
    }

    @Test("timeline events cannot be changed or deleted; the purge removes only what is old")
    func appendOnlyAndPurge() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await CheckoutFixture.make(db.pool)
            let placed = try await fixture.place(try await fixture.readyBasket())
            let update = await #expect(throws: PostgresError.self) { try await db.pool.query("UPDATE order_events SET kind = 'ready'") }
            #expect(update?.sqlState == "23001")
            await #expect(throws: PostgresError.self) { try await db.pool.query("DELETE FROM order_events") }
            _ = try await fixture.orders.cancel(link: placed.order.link, now: CheckoutFixture.now)
            let soon = try await fixture.orders.purge(now: CheckoutFixture.now)
            #expect(soon.contactsErased == 0)
            let later = try await fixture.orders.purge(now: CheckoutFixture.now.addingTimeInterval(100 * 86_400))
            #expect(later.contactsErased == 1)
            #expect(try await fixture.orders.order(link: placed.order.link).contactErased)

            // Notices go with the timeline, after 12 months (one written 400 days before now;
            // the timeline's own trigger checks the real clock, so its age is moved, not the purge's).
            let written = try await db.pool.withTransaction { tx in
                try await NoticeOutbox.enqueue(
                    .comeNow, storeID: fixture.catalog.storeID, orderID: placed.order.orderID,
                    at: CheckoutFixture.now.addingTimeInterval(-400 * 86_400), in: tx
                )
            }
            #expect(written)
            #expect(try await fixture.orders.purge(now: CheckoutFixture.now.addingTimeInterval(-60 * 86_400)).noticesDeleted == 0)
            #expect(try await fixture.orders.purge(now: CheckoutFixture.now).noticesDeleted == 1)
            #expect(try await fixture.orders.order(link: placed.order.link).notices.isEmpty)
        }
    }
}
