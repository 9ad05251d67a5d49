import Foundation
import Postgres

/// A small store built with plain SQL, for tests that need real catalog rows.
public struct CatalogFixture: Sendable {
    public struct Product: Sendable {
        public var name: String
        public var priceCents: Int
        public var stock: Int
        public var zone: String
        public var netQuantity: Double?
        public var netUnit: String?

        public init(_ name: String, priceCents: Int, stock: Int, zone: String = "ambient", netQuantity: Double? = nil, netUnit: String? = nil) {
            self.name = name
            self.priceCents = priceCents
            self.stock = stock
            self.zone = zone
            self.netQuantity = netQuantity
            self.netUnit = netUnit
        }
    }

    public let storeID: Int64
    public let slug: String
    public let shelfID: Int64
    public let shelfSlug: String
    /// Product ids in the order given.
    public let productIDs: [Int64]
    /// Scan codes of the shelf items, in the order given.
    public let codes: [String]

    public static let defaultProducts: [Product] = [
        Product("Lait demi-écrémé", priceCents: 109, stock: 50, zone: "chilled", netQuantity: 1, netUnit: "l"),
        Product("Pâtes « fusilli » & co", priceCents: 149, stock: 30, netQuantity: 0.5, netUnit: "kg"),
        Product("Glace vanille", priceCents: 399, stock: 10, zone: "frozen", netQuantity: 0.9, netUnit: "l"),
        Product("Dernier pot de miel", priceCents: 650, stock: 1, netQuantity: 0.25, netUnit: "kg"),
    ]

    /// A store open every day 08:00–20:00 in Europe/Paris, with `products` on one shelf.
    public static func make(
        _ pool: PostgresPool, slug: String = "test-store", feeCents: Int = 190, products: [Product] = defaultProducts
    ) async throws -> CatalogFixture {
        try await pool.withTransaction { tx in
            let storeID = try await tx.query("""
                INSERT INTO stores (slug, name, address, time_zone, slot_fee_cents)
                VALUES (\(slug), \("Magasin " + slug), '1 rue du Test, Paris', 'Europe/Paris', \(feeCents)) RETURNING store_id
                """).single().decode(Int64.self, "store_id")
            try await tx.query("""
                INSERT INTO store_hours (store_id, weekday, opens, closes) SELECT \(storeID), day, '08:00', '20:00' FROM generate_series(1, 7) AS day
                """)
            var productIDs: [Int64] = []
            for (index, product) in products.enumerated() {
                let productID = try await tx.query("""
                    INSERT INTO products (name, brand, size_text, category, temperature_zone, picking_seconds, net_quantity, net_unit)
                    VALUES (\(product.name), 'Marque', '1 u', 'Test', \(product.zone), \(30 + index), \(product.netQuantity), \(product.netUnit))
                    RETURNING product_id
                    """).single().decode(Int64.self, "product_id")
                try await tx.query("""
                    INSERT INTO store_products (store_id, product_id, price_cents, stock_on_hand, walk_sequence)
                    VALUES (\(storeID), \(productID), \(product.priceCents), \(product.stock), \(index))
                    """)
                productIDs.append(productID)
            }
            let shelfSlug = "rayon-test"
            let shelfID = try await tx.query("""
                INSERT INTO shelves (store_id, slug, title, location) VALUES (\(storeID), \(shelfSlug), 'Rayon test', 'Quai 2') RETURNING shelf_id
                """).single().decode(Int64.self, "shelf_id")
            var codes: [String] = []
            for (position, productID) in productIDs.enumerated() {
                let code = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12))
                try await tx.query("""
                    INSERT INTO shelf_items (store_id, shelf_id, product_id, position, code)
                    VALUES (\(storeID), \(shelfID), \(productID), \(position), \(code))
                    """)
                codes.append(code)
            }
            return CatalogFixture(storeID: storeID, slug: slug, shelfID: shelfID, shelfSlug: shelfSlug, productIDs: productIDs, codes: codes)
        }
    }
}
