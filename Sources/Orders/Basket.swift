import Domain
import Foundation
import Postgres

public struct BasketLine: Sendable, Codable, Equatable {
    public var productID: Int64
    public var name: String
    public var brand: String
    public var sizeText: String
    public var temperatureZone: String
    public var quantity: Int
    public var unitPriceCents: Int
    public var lineTotalCents: Int
    /// Units the store can still promise; less than `quantity` means checkout will refuse it.
    public var available: Int
    public var active: Bool
    var pickingSeconds: Int
}

/// A guest basket at one store, always priced from the store's current data.
public struct Basket: Sendable, Codable, Equatable {
    public var storeID: Int64
    public var basketID: UUID
    public var lines: [BasketLine]
    public var itemCount: Int
    public var subtotalCents: Int
    public var feeCents: Int
    public var totalCents: Int
    public var holdID: UUID?
    public var orderID: UUID?

    /// Picking effort the slot allocator reserves: the lines' picking
    /// seconds plus a fixed per-order overhead (fetching totes, staging).
    public var pickingMinutes: Double {
        Self.pickingMinutes(seconds: lines.reduce(0) { $0 + $1.pickingSeconds * $1.quantity })
    }

    static func pickingMinutes(seconds: Int) -> Double {
        (Double(seconds) / 60 + Basket.overheadMinutes).rounded(toPlaces: 2)
    }

    public static let overheadMinutes = 3.0
    public static let maxQuantity = 99
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}

extension OrderService {
    /// The basket a token opens at this store; nil when unknown, expired or another store's.
    public func basket(storeID: Int64, token: String?) async throws -> Basket? {
        guard let token, Tokens.isWellFormedSecret(token) else { return nil }
        return try await pool.withConnection { try await loadBasket(storeID: storeID, token: token, in: $0) }
    }

    /// A new empty basket; the token is shown once and only its hash is kept.
    public func createBasket(storeID: Int64, now: Date = WallClock.now()) async throws -> (token: String, basket: Basket) {
        let token = Tokens.secret()
        let row = try await pool.query("""
            INSERT INTO baskets (store_id, token_hash, created_at, updated_at, expires_at)
            SELECT store_id, sha256(convert_to(\(token), 'UTF8')), \(now), \(now), \(now)::timestamptz + interval '30 days'
              FROM stores WHERE store_id = \(storeID) AND active
            RETURNING basket_id
            """)
        guard let basketID = try row.first?.decode(UUID.self, "basket_id") else { throw OrderError.storeNotTakingOrders }
        return (token, try await emptyBasket(storeID: storeID, basketID: basketID))
    }

    /// Adds `quantity` to a line (creating it), refusing more than the store can promise.
    public func add(storeID: Int64, token: String, productID: Int64, quantity: Int) async throws -> Basket {
        guard (1...Basket.maxQuantity).contains(quantity) else { throw OrderError.invalidQuantity(quantity) }
        return try await changeLine(storeID: storeID, token: token, productID: productID) { current in current + quantity }
    }

    /// Sets a line's quantity; 0 removes it.
    public func setQuantity(storeID: Int64, token: String, productID: Int64, quantity: Int) async throws -> Basket {
        guard (0...Basket.maxQuantity).contains(quantity) else { throw OrderError.invalidQuantity(quantity) }
        return try await changeLine(storeID: storeID, token: token, productID: productID) { _ in quantity }
    }

    private func changeLine(storeID: Int64, token: String, productID: Int64, _ newQuantity: @Sendable (Int) -> Int) async throws -> Basket {
        let now = WallClock.now()
        return try await pool.withTransaction { tx in
            let basketID = try await lockOpenBasket(storeID: storeID, token: token, now: now, in: tx)
            let product = try await tx.query("""
                SELECT p.name, sp.active, sp.stock_on_hand - sp.reserved AS available,
                       coalesce((SELECT quantity FROM basket_lines WHERE store_id = \(storeID) AND basket_id = \(basketID) AND product_id = \(productID)), 0) AS current
                FROM store_products sp JOIN products p ON p.product_id = sp.product_id
                WHERE sp.store_id = \(storeID) AND sp.product_id = \(productID)
                """)
            guard let row = product.first else { throw OrderError.productUnavailable(name: "This product") }
            let name = try row.decode(String.self, "name")
            let quantity = newQuantity(try row.decode(Int.self, "current"))
            guard quantity <= Basket.maxQuantity else { throw OrderError.invalidQuantity(quantity) }
            if quantity == 0 {
                try await tx.query("DELETE FROM basket_lines WHERE store_id = \(storeID) AND basket_id = \(basketID) AND product_id = \(productID)")
            } else {
                guard try row.decode(Bool.self, "active") else { throw OrderError.productUnavailable(name: name) }
                let available = try row.decode(Int.self, "available")
                guard quantity <= available else { throw OrderError.notEnoughStock(name: name, available: max(0, available)) }
                try await tx.query("""
                    INSERT INTO basket_lines (store_id, basket_id, product_id, quantity)
                    VALUES (\(storeID), \(basketID), \(productID), \(quantity))
                    ON CONFLICT (store_id, basket_id, product_id) DO UPDATE SET quantity = EXCLUDED.quantity
                    """)
            }
            try await tx.query("UPDATE baskets SET updated_at = \(now), expires_at = \(now)::timestamptz + interval '30 days' WHERE store_id = \(storeID) AND basket_id = \(basketID)")
            guard let basket = try await loadBasket(storeID: storeID, token: token, now: now, in: tx) else { throw OrderError.unknownBasket }
            return basket
        }
    }

