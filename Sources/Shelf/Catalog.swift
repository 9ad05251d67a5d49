import Domain
import Foundation
import Postgres

/// A product as sold at one store: reference data plus the store's price and stock.
public struct StoreProduct: Sendable, Codable, Equatable {
    public var productID: Int64
    public var gtin: String?
    public var name: String
    public var brand: String
    public var sizeText: String
    public var category: String
    public var temperatureZone: String
    public var imageURL: String?
    public var fresh: Bool
    public var ingredients: String?
    public var allergens: [String]
    public var nutrition: [String: Double]?
    public var origin: String?
    public var priceCents: Int
    /// "1,98 € / kg", as shelf labels must show; nil when no net quantity is known.
    public var unitPriceText: String?
    /// Units that can still be promised: on hand minus reserved.
    public var available: Int
    public var active: Bool
    public var pickingSeconds: Int

    static let columns: SQL = """
        p.product_id, p.gtin, p.name, p.brand, p.size_text, p.category, p.temperature_zone, p.image_url, p.fresh,
        p.ingredients, p.allergens, p.nutrition, p.origin, p.net_quantity, p.net_unit, p.picking_seconds,
        sp.price_cents, sp.stock_on_hand - sp.reserved AS available, sp.active
        """

    init(row: PostgresRow) throws {
        productID = try row.decode(Int64.self, "product_id")
        gtin = try row.decode(String?.self, "gtin")
        name = try row.decode(String.self, "name")
        brand = try row.decode(String.self, "brand")
        sizeText = try row.decode(String.self, "size_text")
        category = try row.decode(String.self, "category")
        temperatureZone = try row.decode(String.self, "temperature_zone")
        imageURL = try row.decode(String?.self, "image_url")
        fresh = try row.decode(Bool.self, "fresh")
        ingredients = try row.decode(String?.self, "ingredients")
        allergens = try row.decode([String].self, "allergens")
        nutrition = try row.decode(JSONColumn<[String: Double]>?.self, "nutrition")?.value
        origin = try row.decode(String?.self, "origin")
        priceCents = try row.decode(Int.self, "price_cents")
        available = max(0, try row.decode(Int.self, "available"))
        active = try row.decode(Bool.self, "active")
        pickingSeconds = try row.decode(Int.self, "picking_seconds")
        let quantity = try row.decode(Double?.self, "net_quantity")
        let unit = try row.decode(String?.self, "net_unit")
        unitPriceText = Self.unitPrice(priceCents: priceCents, quantity: quantity, unit: unit)
    }

    static func unitPrice(priceCents: Int, quantity: Double?, unit: String?) -> String? {
        guard let quantity, let unit else { return nil }
        let netUnit: PosterItem.NetQuantity.Unit
        switch unit {
        case "kg": netUnit = .kilogram
        case "l": netUnit = .litre
        default: netUnit = .piece
        }
        return PriceText.perUnit(priceCents: priceCents, quantity: .init(quantity, netUnit))
    }
}

/// What a poster scan lands on.
public struct ScanLanding: Sendable, Codable, Equatable {
    public var store: Store
    public var shelfSlug: String
    public var shelfTitle: String
    public var product: StoreProduct
    public var scanID: Int64
}

public struct ShelfItem: Sendable, Codable, Equatable {
    public var code: String
    public var position: Int
    public var product: StoreProduct
}

public struct ShelfPage: Sendable, Codable, Equatable {
    public var store: Store
    public var slug: String
    public var title: String
    public var location: String
    public var paper: String
    public var items: [ShelfItem]
}

public enum CatalogError: DomainError, Equatable {
    case unknownScanCode
    case unknownShelf(String)
    case unknownProduct
    case posterPageOutOfRange(Int)

    public var kind: DomainErrorKind {
        switch self {
        case .unknownScanCode, .unknownShelf, .unknownProduct, .posterPageOutOfRange: .notFound
        }
    }

    public var code: String {
        switch self {
        case .unknownScanCode: "unknown-scan-code"
        case .unknownShelf: "unknown-shelf"
        case .unknownProduct: "unknown-product"
        case .posterPageOutOfRange: "unknown-poster-page"
        }
    }

    public var detail: String {
        switch self {
        case .unknownScanCode: "This code is not, or no longer, on any of our posters."
        case .unknownShelf(let slug): "There is no shelf \"\(slug)\" at this store."
        case .unknownProduct: "This product is not sold at this store."
        case .posterPageOutOfRange(let page): "This poster has no page \(page)."
        }
    }
}

