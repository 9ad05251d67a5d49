import Domain
import Foundation
import Orders
import Postgres
import Shelf

/// An order line as an action finds it, locked with its task.
struct LockedLine {
    var lineNo: Int
    var productID: Int64
    var name: String
    var orderedQuantity: Int
    var pickedQuantity: Int
    var unitPriceCents: Int
    var status: LineStatus

    var remaining: Int { orderedQuantity - pickedQuantity }
}

extension PickingService {
    /// Records `quantity` more units of the line as picked. The line is done when
    /// all ordered units are picked; more than ordered is refused.
    public func pick(
        storeID: Int64, taskID: Int64, lineNo: Int, picker: String, quantity: Int, now: Date = WallClock.now()
    ) async throws -> PickingTask {
        let picker = try Self.validPicker(picker)
        try Self.checkQuantity(quantity)
        return try await pool.withTransaction { tx in
            let task = try await lockTask(storeID: storeID, taskID: taskID, picker: picker, in: tx)
            let line = try await lockPendingLine(storeID: storeID, task: task, lineNo: lineNo, in: tx)
            guard quantity <= line.remaining else { throw PickingError.tooMany(ordered: line.orderedQuantity, remaining: line.remaining) }
            let done = quantity == line.remaining
            try await tx.query("""
                UPDATE picking_lines
                   SET picked_quantity = picked_quantity + \(quantity),
                       status = CASE WHEN \(done) THEN 'picked' ELSE 'pending' END,
                       done_at = CASE WHEN \(done) THEN \(now)::timestamptz END
                 WHERE store_id = \(storeID) AND task_id = \(taskID) AND line_no = \(lineNo) AND status = 'pending'
                """)
            if done {
                try await finishLine(storeID: storeID, task: task, line: line, chargedCents: line.orderedQuantity * line.unitPriceCents,
                                     releaseOrdered: 0, now: now, in: tx)
            } else {
                try await progress(storeID: storeID, taskID: taskID, now: now, in: tx)
            }
            return try await reread(storeID: storeID, taskID: taskID, in: tx)
        }
    }

    /// Gives `quantity` units of another product (same zone, in stock) for what is
    /// left of the line, and closes it. The customer pays the substitute's price,
    /// but never more per unit than the ordered item unless they allowed it at checkout.
    /// The ordered product's unpicked units are released, the substitute's
    /// units reserved, the order's total recomputed, the timeline told.
    public func substitute(
        storeID: Int64, taskID: Int64, lineNo: Int, picker: String, productID: Int64, quantity: Int,
        now: Date = WallClock.now()
    ) async throws -> PickingTask {
        let picker = try Self.validPicker(picker)
        try Self.checkQuantity(quantity)
        return try await pool.withTransaction { tx in
            let task = try await lockTask(storeID: storeID, taskID: taskID, picker: picker, in: tx)
            let line = try await lockPendingLine(storeID: storeID, task: task, lineNo: lineNo, in: tx)
            guard quantity <= line.remaining else { throw PickingError.tooMany(ordered: line.orderedQuantity, remaining: line.remaining) }
            guard productID != line.productID else { throw PickingError.sameProduct }
            guard let product = try await tx.query("""
                SELECT p.name, p.temperature_zone, sp.price_cents
                  FROM store_products sp JOIN products p ON p.product_id = sp.product_id
                 WHERE sp.store_id = \(storeID) AND sp.product_id = \(productID) AND sp.active
                """).first else { throw PickingError.unknownProduct }
            let name = try product.decode(String.self, "name")
            let zone = try product.decode(String.self, "temperature_zone")
            guard zone == task.zone.rawValue else { throw PickingError.otherZone(substituteZone: zone, taskZone: task.zone.rawValue) }
            let reserved = try await tx.query("""
                UPDATE store_products SET reserved = reserved + \(quantity)
                 WHERE store_id = \(storeID) AND product_id = \(productID) AND reserved + \(quantity) <= stock_on_hand
                RETURNING product_id
                """)
            if reserved.isEmpty {
                let available = try await tx.query("""
                    SELECT greatest(stock_on_hand - reserved, 0) AS available FROM store_products
                     WHERE store_id = \(storeID) AND product_id = \(productID)
                    """).single().decode(Int.self, "available")
                throw PickingError.substituteOutOfStock(name: name, available: available)
            }
            let shelfPrice = try product.decode(Int.self, "price_cents")
            let unitPrice = Self.substitutePrice(shelf: shelfPrice, ordered: line.unitPriceCents, dearerAllowed: task.allowsDearerSubstitutes)
            try await tx.query("""
                UPDATE picking_lines
                   SET status = 'substituted', substitute_product_id = \(productID), substitute_quantity = \(quantity),
                       substitute_unit_price_cents = \(unitPrice), done_at = \(now)
                 WHERE store_id = \(storeID) AND task_id = \(taskID) AND line_no = \(lineNo) AND status = 'pending'
                """)
            let total = try await finishLine(
                storeID: storeID, task: task, line: line,
                chargedCents: line.pickedQuantity * line.unitPriceCents + quantity * unitPrice,
                releaseOrdered: line.remaining, now: now, in: tx
            )
            var note = "\(line.name) remplacé par \(name) : \(quantity) × \(PriceText.euros(cents: unitPrice))"
            if unitPrice < shelfPrice { note += " (au prix du produit commandé)" }
            if line.pickedQuantity > 0 { note += " ; \(line.pickedQuantity) sur \(line.orderedQuantity) fourni\(line.pickedQuantity > 1 ? "s" : "") comme commandé" }
            let unreplaced = line.remaining - quantity
            if unreplaced > 0 { note += " ; \(unreplaced) manquant\(unreplaced > 1 ? "s" : ""), non facturé\(unreplaced > 1 ? "s" : "")" }
            note += ". Nouveau total : \(PriceText.euros(cents: total))."
            try await OrderTimeline.append(storeID: storeID, orderID: task.orderID, kind: "substituted", at: now, detail: [
                "note": note, "line": String(lineNo), "product": line.name, "substitute": name,
                "quantity": String(quantity), "unit_price_cents": String(unitPrice), "total_cents": String(total),
            ], in: tx)
            return try await reread(storeID: storeID, taskID: taskID, in: tx)
        }
    }

