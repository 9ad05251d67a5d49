import Postgres
import Shelf
import Testing
import TestSupport

@Suite("Stock moves")
struct StockMovesTests {
    /// A reservation of `moves`, in the order given (as a basket gives them, not sorted).
    static func reserve(_ fixture: CatalogFixture, _ moves: [(product: Int64, quantity: Int)]) -> SQL {
        StockMoves.update(
            storeID: fixture.storeID,
            source: "unnest(\(moves.map { Int($0.product) }), \(moves.map(\.quantity))) AS w(product_id, quantity)",
            set: "reserved = sp.reserved + m.quantity",
            onlyIf: "AND sp.reserved + m.quantity <= sp.stock_on_hand",
            returning: "RETURNING sp.product_id"
        )
    }

    @Test("rows are locked in product order, whatever order the moves come in, so two writers cannot deadlock")
    func lockedInProductOrder() async throws {
        try await TestDatabase.withSchema(maxConnections: 3) { db in
            let fixture = try await CatalogFixture.make(db.pool)
            let (low, high) = (fixture.productIDs[0], fixture.productIDs[1])
            // Another transaction holds the higher product's row.
            let writer = try await db.pool.withTransaction { holder in
                try await holder.query("SELECT 1 FROM store_products WHERE store_id = \(fixture.storeID) AND product_id = \(high) FOR UPDATE")
                let writer = Task { try await db.pool.query(Self.reserve(fixture, [(high, 2), (low, 1)])).count }
                // The writer took the lower product first and now waits for the higher one:
                // the lower row is locked although the moves named it last.
                var lowerLocked = false
                for _ in 0..<200 where !lowerLocked {
                    try await Task.sleep(for: .milliseconds(10))
                    do {
                        try await db.pool.query("""
                            SELECT 1 FROM store_products WHERE store_id = \(fixture.storeID) AND product_id = \(low) FOR UPDATE NOWAIT
                            """)
                    } catch let error as PostgresError where error.sqlState == "55P03" {
                        lowerLocked = true
                    }
                }
                #expect(lowerLocked)
                return writer
            }
            // Released by the holder's commit, the writer moved both rows.
            #expect(try await writer.value == 2)
            let reserved = try await db.pool.query("""
                SELECT product_id, reserved FROM store_products WHERE store_id = \(fixture.storeID) AND product_id IN (\(low), \(high)) ORDER BY product_id
                """).map { try ($0.decode(Int64.self, "product_id"), $0.decode(Int.self, "reserved")) }
            #expect(reserved.map(\.1) == [1, 2])
        }
    }

    @Test("a row failing the condition is left as it is and not returned; the others move")
    func conditionLeavesARowAlone() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await CatalogFixture.make(db.pool)
            // The fourth default product has 1 in stock.
            let (plenty, last) = (fixture.productIDs[1], fixture.productIDs[3])
            let moved = try await db.pool.query(Self.reserve(fixture, [(last, 2), (plenty, 3)]))
                .map { try $0.decode(Int64.self, "product_id") }
            #expect(moved == [plenty])
            let reserved = try await db.pool.query("""
                SELECT reserved FROM store_products WHERE store_id = \(fixture.storeID) AND product_id IN (\(plenty), \(last)) ORDER BY product_id
                """).map { try $0.decode(Int.self, "reserved") }
            #expect(reserved == [3, 0])
        }
    }
}
