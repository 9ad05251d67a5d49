import Foundation
import Postgres
import Shelf
import Testing
import TestSupport

@Suite("Catalog, scans and posters from the database")
struct CatalogTests {
    @Test("a scan resolves store, shelf and product and is recorded anonymously")
    func scanLanding() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await CatalogFixture.make(db.pool)
            let shelves = ShelfService(pool: db.pool, publicBaseURL: "https://creneau.example")
            let landing = try await shelves.landing(code: fixture.codes[1])
            #expect(landing.store.slug == fixture.slug)
            #expect(landing.store.name == "Magasin " + fixture.slug)
            #expect(landing.shelfSlug == fixture.shelfSlug)
            #expect(landing.product.productID == fixture.productIDs[1])
            #expect(landing.product.name == "Pâtes « fusilli » & co")
            #expect(landing.product.priceCents == 149)
            // French typography puts a non-breaking space before €.
            #expect(landing.product.unitPriceText?.replacingOccurrences(of: "\u{00A0}", with: " ") == "2,98 € / kg")
            #expect(landing.product.available == 30)
            // Exactly these columns exist: nothing that could identify the person scanning.
            let columns = try await db.pool.query("""
                SELECT string_agg(column_name, ',' ORDER BY ordinal_position) AS names
                FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'scans'
                """).single().decode(String.self, "names")
            #expect(columns == "store_id,scan_id,shelf_id,product_id,scanned_at")
            let scans = try await db.pool.query("SELECT count(*) AS n FROM scans WHERE product_id = \(fixture.productIDs[1])")
            #expect(try scans.single().decode(Int.self, "n") == 1)
        }
    }

    @Test("unknown, malformed and retired codes are not found, and record nothing")
    func unknownCodes() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await CatalogFixture.make(db.pool)
            let shelves = ShelfService(pool: db.pool, publicBaseURL: "https://creneau.example")
            for code in ["NOPE1234567", "x", "'; DROP TABLE scans; --", String(repeating: "A", count: 40)] {
                await #expect(throws: CatalogError.unknownScanCode) { try await shelves.landing(code: code) }
            }
            try await db.pool.query("UPDATE shelves SET retired_at = now() WHERE store_id = \(fixture.storeID)")
            await #expect(throws: CatalogError.unknownScanCode) { try await shelves.landing(code: fixture.codes[0]) }
            #expect(try await db.pool.query("SELECT count(*) AS n FROM scans").single().decode(Int.self, "n") == 0)
        }
    }

    @Test("a shelf of another store is not found through this store")
    func storeIsolation() async throws {
        try await TestDatabase.withSchema { db in
            let first = try await CatalogFixture.make(db.pool, slug: "store-a")
            _ = try await CatalogFixture.make(db.pool, slug: "store-b")
            let shelves = ShelfService(pool: db.pool, publicBaseURL: "https://creneau.example")
            let storeB = try await shelves.store(slug: "store-b")
            await #expect(throws: CatalogError.unknownProduct) { try await shelves.product(storeID: storeB.id, productID: first.productIDs[0]) }
            await #expect(throws: ShelfError.unknownStore("store-c")) { try await shelves.store(slug: "store-c") }
        }
    }

    @Test("the poster built from the database holds one decodable QR per item, with the exact public URL")
    func posterFromDatabase() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await CatalogFixture.make(db.pool)
            let shelves = ShelfService(pool: db.pool, publicBaseURL: "https://creneau.example/")
            let store = try await shelves.store(slug: fixture.slug)
            let poster = try await shelves.poster(store: store, shelfSlug: fixture.shelfSlug)
            let decoded = try withTemporaryDirectory { directory in
                try ScanTools.decode(try ScanTools.rasterize(poster.page(0), dpi: 150, in: directory))
            }
            #expect(Set(decoded) == Set(fixture.codes.map { "https://creneau.example/s/\($0)" }))
        }
    }
}