    /// Locks the basket row for a change; refuses unknown, expired and already ordered baskets.
    func lockOpenBasket(storeID: Int64, token: String, now: Date = WallClock.now(), in tx: PostgresSession) async throws -> UUID {
        guard Tokens.isWellFormedSecret(token) else { throw OrderError.unknownBasket }
        let rows = try await tx.query("""
            SELECT basket_id, order_id FROM baskets
            WHERE store_id = \(storeID) AND token_hash = sha256(convert_to(\(token), 'UTF8')) AND expires_at > \(now)
            FOR UPDATE
            """)
        guard let row = rows.first else { throw OrderError.unknownBasket }
        guard try row.decode(UUID?.self, "order_id") == nil else { throw OrderError.basketAlreadyOrdered }
        return try row.decode(UUID.self, "basket_id")
    }

    /// `lock` takes the basket row for the caller's transaction in the same read.
    func loadBasket(storeID: Int64, token: String, lock: Bool = false, now: Date = WallClock.now(), in session: PostgresSession) async throws -> Basket? {
        let lockClause: SQL = lock ? "FOR UPDATE OF b" : ""
        // The lines come in the same round trip (a pipeline), found by the basket's token
        // rather than by the id the first statement answers; after its lock, when it locks.
        let answers = try await session.pipeline([
            """
            SELECT b.basket_id, b.hold_id, b.order_id, s.slot_fee_cents
            FROM baskets b JOIN stores s ON s.store_id = b.store_id
            WHERE b.store_id = \(storeID) AND b.token_hash = sha256(convert_to(\(token), 'UTF8')) AND b.expires_at > \(now)
            \(lockClause)
            """,
            """
            SELECT bl.product_id, bl.quantity, p.name, p.brand, p.size_text, p.temperature_zone, p.picking_seconds,
                   sp.price_cents, sp.active, sp.stock_on_hand - sp.reserved AS available
            FROM basket_lines bl
            JOIN store_products sp ON sp.store_id = bl.store_id AND sp.product_id = bl.product_id
            JOIN products p ON p.product_id = bl.product_id
            WHERE bl.store_id = \(storeID)
              AND bl.basket_id = (SELECT basket_id FROM baskets
                                   WHERE store_id = \(storeID) AND token_hash = sha256(convert_to(\(token), 'UTF8')) AND expires_at > \(now))
            ORDER BY bl.added_at, bl.product_id
            """,
        ])
        guard let row = answers[0].first else { return nil }
        let basketID = try row.decode(UUID.self, "basket_id")
        let lines = try answers[1].map { line in
            let quantity = try line.decode(Int.self, "quantity")
            let price = try line.decode(Int.self, "price_cents")
            return BasketLine(
                productID: try line.decode(Int64.self, "product_id"), name: try line.decode(String.self, "name"),
                brand: try line.decode(String.self, "brand"), sizeText: try line.decode(String.self, "size_text"),
                temperatureZone: try line.decode(String.self, "temperature_zone"), quantity: quantity,
                unitPriceCents: price, lineTotalCents: price * quantity,
                available: max(0, try line.decode(Int.self, "available")), active: try line.decode(Bool.self, "active"),
                pickingSeconds: try line.decode(Int.self, "picking_seconds")
            )
        }
        let subtotal = lines.reduce(0) { $0 + $1.lineTotalCents }
        let fee = try row.decode(Int.self, "slot_fee_cents")
        return Basket(
            storeID: storeID, basketID: basketID, lines: lines, itemCount: lines.reduce(0) { $0 + $1.quantity },
            subtotalCents: subtotal, feeCents: fee, totalCents: subtotal + fee,
            holdID: try row.decode(UUID?.self, "hold_id"), orderID: try row.decode(UUID?.self, "order_id")
        )
    }

    private func emptyBasket(storeID: Int64, basketID: UUID) async throws -> Basket {
        let fee = try await pool.query("SELECT slot_fee_cents FROM stores WHERE store_id = \(storeID)").single().decode(Int.self, "slot_fee_cents")
        return Basket(storeID: storeID, basketID: basketID, lines: [], itemCount: 0, subtotalCents: 0, feeCents: fee, totalCents: fee, holdID: nil, orderID: nil)
    }
}