    /// Closes the line with what was picked so far: the rest is missing, not
    /// charged, its reservation released, and the timeline says so.
    public func markMissing(storeID: Int64, taskID: Int64, lineNo: Int, picker: String, now: Date = WallClock.now()) async throws -> PickingTask {
        let picker = try Self.validPicker(picker)
        return try await pool.withTransaction { tx in
            let task = try await lockTask(storeID: storeID, taskID: taskID, picker: picker, in: tx)
            let line = try await lockPendingLine(storeID: storeID, task: task, lineNo: lineNo, in: tx)
            try await tx.query("""
                UPDATE picking_lines SET status = 'missing', done_at = \(now)
                 WHERE store_id = \(storeID) AND task_id = \(taskID) AND line_no = \(lineNo) AND status = 'pending'
                """)
            let total = try await finishLine(
                storeID: storeID, task: task, line: line, chargedCents: line.pickedQuantity * line.unitPriceCents,
                releaseOrdered: line.remaining, now: now, in: tx
            )
            let missing = line.remaining
            var note = line.pickedQuantity == 0
                ? "\(line.name) manquant (\(missing) × \(PriceText.euros(cents: line.unitPriceCents))), non facturé."
                : "\(line.name) : \(missing) sur \(line.orderedQuantity) manquant\(missing > 1 ? "s" : ""), non facturé\(missing > 1 ? "s" : "")."
            note += " Nouveau total : \(PriceText.euros(cents: total))."
            try await OrderTimeline.append(storeID: storeID, orderID: task.orderID, kind: "missing", at: now, detail: [
                "note": note, "line": String(lineNo), "product": line.name, "quantity": String(missing), "total_cents": String(total),
            ], in: tx)
            return try await reread(storeID: storeID, taskID: taskID, in: tx)
        }
    }

    // MARK: - Shared steps

    static func checkQuantity(_ quantity: Int) throws {
        guard (1...99).contains(quantity) else { throw PickingError.invalidQuantity(quantity) }
    }

