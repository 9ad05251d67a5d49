import Foundation
import Postgres

/// A product the picker may give instead of an ordered one, with what the customer would pay.
public struct SubstituteOption: Sendable, Codable, Equatable {
    public var productID: Int64
    public var name: String
    public var brand: String
    public var sizeText: String
    public var aisle: String
    public var shelfPriceCents: Int
    /// What the customer is charged per unit: the shelf price, capped at the ordered item's price unless they allowed dearer.
    public var chargedCents: Int
    public var available: Int
}

extension PickingService {
    /// The price rule: a substitute never costs more per unit than the item ordered, unless the customer allowed it.
    static func substitutePrice(shelf: Int, ordered: Int, dearerAllowed: Bool) -> Int {
        dearerAllowed ? shelf : min(shelf, ordered)
    }

    /// What could replace a pending line: products of the same category and
    /// temperature zone in stock at this store, closest in price first.
    public func substituteOptions(storeID: Int64, taskID: Int64, lineNo: Int, limit: Int = 8) async throws -> [SubstituteOption] {
        let rows = try await pool.query("""
            SELECT ordered.unit_price_cents AS ordered_price, o.allow_dearer_substitutes,
                   p.product_id, p.name, p.brand, p.size_text, sp.aisle, sp.price_cents,
                   greatest(sp.stock_on_hand - sp.reserved, 0) AS available
              FROM picking_lines pl
              JOIN order_lines ordered ON ordered.store_id = pl.store_id AND ordered.order_id = pl.order_id AND ordered.line_no = pl.line_no
              JOIN orders o ON o.store_id = pl.store_id AND o.order_id = pl.order_id
              JOIN products op ON op.product_id = ordered.product_id
              LEFT JOIN LATERAL (
                   SELECT s.* FROM store_products s JOIN products c ON c.product_id = s.product_id
                    WHERE s.store_id = pl.store_id AND s.active AND s.product_id <> ordered.product_id
                      AND c.category = op.category AND c.temperature_zone = op.temperature_zone
                      AND s.stock_on_hand > s.reserved
                    ORDER BY abs(s.price_cents - ordered.unit_price_cents), s.product_id
                    LIMIT \(Int32(max(1, min(limit, 20))))
              ) sp ON true
              LEFT JOIN products p ON p.product_id = sp.product_id
             WHERE pl.store_id = \(storeID) AND pl.task_id = \(taskID) AND pl.line_no = \(Int32(clamping: lineNo))
            """)
        guard let first = rows.first else { throw PickingError.unknownLine }
        let orderedPrice = try first.decode(Int.self, "ordered_price")
        let dearerAllowed = try first.decode(Bool.self, "allow_dearer_substitutes")
        return try rows.compactMap { row in
            guard let productID = try row.decode(Int64?.self, "product_id") else { return nil }
            let shelf = try row.decode(Int.self, "price_cents")
            return SubstituteOption(
                productID: productID, name: try row.decode(String.self, "name"), brand: try row.decode(String.self, "brand"),
                sizeText: try row.decode(String.self, "size_text"), aisle: try row.decode(String.self, "aisle"),
                shelfPriceCents: shelf, chargedCents: Self.substitutePrice(shelf: shelf, ordered: orderedPrice, dearerAllowed: dearerAllowed),
                available: try row.decode(Int.self, "available")
            )
        }
    }
}
