import Domain
import Foundation
import Logging
import Postgres

extension PickingService {
    /// Claims the next task for `picker`, optionally in one zone, with its lines in
    /// walking order; nil when nothing is waiting.
    ///
    /// One statement: a CTE selects the head of the queue `FOR UPDATE SKIP LOCKED`
    /// (so concurrent pickers never wait on each other nor take the same task) and
    /// updates it to claimed in place. Queue order: earliest due (slot start) first,
    /// then smaller orders (fewer lines), then ambient → chilled → frozen, then age.
    /// A task whose holder made no progress for `claimTimeout` counts as waiting:
    /// it is taken over in its place in the queue, its done lines kept (a tote
    /// picked in full but never staged comes back `picked`, for the taker to stage).
    /// The first claim of an order writes `picking_started` on its timeline.
    public func claimNext(storeID: Int64, picker: String, zone: TemperatureZone? = nil, now: Date = WallClock.now()) async throws -> PickingTask? {
        let picker = try Self.validPicker(picker)
        // Autocommit, one round trip: it waits on nothing but its one order's row, whose
        // holders never wait on a task lock, so it cannot be part of a deadlock.
        let rows = try await pool.query(Self.claimNextStatement(
            storeID: storeID, picker: picker, zone: zone, now: now, staleBefore: now.addingTimeInterval(-claimTimeout)
        ))
        return try TaskQuery.decode(rows).first
    }

    /// Batch picking: claims up to `maxOrders` small tasks (at most `maxLines`
    /// lines each) of one zone at once, the first such tasks in queue order,
    /// each of a different order and in its own tote with its own label. One
    /// statement, with the same SKIP LOCKED selection as `claimNext`; a larger
    /// task is left for a single claim, without holding the batch back.
    public func claimBatch(
        storeID: Int64, picker: String, zone: TemperatureZone, maxOrders: Int, maxLines: Int, now: Date = WallClock.now()
    ) async throws -> [PickingTask] {
        let picker = try Self.validPicker(picker)
        guard (1...20).contains(maxOrders) else { throw PickingError.invalid("A batch holds 1 to 20 orders.") }
        guard (1...500).contains(maxLines) else { throw PickingError.invalid("A batch task has 1 to 500 lines.") }
        // In a retrying transaction: two batches of different zones may start the
        // same orders in opposite orders and deadlock; the loser claims again.
        let statement = Self.claimBatchStatement(
            storeID: storeID, picker: picker, zone: zone, maxOrders: maxOrders, maxLines: maxLines,
            now: now, staleBefore: now.addingTimeInterval(-claimTimeout)
        )
        let rows = try await pool.withTransaction { tx in try await tx.query(statement) }
        return try TaskQuery.decode(rows)
    }

    /// Returns to the queue every task of the store held (claimed, or picked and
    /// not staged) with no progress for `claimTimeout`; lines already done stay
    /// done. Returns the tasks released.
    /// Claims also take stale tasks over by themselves; this keeps the queue
    /// overview honest and is meant to run periodically.
    @discardableResult
    public func releaseAbandonedClaims(storeID: Int64, now: Date = WallClock.now()) async throws -> [Int64] {
        let staleBefore = now.addingTimeInterval(-claimTimeout)
        // Retrying transaction: two sweeps updating the same rows in different orders may deadlock.
        let rows = try await pool.withTransaction { tx in
            try await tx.query("""
                UPDATE picking_tasks SET status = 'queued', claimed_by = NULL, claimed_at = NULL
                 WHERE store_id = \(storeID) AND status IN ('claimed', 'picked') AND last_progress_at <= \(staleBefore)
                RETURNING task_id
                """)
        }
        let released = try rows.map { try $0.decode(Int64.self, "task_id") }.sorted()
        if !released.isEmpty {
            logger.info("abandoned claims returned to the queue", metadata: ["store": "\(storeID)", "tasks": "\(released)"])
        }
        return released
    }

    /// One task of this store with its lines; another store's task is not found.
    public func task(storeID: Int64, taskID: Int64) async throws -> PickingTask {
        try await pool.withConnection { session in
            guard let task = try await TaskQuery.task(storeID: storeID, taskID: taskID, in: session) else { throw PickingError.unknownTask }
            return task
        }
    }

    /// The tasks `picker` holds (claimed, or picked and waiting to be staged), in queue order.
    public func tasks(storeID: Int64, claimedBy picker: String) async throws -> [PickingTask] {
        let picker = try Self.validPicker(picker)
        return try await pool.withConnection { session in
            try TaskQuery.decode(try await session.query(TaskQuery.withLines(from: """
                (SELECT * FROM picking_tasks
                  WHERE store_id = \(storeID) AND claimed_by = \(picker) AND status IN ('claimed', 'picked'))
                """)))
        }
    }