extension ShelfService {
    /// Scan codes are 8 to 16 letters and digits; anything else cannot exist.
    public static func isWellFormedScanCode(_ code: String) -> Bool {
        (8...16).contains(code.count) && code.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    /// Resolves a poster code and records the anonymous scan, in one round
    /// trip: this is the page a phone opens from the subway. The scan is a count for
    /// the conversion report, acknowledged to no one: its commit does not wait for the
    /// disk (a PostgreSQL crash may lose the last second of scans, nothing else).
    public func landing(code: String, now: Date = WallClock.now()) async throws -> ScanLanding {
        guard Self.isWellFormedScanCode(code) else { throw CatalogError.unknownScanCode }
        let rows = try await pool.query("""
            WITH item AS (
                SELECT si.store_id, si.shelf_id, si.product_id, s.slug AS shelf_slug, s.title AS shelf_title
                FROM shelf_items si
                JOIN shelves s ON s.store_id = si.store_id AND s.shelf_id = si.shelf_id
                JOIN stores st ON st.store_id = si.store_id
                WHERE si.code = \(code) AND s.retired_at IS NULL AND st.active
            ), scan AS (
                INSERT INTO scans (store_id, shelf_id, product_id, scanned_at)
                SELECT store_id, shelf_id, product_id, \(now) FROM item
                RETURNING scan_id
            )
            SELECT \(StoreProduct.columns), (SELECT scan_id FROM scan) AS scan_id, item.shelf_slug, item.shelf_title,
                   st.store_id AS store_store_id, st.slug AS store_slug, st.name AS store_name, st.address AS store_address,
                   st.time_zone AS store_time_zone, st.slot_fee_cents AS store_slot_fee_cents,
                   st.freshness_days AS store_freshness_days, st.change_cutoff_minutes AS store_change_cutoff_minutes,
                   st.active AS store_active
            FROM item
            JOIN store_products sp ON sp.store_id = item.store_id AND sp.product_id = item.product_id
            JOIN products p ON p.product_id = item.product_id
            JOIN stores st ON st.store_id = item.store_id
            """, waitForFlush: false)
        guard let row = rows.first else { throw CatalogError.unknownScanCode }
        return ScanLanding(
            store: try Store(row: row, prefix: "store_"),
            shelfSlug: try row.decode(String.self, "shelf_slug"),
            shelfTitle: try row.decode(String.self, "shelf_title"),
            product: try StoreProduct(row: row),
            scanID: try row.decode(Int64.self, "scan_id")
        )
    }

    public func shelf(store: Store, slug: String) async throws -> ShelfPage {
        let header = try await pool.query("""
            SELECT shelf_id, title, location, paper FROM shelves
            WHERE store_id = \(store.id) AND slug = \(slug) AND retired_at IS NULL
            """)
        guard let shelf = header.first else { throw CatalogError.unknownShelf(slug) }
        let shelfID = try shelf.decode(Int64.self, "shelf_id")
        let items = try await pool.query("""
            SELECT si.code, si.position, \(StoreProduct.columns)
            FROM shelf_items si
            JOIN store_products sp ON sp.store_id = si.store_id AND sp.product_id = si.product_id
            JOIN products p ON p.product_id = si.product_id
            WHERE si.store_id = \(store.id) AND si.shelf_id = \(shelfID)
            ORDER BY si.position
            """)
        return ShelfPage(
            store: store, slug: slug,
            title: try shelf.decode(String.self, "title"),
            location: try shelf.decode(String.self, "location"),
            paper: try shelf.decode(String.self, "paper"),
            items: try items.map { ShelfItem(code: try $0.decode(String.self, "code"), position: try $0.decode(Int.self, "position"), product: try StoreProduct(row: $0)) }
        )
    }

    public func shelves(store: Store) async throws -> [(slug: String, title: String, location: String)] {
        try await pool.query("""
            SELECT slug, title, location FROM shelves WHERE store_id = \(store.id) AND retired_at IS NULL ORDER BY shelf_id
            """).map { (try $0.decode(String.self, "slug"), try $0.decode(String.self, "title"), try $0.decode(String.self, "location")) }
    }

    /// One product of this store, whatever its stock; unknown or another store's → not found.
    public func product(storeID: Int64, productID: Int64) async throws -> StoreProduct {
        let rows = try await pool.query("""
            SELECT \(StoreProduct.columns) FROM store_products sp JOIN products p ON p.product_id = sp.product_id
            WHERE sp.store_id = \(storeID) AND sp.product_id = \(productID)
            """)
        guard let row = rows.first else { throw CatalogError.unknownProduct }
        return try StoreProduct(row: row)
    }

    /// The shelf's printable poster pages; each QR holds the public URL of its product's code.
    public func poster(store: Store, shelfSlug: String) async throws -> PosterSVG {
        let shelf = try await shelf(store: store, slug: shelfSlug)
        let items = shelf.items.map { item in
            PosterItem(
                name: item.product.name, brand: item.product.brand, sizeText: item.product.sizeText,
                priceCents: item.product.priceCents,
                unitPrice: .text(item.product.unitPriceText ?? ""),
                imageURL: item.product.imageURL,
                url: scanURL(code: item.code)
            )
        }
        return try PosterSVG(PosterContent(
            title: shelf.title, storeName: store.name, storeAddress: store.address, location: shelf.location,
            items: items, paper: shelf.paper == "a3" ? .a3 : .a4
        ))
    }

    public func scanURL(code: String) -> String {
        publicBaseURL + "/s/" + code
    }
}
