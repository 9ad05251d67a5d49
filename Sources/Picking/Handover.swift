import Domain
import Foundation
import Orders
import Postgres
import Shelf
import Slots

extension PickingService {
    /// Hands a ready order to the customer who checked in: the order becomes
    /// handed_over, the stock given leaves the store (on hand and reserved both
    /// go down by what was picked and substituted), the timeline says so, and the
    /// wait (handover − max(arrival, slot start)) is recorded on the slot booking
    /// through Slots, all in one transaction. An order that is not ready, or
    /// whose customer has not checked in, is refused and nothing changes.
    public func handOver(storeID: Int64, orderID: UUID, now: Date = WallClock.now()) async throws -> Handover {
        try await pool.withTransaction { tx in
            guard let order = try await tx.query("""
                SELECT status, total_cents FROM orders WHERE store_id = \(storeID) AND order_id = \(orderID) FOR UPDATE
                """).first else { throw PickingError.unknownOrder }
            let status = try order.decode(String.self, "status")
            switch status {
            case "ready": break
            case "handed_over": throw PickingError.alreadyHandedOver
            default: throw PickingError.notReady(status: status)
            }
            guard let arrival = try await tx.query("""
                SELECT arrived_at FROM arrivals WHERE store_id = \(storeID) AND order_id = \(orderID) AND handed_over_at IS NULL
                """).first else { throw PickingError.notArrived }
            let arrivedAt = try arrival.decode(Date.self, "arrived_at")
            guard now >= arrivedAt else { throw PickingError.invalid("The handover cannot be earlier than the customer's arrival.") }

            // A product can be both ordered on one line and given as a substitute on
            // another, so the moves are summed per product before the one UPDATE.
            try await tx.query(StockMoves.update(
                storeID: storeID,
                source: """
                    (SELECT product_id, sum(quantity)::int AS quantity FROM (
                        SELECT ol.product_id, pl.picked_quantity AS quantity
                          FROM picking_lines pl
                          JOIN order_lines ol ON ol.store_id = pl.store_id AND ol.order_id = pl.order_id AND ol.line_no = pl.line_no
                         WHERE pl.store_id = \(storeID) AND pl.order_id = \(orderID)
                        UNION ALL
                        SELECT pl.substitute_product_id, pl.substitute_quantity
                          FROM picking_lines pl
                         WHERE pl.store_id = \(storeID) AND pl.order_id = \(orderID) AND pl.substitute_product_id IS NOT NULL
                    ) given GROUP BY product_id HAVING sum(quantity) > 0) moved
                    """,
                set: "stock_on_hand = sp.stock_on_hand - m.quantity, reserved = sp.reserved - m.quantity"
            ))
            try await tx.query("UPDATE orders SET status = 'handed_over' WHERE store_id = \(storeID) AND order_id = \(orderID)")
            try await tx.query("""
                UPDATE arrivals SET handed_over_at = \(now) WHERE store_id = \(storeID) AND order_id = \(orderID)
                """)
            let wait = try await slots.recordHandover(storeID: storeID, orderID: orderID, arrivedAt: arrivedAt, handedOverAt: now, in: tx)
            try await OrderTimeline.append(storeID: storeID, orderID: orderID, kind: "handed_over", at: now, detail: [
                "note": "Commande remise. Merci et à bientôt !", "wait_minutes": NumberText.fixed(wait, places: 1),
            ], in: tx)
            return Handover(
                orderID: orderID, arrivedAt: arrivedAt, handedOverAt: now, waitMinutes: wait,
                totalCents: try order.decode(Int.self, "total_cents")
            )
        }
    }
}