    /// Work not staged yet, in queue order.
    public func queue(storeID: Int64) async throws -> [QueueEntry] {
        try await pool.query("""
            SELECT t.task_id, o.order_number, t.zone, t.status, t.due_at, t.task_lines, t.claimed_by
              FROM picking_tasks t JOIN orders o ON o.store_id = t.store_id AND o.order_id = t.order_id
             WHERE t.store_id = \(storeID) AND t.status IN ('queued', 'claimed', 'picked')
             ORDER BY t.due_at, t.order_lines, t.zone_rank, t.task_id
            """).map { row in
            QueueEntry(
                taskID: try row.decode(Int64.self, "task_id"), orderNumber: try row.decode(String.self, "order_number"),
                zone: TemperatureZone(rawValue: try row.decode(String.self, "zone")) ?? .ambient,
                status: TaskStatus(rawValue: try row.decode(String.self, "status")) ?? .queued,
                dueAt: try row.decode(Date.self, "due_at"), lines: try row.decode(Int.self, "task_lines"),
                claimedBy: try row.decode(String?.self, "claimed_by")
            )
        }
    }

    // MARK: - Statements (public so the benchmark runs the exact same SQL through pgbench)

    /// The claim of `claimNext`: select-for-update-skip-locked and update in one statement.
    /// With a zone, it reads `picking_tasks_zone_queue`, without one `picking_tasks_queue`:
    /// two statements rather than `(zone = $z OR $z IS NULL)`, so a prepared generic plan
    /// still walks the right index in order.
    public static func claimNextStatement(storeID: Int64, picker: String, zone: TemperatureZone?, now: Date, staleBefore: Date) -> SQL {
        // No space before \(inZone): bench/check_sql.py matches this text word for word.
        let inZone: SQL = zone.map { " AND zone = \($0.rawValue)" } ?? ""
        return claimStatement(next: """
            SELECT store_id, task_id
              FROM picking_tasks
             WHERE store_id = \(storeID)\(inZone)
               AND \(Self.claimable(staleBefore: staleBefore))
             ORDER BY due_at, order_lines, zone_rank, task_id
             LIMIT 1
               FOR UPDATE SKIP LOCKED
            """, picker: picker, now: now)
    }

    public static func claimBatchStatement(
        storeID: Int64, picker: String, zone: TemperatureZone, maxOrders: Int, maxLines: Int, now: Date, staleBefore: Date
    ) -> SQL {
        claimStatement(next: """
            SELECT store_id, task_id
              FROM picking_tasks
             WHERE store_id = \(storeID) AND zone = \(zone.rawValue)
               AND \(Self.claimable(staleBefore: staleBefore))
               AND task_lines <= \(maxLines)
             ORDER BY due_at, order_lines, zone_rank, task_id
             LIMIT \(maxOrders)
               FOR UPDATE SKIP LOCKED
            """, picker: picker, now: now)
    }

    /// Claims the (store_id, task_id) rows `next` yields, starts their orders, and
    /// reads them back with their lines.
    private static func claimStatement(next: SQL, picker: String, now: Date) -> SQL {
        // A literal of its own, not inside the interpolation, so bench/check_sql.py can see it.
        let claimed: SQL = "claimed"
        return """
        WITH next AS (\(next)),
        claimed AS (
            UPDATE picking_tasks t
               SET status = CASE WHEN t.lines_done = t.task_lines THEN 'picked' ELSE 'claimed' END,
                   claimed_by = \(picker), claimed_at = \(now), last_progress_at = \(now),
                   claim_count = t.claim_count + 1
              FROM next
             WHERE t.store_id = next.store_id AND t.task_id = next.task_id
            RETURNING t.*
        ),
        started AS (
            UPDATE orders o SET picking_started_at = \(now)
              FROM (SELECT DISTINCT store_id, order_id FROM claimed) c
             WHERE o.store_id = c.store_id AND o.order_id = c.order_id AND o.picking_started_at IS NULL
            RETURNING o.store_id, o.order_id
        ),
        started_event AS (
            INSERT INTO order_events (store_id, order_id, kind, at, detail)
            SELECT store_id, order_id, 'picking_started', \(now), jsonb_build_object('note', 'Un préparateur a commencé votre commande.')
              FROM started
        )
        \(TaskQuery.withLines(from: claimed))
        """
    }

    /// Waiting, or held with no progress since `staleBefore`. One arm per status, so
    /// the planner proves the queue indexes' `status IN (…)` predicate from it.
    static func claimable(staleBefore: Date) -> SQL {
        """
        (status = 'queued'
             OR (status = 'claimed' AND last_progress_at <= \(staleBefore))
             OR (status = 'picked' AND last_progress_at <= \(staleBefore)))
        """
    }

    static func validPicker(_ picker: String) throws -> String {
        // Usually the session's own name, already trimmed: Foundation's trimming is not free.
        let trimmed = picker.unicodeScalars.first.map { !CharacterSet.whitespacesAndNewlines.contains($0) } == true
            && picker.unicodeScalars.last.map { !CharacterSet.whitespacesAndNewlines.contains($0) } == true
        let name = trimmed ? picker : picker.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count) else { throw PickingError.invalid("Give the picker's name (1 to 100 characters).") }
        return name
    }
}
