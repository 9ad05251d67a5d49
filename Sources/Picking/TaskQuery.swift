import Foundation
import Postgres

/// Reading tasks with their lines: one SELECT shared by claims and by every
/// action that answers with the task as it now is.
enum TaskQuery {
    /// Tasks of `source` (a CTE name or a parenthesised query yielding
    /// picking_tasks rows) with their lines, one row per line: tasks in queue
    /// order, lines in the store's walking order.
    static func withLines(from source: SQL) -> SQL {
        """
        SELECT t.store_id, t.task_id, t.order_id, o.order_number, t.zone, t.status, t.due_at, t.order_lines,
               t.tote_label, t.claimed_by, t.claimed_at, t.last_progress_at, t.claim_count, t.staging_location,
               pl.line_no, ol.product_id, ol.name, ol.brand, ol.size_text, sp.aisle, sp.walk_sequence,
               pl.ordered_quantity, pl.picked_quantity, ol.unit_price_cents, pl.status AS line_status,
               pl.substitute_product_id, sub.name AS substitute_name, pl.substitute_quantity, pl.substitute_unit_price_cents
          FROM \(source) t
          JOIN orders o ON o.store_id = t.store_id AND o.order_id = t.order_id
          JOIN picking_lines pl ON pl.store_id = t.store_id AND pl.task_id = t.task_id
          JOIN order_lines ol ON ol.store_id = pl.store_id AND ol.order_id = pl.order_id AND ol.line_no = pl.line_no
          JOIN store_products sp ON sp.store_id = ol.store_id AND sp.product_id = ol.product_id
          LEFT JOIN products sub ON sub.product_id = pl.substitute_product_id
         ORDER BY t.due_at, t.order_lines, t.zone_rank, t.task_id, sp.walk_sequence, pl.line_no
        """
    }

    /// One task of a store, or nil.
    static func task(storeID: Int64, taskID: Int64, in session: PostgresSession) async throws -> PickingTask? {
        let source: SQL = "(SELECT * FROM picking_tasks WHERE store_id = \(storeID) AND task_id = \(taskID))"
        return try decode(try await session.query(withLines(from: source))).first
    }

    /// Groups the rows of `withLines` into tasks, keeping their order.
    static func decode(_ rows: PostgresRows) throws -> [PickingTask] {
        var tasks: [PickingTask] = []
        for row in rows {
            let taskID = try row.decode(Int64.self, "task_id")
            if tasks.last?.taskID != taskID {
                let zone = try row.decode(String.self, "zone")
                let status = try row.decode(String.self, "status")
                tasks.append(PickingTask(
                    taskID: taskID,
                    storeID: try row.decode(Int64.self, "store_id"),
                    orderID: try row.decode(UUID.self, "order_id"),
                    orderNumber: try row.decode(String.self, "order_number"),
                    zone: TemperatureZone(rawValue: zone) ?? .ambient,
                    status: TaskStatus(rawValue: status) ?? .queued,
                    dueAt: try row.decode(Date.self, "due_at"),
                    orderLines: try row.decode(Int.self, "order_lines"),
                    toteLabel: try row.decode(String.self, "tote_label"),
                    claimedBy: try row.decode(String?.self, "claimed_by"),
                    claimedAt: try row.decode(Date?.self, "claimed_at"),
                    lastProgressAt: try row.decode(Date?.self, "last_progress_at"),
                    claimCount: try row.decode(Int.self, "claim_count"),
                    stagingLocation: try row.decode(String?.self, "staging_location"),
                    lines: []
                ))
            }
            var substitute: Substitute?
            if let productID = try row.decode(Int64?.self, "substitute_product_id") {
                substitute = Substitute(
                    productID: productID,
                    name: try row.decode(String.self, "substitute_name"),
                    quantity: try row.decode(Int.self, "substitute_quantity"),
                    unitPriceCents: try row.decode(Int.self, "substitute_unit_price_cents")
                )
            }
            tasks[tasks.count - 1].lines.append(PickingLine(
                lineNo: try row.decode(Int.self, "line_no"),
                productID: try row.decode(Int64.self, "product_id"),
                name: try row.decode(String.self, "name"),
                brand: try row.decode(String.self, "brand"),
                sizeText: try row.decode(String.self, "size_text"),
                aisle: try row.decode(String.self, "aisle"),
                walkSequence: try row.decode(Int.self, "walk_sequence"),
                orderedQuantity: try row.decode(Int.self, "ordered_quantity"),
                pickedQuantity: try row.decode(Int.self, "picked_quantity"),
                unitPriceCents: try row.decode(Int.self, "unit_price_cents"),
                status: LineStatus(rawValue: try row.decode(String.self, "line_status")) ?? .pending,
                substitute: substitute
            ))
        }
        return tasks
    }
}