    /// The line of the locked task, refused unless it still waits for units.
    func lockPendingLine(storeID: Int64, task: LockedTask, lineNo: Int, in tx: PostgresSession) async throws -> LockedLine {
        guard task.status == .claimed || task.status == .picked else { throw PickingError.notClaimed(status: task.status.rawValue) }
        guard let row = try await tx.query("""
            SELECT pl.line_no, ol.product_id, ol.name, pl.ordered_quantity, pl.picked_quantity, ol.unit_price_cents, pl.status
              FROM picking_lines pl
              JOIN order_lines ol ON ol.store_id = pl.store_id AND ol.order_id = pl.order_id AND ol.line_no = pl.line_no
             WHERE pl.store_id = \(storeID) AND pl.task_id = \(task.taskID) AND pl.line_no = \(lineNo)
               FOR UPDATE OF pl
            """).first else { throw PickingError.unknownLine }
        let line = LockedLine(
            lineNo: lineNo, productID: try row.decode(Int64.self, "product_id"), name: try row.decode(String.self, "name"),
            orderedQuantity: try row.decode(Int.self, "ordered_quantity"), pickedQuantity: try row.decode(Int.self, "picked_quantity"),
            unitPriceCents: try row.decode(Int.self, "unit_price_cents"),
            status: LineStatus(rawValue: try row.decode(String.self, "status")) ?? .pending
        )
        guard line.status == .pending else { throw PickingError.lineAlreadyDone(status: line.status.rawValue) }
        return line
    }

    /// A line is settled: what it costs the customer, its ordered product's
    /// unpicked units back in stock, one more line done on the task (picked when
    /// it was the last), and the order's totals recomputed. Returns the new total.
    @discardableResult
    func finishLine(
        storeID: Int64, task: LockedTask, line: LockedLine, chargedCents: Int, releaseOrdered: Int, now: Date, in tx: PostgresSession
    ) async throws -> Int {
        try await tx.query("""
            UPDATE order_lines SET charged_cents = \(chargedCents)
             WHERE store_id = \(storeID) AND order_id = \(task.orderID) AND line_no = \(line.lineNo)
            """)
        if releaseOrdered > 0 {
            try await tx.query("""
                UPDATE store_products SET reserved = reserved - \(releaseOrdered)
                 WHERE store_id = \(storeID) AND product_id = \(line.productID)
                """)
        }
        try await tx.query("""
            UPDATE picking_tasks
               SET lines_done = lines_done + 1, last_progress_at = \(now),
                   status = CASE WHEN lines_done + 1 = task_lines THEN 'picked' ELSE status END,
                   picked_at = CASE WHEN lines_done + 1 = task_lines THEN \(now)::timestamptz ELSE picked_at END
             WHERE store_id = \(storeID) AND task_id = \(task.taskID)
            """)
        return try await Self.recomputeTotals(storeID: storeID, orderID: task.orderID, in: tx)
    }

    /// orders.subtotal_cents is the sum of its lines: charged when settled, as agreed otherwise.
    /// The caller holds the order's row lock, so concurrent zones cannot lose an update.
    static func recomputeTotals(storeID: Int64, orderID: UUID, in tx: PostgresSession) async throws -> Int {
        try await tx.query("""
            UPDATE orders o
               SET subtotal_cents = l.subtotal, total_cents = l.subtotal + o.fee_cents
              FROM (SELECT coalesce(sum(coalesce(charged_cents, quantity * unit_price_cents)), 0)::int AS subtotal
                      FROM order_lines WHERE store_id = \(storeID) AND order_id = \(orderID)) l
             WHERE o.store_id = \(storeID) AND o.order_id = \(orderID)
            RETURNING o.total_cents
            """).single().decode(Int.self, "total_cents")
    }

    func progress(storeID: Int64, taskID: Int64, now: Date, in tx: PostgresSession) async throws {
        try await tx.query("UPDATE picking_tasks SET last_progress_at = \(now) WHERE store_id = \(storeID) AND task_id = \(taskID)")
    }

    func reread(storeID: Int64, taskID: Int64, in tx: PostgresSession) async throws -> PickingTask {
        guard let task = try await TaskQuery.task(storeID: storeID, taskID: taskID, in: tx) else { throw PickingError.unknownTask }
        return task
    }
}
