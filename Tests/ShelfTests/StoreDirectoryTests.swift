import Foundation
import Postgres
@testable import Shelf
import Testing
import TestSupport

@Suite("Stores by slug, remembered a few seconds")
struct StoreDirectoryTests {
    @Test("a store is read once, then served from memory until its lifetime ends; an unknown slug is never remembered")
    func lifetime() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await CatalogFixture.make(db.pool)
            let shelves = ShelfService(pool: db.pool, publicBaseURL: "https://creneau.example")
            // Times given, not read from the clock: a loaded machine may take longer than the lifetime between two lines.
            let readAt = Date()
            let first = try await shelves.store(slug: fixture.slug, now: readAt)
            #expect(first.slotFeeCents != 990)
            // Changed in the database: the remembered row is served within its lifetime…
            _ = try await db.pool.query("UPDATE stores SET slot_fee_cents = 990 WHERE store_id = \(fixture.storeID)")
            #expect(try await shelves.store(slug: fixture.slug, now: readAt.addingTimeInterval(StoreDirectory.lifetime - 0.5)) == first)
            // …and read again after it.
            #expect(shelves.directory.store(slug: fixture.slug, now: readAt.addingTimeInterval(StoreDirectory.lifetime + 0.5)) == nil)
            let again = try await shelves.store(slug: fixture.slug, now: readAt.addingTimeInterval(StoreDirectory.lifetime + 0.5))
            #expect(again.slotFeeCents == 990)
            await #expect(throws: ShelfError.unknownStore("nowhere")) { try await shelves.store(slug: "nowhere") }
            #expect(shelves.directory.store(slug: "nowhere") == nil)
        }
    }

    @Test("the directory never holds more than its capacity")
    func capacity() throws {
        let directory = StoreDirectory()
        let store = try JSONDecoder().decode(Store.self, from: Data(#"""
            {"id":1,"slug":"s","name":"S","address":"","timeZone":"Europe/Paris","slotFeeCents":0,"freshnessDays":3,"changeCutoffMinutes":120,"active":true}
            """#.utf8))
        for index in 0...StoreDirectory.capacity {
            var named = store
            named.slug = "store-\(index)"
            directory.remember(named)
        }
        #expect(directory.store(slug: "store-\(StoreDirectory.capacity)") != nil)
        #expect(directory.store(slug: "store-0") == nil)
    }
}
