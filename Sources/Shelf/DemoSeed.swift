import Domain
import Foundation
import Postgres

/// The demo store a new user meets on first `make run`: a Paris store with
/// its opening hours, the demo catalog with prices and stock, and three
/// posters. Store staffing and slots come from the slot allocator.
extension ShelfService {
    public static let demoStoreSlug = "creneau-rivoli"

    /// Creates the demo store unless it exists; returns it either way, and whether it was created.
    public func seedDemoStore() async throws -> (store: Store, created: Bool) {
        if let existing = try? await store(slug: Self.demoStoreSlug) { return (existing, false) }
        let storeID = try await pool.withTransaction { tx -> Int64 in
            let storeID = try await tx.query("""
                INSERT INTO stores (slug, name, address, time_zone, slot_fee_cents, freshness_days, change_cutoff_minutes)
                VALUES (\(Self.demoStoreSlug), 'Créneau Rivoli', '12 rue de Rivoli, 75004 Paris', 'Europe/Paris', 190, 3, 120)
                RETURNING store_id
                """).single().decode(Int64.self, "store_id")
            // Monday to Saturday 8:30–21:00, Sunday morning 9:00–13:00.
            try await tx.query("""
                INSERT INTO store_hours (store_id, weekday, opens, closes)
                SELECT \(storeID), day, '08:30'::time, '21:00'::time FROM generate_series(1, 6) AS day
                UNION ALL SELECT \(storeID), 7, '09:00'::time, '13:00'::time
                """)
            try await insertCatalog(storeID: storeID, in: tx)
            try await insertShelves(storeID: storeID, in: tx)
            return storeID
        }
        guard let created = try await store(id: storeID) else { throw ShelfError.unknownStore(Self.demoStoreSlug) }
        return (created, true)
    }

    private func insertCatalog(storeID: Int64, in tx: PostgresSession) async throws {
        let products = DemoCatalog.products
        // Reference data: the same GTIN is one product for every store.
        // Optional columns travel as text arrays where "" means NULL.
        try await tx.query("""
            INSERT INTO products (gtin, name, brand, size_text, net_quantity, net_unit, category, temperature_zone,
                                  picking_seconds, fresh, ingredients, allergens, nutrition, origin)
            SELECT p.gtin, p.name, p.brand, p.size_text, nullif(p.net_quantity, '')::numeric, nullif(p.net_unit, ''),
                   p.category, p.zone, p.picking_seconds, p.fresh, nullif(p.ingredients, ''),
                   string_to_array(p.allergens, '|'), nullif(p.nutrition, 'null')::jsonb, nullif(p.origin, '')
            FROM unnest(\(products.map(\.gtin)), \(products.map(\.name)), \(products.map(\.brand)), \(products.map(\.sizeText)),
                        \(products.map { $0.netQuantity.map { String($0) } ?? "" }), \(products.map { $0.netUnit ?? "" }),
                        \(products.map(\.category)), \(products.map(\.temperatureZone)), \(products.map(\.pickingSeconds)),
                        \(products.map(\.fresh)), \(products.map { $0.ingredients ?? "" }), \(products.map { $0.allergens.joined(separator: "|") }),
                        \(products.map { Self.json($0.nutritionPer100) }), \(products.map { $0.origin ?? "" }))
                 AS p(gtin, name, brand, size_text, net_quantity, net_unit, category, zone, picking_seconds, fresh,
                      ingredients, allergens, nutrition, origin)
            ON CONFLICT (gtin) DO NOTHING
            """)
        try await tx.query("""
            INSERT INTO store_products (store_id, product_id, price_cents, stock_on_hand, aisle, walk_sequence)
            SELECT \(storeID), p.product_id, s.price, s.stock, s.aisle, s.walk
            FROM unnest(\(products.map(\.gtin)), \(products.map(\.priceCents)), \(products.map(\.stock)), \(products.map(\.aisle)),
                        \(products.map(\.walkSequence))) AS s(gtin, price, stock, aisle, walk)
            JOIN products p ON p.gtin = s.gtin
            """)
    }

    private func insertShelves(storeID: Int64, in tx: PostgresSession) async throws {
        for shelf in DemoCatalog.shelves {
            let shelfID = try await tx.query("""
                INSERT INTO shelves (store_id, slug, title, location) VALUES (\(storeID), \(shelf.slug), \(shelf.title), \(shelf.location))
                RETURNING shelf_id
                """).single().decode(Int64.self, "shelf_id")
            try await addShelfItems(storeID: storeID, shelfID: shelfID, gtins: shelf.gtins, in: tx)
        }
    }

    /// Puts products on a shelf in order, each with a fresh random scan code.
    func addShelfItems(storeID: Int64, shelfID: Int64, gtins: [String], in tx: PostgresSession) async throws {
        try await tx.query("""
            INSERT INTO shelf_items (store_id, shelf_id, product_id, position, code)
            SELECT \(storeID), \(shelfID), p.product_id, item.position, item.code
            FROM unnest(\(gtins), \(gtins.map { _ in Self.newScanCode() })) WITH ORDINALITY AS item(gtin, code, position)
            JOIN products p ON p.gtin = item.gtin
            """)
    }

    /// 10 random letters and digits without look-alikes: about 58 bits, far beyond guessing.
    public static func newScanCode() -> String {
        RandomText.make(10, from: Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"))
    }

    static func json(_ nutrition: [String: Double]?) -> String {
        guard let nutrition, let data = try? JSONSerialization.data(withJSONObject: nutrition, options: [.sortedKeys]) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}
