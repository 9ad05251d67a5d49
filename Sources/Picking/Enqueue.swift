import Domain
import Foundation
import Logging
import Postgres

extension PickingService {
    /// Turns the placed orders whose picking window has opened (slot start −
    /// the store's lead minutes ≤ `now`) into queued tasks, one per
    /// temperature zone of their lines, and moves them to `picking` so the
    /// customer can no longer change or cancel them. One statement; running
    /// it again (or concurrently) enqueues nothing twice: only `placed`
    /// orders are taken, under their row lock, and (order, zone) is unique.
    /// A concurrent cancellation either wins (the order is not enqueued) or
    /// loses (it finds the order `picking` and refuses).
    @discardableResult
    public func enqueueDue(storeID: Int64, now: Date = WallClock.now()) async throws -> EnqueueSummary {
        // One statement, but in a retrying transaction: two sweeps locking the same
        // orders in different orders would deadlock, and the loser simply runs again.
        let row = try await pool.withTransaction { tx in
            try await tx.query(Self.enqueueStatement(storeID: storeID, now: now)).single()
        }
        let summary = EnqueueSummary(orders: try row.decode(Int.self, "orders"), tasks: try row.decode(Int.self, "tasks"))
        if summary.orders > 0 {
            logger.info("orders enqueued for picking", metadata: ["store": "\(storeID)", "orders": "\(summary.orders)", "tasks": "\(summary.tasks)"])
        }
        return summary
    }

    /// Starts picking one placed order now, before its lead time: a store with
    /// pickers free takes work early (the customer can no longer change or
    /// cancel it from then on, as for any order in picking).
    @discardableResult
    public func startEarly(storeID: Int64, orderID: UUID, now: Date = WallClock.now()) async throws -> EnqueueSummary {
        let row = try await pool.withTransaction { tx in
            try await tx.query(Self.enqueueStatement(storeID: storeID, now: now, only: orderID)).single()
        }
        let summary = EnqueueSummary(orders: try row.decode(Int.self, "orders"), tasks: try row.decode(Int.self, "tasks"))
        guard summary.orders == 1 else {
            let status = try await pool.query("SELECT status FROM orders WHERE store_id = \(storeID) AND order_id = \(orderID)").first
            guard let status else { throw PickingError.unknownOrder }
            throw PickingError.notPlaced(status: try status.decode(String.self, "status"))
        }
        logger.info("order started early", metadata: ["store": "\(storeID)", "order": "\(orderID)", "tasks": "\(summary.tasks)"])
        return summary
    }

    /// Due orders, or with `only` that one placed order whatever its lead time.
    static func enqueueStatement(storeID: Int64, now: Date, only orderID: UUID? = nil) -> SQL {
        let which: SQL = orderID.map { "o.order_id = \($0)" } ?? """
            o.slot_starts_at - make_interval(mins => coalesce(
                (SELECT t.lead_minutes FROM slot_templates t WHERE t.store_id = o.store_id), 60)) <= \(now)
            """
        return """
        WITH due AS (
            UPDATE orders o SET status = 'picking'
             WHERE o.store_id = \(storeID) AND o.status = 'placed' AND \(which)
            RETURNING o.store_id, o.order_id, o.order_number, o.slot_starts_at, o.placed_at
        ), zones AS (
            SELECT d.store_id, d.order_id, d.order_number, d.slot_starts_at, d.placed_at, ol.temperature_zone AS zone,
                   count(*)::int AS task_lines, (sum(count(*)) OVER (PARTITION BY d.order_id))::int AS order_lines
              FROM due d JOIN order_lines ol ON ol.store_id = d.store_id AND ol.order_id = d.order_id
             GROUP BY d.store_id, d.order_id, d.order_number, d.slot_starts_at, d.placed_at, ol.temperature_zone
        ), tasks AS (
            INSERT INTO picking_tasks (store_id, order_id, zone, due_at, order_lines, task_lines, tote_label, queued_at)
            SELECT store_id, order_id, zone, slot_starts_at, order_lines, task_lines,
                   order_number || '-' || upper(left(zone, 1)), \(now)
              FROM zones
             -- Task ids break the queue's ties (same slot, same size): first placed, first picked.
             ORDER BY slot_starts_at, placed_at, order_id, zone
            ON CONFLICT (store_id, order_id, zone) DO NOTHING
            RETURNING store_id, task_id, order_id, zone
        ), lines AS (
            INSERT INTO picking_lines (store_id, task_id, order_id, line_no, ordered_quantity)
            SELECT t.store_id, t.task_id, t.order_id, ol.line_no, ol.quantity
              FROM tasks t
              JOIN order_lines ol ON ol.store_id = t.store_id AND ol.order_id = t.order_id AND ol.temperature_zone = t.zone
            RETURNING line_no
        )
        SELECT (SELECT count(DISTINCT order_id) FROM tasks) AS orders, (SELECT count(*) FROM tasks) AS tasks,
               (SELECT count(*) FROM lines) AS lines
        """
    }
}
