import Foundation
import Logging
import Orders
import Picking
import Postgres
import Slots
import Testing
import TestSupport

/// A store with a catalog in three zones, staffed slots on Monday 2026-01-12
/// (Europe/Paris, so the 10:00 slot starts at 09:00Z) and orders placed on the
/// Sunday through the real OrderService, the way customers place them.
struct PickingFixture {
    static let placedAt = instant("2026-01-11T12:00:00Z")

    /// Product indexes into `catalog.productIDs`.
    enum P {
        static let milk = 0, pasta = 1, iceCream = 2, wholeMilk = 3, organicMilk = 4, butter = 5, organicButter = 6, rice = 7, sorbet = 8
    }

    static let products: [CatalogFixture.Product] = [
        .init("Lait demi-écrémé", priceCents: 109, stock: 50, zone: "chilled"),
        .init("Pâtes fusilli", priceCents: 149, stock: 30),
        .init("Glace vanille", priceCents: 399, stock: 10, zone: "frozen"),
        .init("Lait entier", priceCents: 99, stock: 20, zone: "chilled"),
        .init("Lait bio", priceCents: 135, stock: 20, zone: "chilled"),
        .init("Beurre doux", priceCents: 250, stock: 20, zone: "chilled"),
        .init("Beurre bio", priceCents: 320, stock: 1, zone: "chilled"),
        .init("Riz basmati", priceCents: 189, stock: 20),
        .init("Sorbet citron", priceCents: 450, stock: 10, zone: "frozen"),
    ]

    let catalog: CatalogFixture
    let orders: OrderService
    let slots: SlotService
    let picking: PickingService
    let pool: PostgresPool
    var storeID: Int64 { catalog.storeID }

    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    /// Monday 2026-01-12 at `time` UTC ("08:05" → 08:05Z, 09:05 in Paris).
    static func monday(_ time: String) -> Date { instant("2026-01-12T\(time):00Z") }

    static var logger: Logger {
        var logger = Logger(label: "creneau.test.picking")
        logger.logLevel = .warning
        return logger
    }

    static func make(_ pool: PostgresPool, slug: String = "picking-store", pickers: Int = 4) async throws -> PickingFixture {
        let catalog = try await CatalogFixture.make(pool, slug: slug, products: products)
        let slots = SlotService(pool: pool, logger: logger)
        try await slots.setTemplate(storeID: catalog.storeID, SlotTemplate(feeCents: 190))
        var roster = "staff,role,starts_at,ends_at\n"
        for index in 0..<pickers { roster += "Picker \(index),picker,2026-01-12 06:00,2026-01-12 20:00\n" }
        roster += "Counter,handover,2026-01-12 06:00,2026-01-12 20:00\nCounter B,handover,2026-01-12 06:00,2026-01-12 20:00\n"
        try await slots.importRoster(storeID: catalog.storeID, csv: roster, now: placedAt)
        try await slots.generateSlots(storeID: catalog.storeID, days: 2, now: placedAt)
        return PickingFixture(
            catalog: catalog, orders: OrderService(pool: pool, slots: slots, logger: logger), slots: slots,
            picking: PickingService(pool: pool, slots: slots, logger: logger), pool: pool
        )
    }

    /// The Monday slot starting at Paris `time`.
    func slot(_ time: String) async throws -> SlotOffer {
        let offers = try await slots.offers(storeID: storeID, date: "2026-01-12", now: Self.placedAt)
        let start = Self.instant("2026-01-12T\(time):00+01:00")
        guard let offer = offers.first(where: { $0.start == start }) else { throw SlotError.unknownSlot }
        return offer
    }

    /// Places an order of `lines` (product index, quantity) for the Paris `slotTime` slot, end to end.
    func place(_ lines: [(Int, Int)], slotTime: String = "10:00", name: String = "Camille", email: String? = nil) async throws -> PlacedOrder {
        let (token, _) = try await orders.createBasket(storeID: storeID)
        for (index, quantity) in lines {
            _ = try await orders.add(storeID: storeID, token: token, productID: catalog.productIDs[index], quantity: quantity)
        }
        _ = try await orders.chooseSlot(storeID: storeID, token: token, slotID: try await slot(slotTime).slotID, now: Self.placedAt)
        return try await orders.placeOrder(
            storeID: storeID, token: token, contact: Contact(name: name, phone: "06 12 34 56 78", email: email),
            idempotencyKey: UUID().uuidString, now: Self.placedAt
        ).order
    }

    func product(_ index: Int) -> Int64 { catalog.productIDs[index] }

    func int(_ sql: SQL) async throws -> Int {
        try await pool.query(sql).single().decode(Int.self, "n")
    }

    func reserved(_ index: Int) async throws -> Int {
        try await int("SELECT reserved AS n FROM store_products WHERE store_id = \(storeID) AND product_id = \(product(index))")
    }

    func onHand(_ index: Int) async throws -> Int {
        try await int("SELECT stock_on_hand AS n FROM store_products WHERE store_id = \(storeID) AND product_id = \(product(index))")
    }

    func view(_ order: PlacedOrder) async throws -> OrderView {
        try await orders.order(link: order.link, now: Self.monday("08:00"))
    }

    /// The tasks of one order, by zone.
    func tasks(of order: PlacedOrder) async throws -> [TemperatureZone: Int64] {
        var result: [TemperatureZone: Int64] = [:]
        for row in try await pool.query("""
            SELECT zone, task_id FROM picking_tasks WHERE store_id = \(storeID) AND order_id = \(order.orderID)
            """) {
            result[TemperatureZone(rawValue: try row.decode(String.self, "zone"))!] = try row.decode(Int64.self, "task_id")
        }
        return result
    }

    /// Everything picking can change, as text: two equal snapshots mean nothing changed.
    func snapshot() async throws -> String {
        let parts: [SQL] = [
            "SELECT task_id, status, claimed_by, claimed_at, last_progress_at, claim_count, lines_done, staging_location FROM picking_tasks ORDER BY store_id, task_id",
            "SELECT task_id, line_no, picked_quantity, status, substitute_product_id, substitute_quantity, substitute_unit_price_cents FROM picking_lines ORDER BY store_id, task_id, line_no",
            "SELECT order_id, line_no, charged_cents FROM order_lines ORDER BY store_id, order_id, line_no",
            "SELECT order_id, status, subtotal_cents, total_cents, picking_started_at, ready_at FROM orders ORDER BY store_id, order_id",
            "SELECT store_id, product_id, stock_on_hand, reserved FROM store_products ORDER BY store_id, product_id",
            "SELECT count(*) FROM order_events",
            "SELECT order_id, arrived_at, parking_bay, handed_over_at FROM arrivals ORDER BY store_id, order_id",
            "SELECT order_id, handed_over_at, actual_wait_minutes FROM slot_bookings ORDER BY store_id, order_id",
        ]
        var text = ""
        for part in parts {
            for row in try await pool.query(part) {
                text += (0..<row.columns.count).map { row.text($0) ?? "∅" }.joined(separator: "|") + "\n"
            }
            text += "--\n"
        }
        return text
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
