import Foundation
import Logging
import Orders
import Postgres
import Slots
import Testing
import TestSupport

func orderService(_ pool: PostgresPool) -> OrderService {
    let logger = Logger(label: "test")
    return OrderService(pool: pool, slots: SlotService(pool: pool, logger: logger), logger: logger)
}

@Suite("Guest basket")
struct BasketTests {
    @Test("add, change and remove lines; totals come from current prices and include the fee")
    func lines() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await CatalogFixture.make(db.pool)
            let orders = orderService(db.pool)
            let (token, empty) = try await orders.createBasket(storeID: fixture.storeID)
            #expect(empty.totalCents == 190)
            var basket = try await orders.add(storeID: fixture.storeID, token: token, productID: fixture.productIDs[0], quantity: 2)
            basket = try await orders.add(storeID: fixture.storeID, token: token, productID: fixture.productIDs[0], quantity: 1)
            basket = try await orders.add(storeID: fixture.storeID, token: token, productID: fixture.productIDs[1], quantity: 1)
            #expect(basket.lines.map(\.quantity) == [3, 1])
            #expect(basket.subtotalCents == 3 * 109 + 149)
            #expect(basket.totalCents == basket.subtotalCents + 190)
            #expect(basket.itemCount == 4)
            // The store changes a price: the basket follows.
            try await db.pool.query("UPDATE store_products SET price_cents = 99 WHERE product_id = \(fixture.productIDs[0])")
            #expect(try await orders.basket(storeID: fixture.storeID, token: token)?.subtotalCents == 3 * 99 + 149)
            basket = try await orders.setQuantity(storeID: fixture.storeID, token: token, productID: fixture.productIDs[0], quantity: 0)
            #expect(basket.lines.map(\.productID) == [fixture.productIDs[1]])
        }
    }

    @Test("bad quantities, unknown products and too much are refused and change nothing")
    func refusals() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await CatalogFixture.make(db.pool)
            let other = try await CatalogFixture.make(db.pool, slug: "other-store")
            let orders = orderService(db.pool)
            let (token, _) = try await orders.createBasket(storeID: fixture.storeID)
            for quantity in [0, -1, 100] {
                await #expect(throws: OrderError.invalidQuantity(quantity)) {
                    try await orders.add(storeID: fixture.storeID, token: token, productID: fixture.productIDs[0], quantity: quantity)
                }
            }
            await #expect(throws: OrderError.self) {
                try await orders.add(storeID: fixture.storeID, token: token, productID: other.productIDs[0], quantity: 1)
            }
            await #expect(throws: OrderError.notEnoughStock(name: "Dernier pot de miel", available: 1)) {
                try await orders.add(storeID: fixture.storeID, token: token, productID: fixture.productIDs[3], quantity: 2)
            }
            try await db.pool.query("UPDATE store_products SET active = false WHERE store_id = \(fixture.storeID) AND product_id = \(fixture.productIDs[2])")
            await #expect(throws: OrderError.productUnavailable(name: "Glace vanille")) {
                try await orders.add(storeID: fixture.storeID, token: token, productID: fixture.productIDs[2], quantity: 1)
            }
            #expect(try await orders.basket(storeID: fixture.storeID, token: token)?.lines.isEmpty == true)
            try await db.pool.query("UPDATE stores SET active = false WHERE store_id = \(other.storeID)")
            await #expect(throws: OrderError.storeNotTakingOrders) { try await orders.createBasket(storeID: other.storeID) }
        }
    }

    @Test("a token opens its own basket only: not another store's, not a forged one")
    func tokenScope() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await CatalogFixture.make(db.pool)
            let other = try await CatalogFixture.make(db.pool, slug: "other-store")
            let orders = orderService(db.pool)
            let (token, _) = try await orders.createBasket(storeID: fixture.storeID)
            #expect(try await orders.basket(storeID: fixture.storeID, token: token) != nil)
            #expect(try await orders.basket(storeID: other.storeID, token: token) == nil)
            let forged = String(token.dropLast()) + (token.hasSuffix("A") ? "B" : "A")
            #expect(try await orders.basket(storeID: fixture.storeID, token: forged) == nil)
            #expect(try await orders.basket(storeID: fixture.storeID, token: "short") == nil)
            await #expect(throws: OrderError.unknownBasket) {
                try await orders.add(storeID: other.storeID, token: token, productID: other.productIDs[0], quantity: 1)
            }
            // Only a hash of the token is stored.
            let stored = try await db.pool.query("SELECT count(*) AS n FROM baskets WHERE encode(token_hash, 'escape') LIKE '%' || \(token) || '%'")
            #expect(try stored.single().decode(Int.self, "n") == 0)
        }
    }
}
