import Domain
import Foundation
import Notices
import Orders
import Postgres
import Shelf

public struct StageResult: Sendable, Codable, Equatable {
    public var task: PickingTask
    /// True when this was the order's last zone: the order became ready.
    public var orderReady: Bool
}

extension PickingService {
    /// Puts a picked task's tote at `location` (a shelf or fridge of the staging
    /// area). When every zone of the order is staged, the order becomes ready,
    /// and its timeline and the customer's "ready" notice say so, in the same transaction.
    public func stage(storeID: Int64, taskID: Int64, picker: String, location: String, now: Date = WallClock.now()) async throws -> StageResult {
        let picker = try Self.validPicker(picker)
        let location = location.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...40).contains(location.count) else { throw PickingError.invalid("Give the staging location (1 to 40 characters).") }
        return try await pool.withTransaction { tx in
            let task = try await lockTask(storeID: storeID, taskID: taskID, picker: picker, in: tx)
            switch task.status {
            case .picked: break
            case .claimed:
                let pending = try await tx.query("""
                    SELECT count(*) AS n FROM picking_lines WHERE store_id = \(storeID) AND task_id = \(taskID) AND status = 'pending'
                    """).single().decode(Int.self, "n")
                throw PickingError.linesPending(pending)
            case .staged:
                let at = try await tx.query("SELECT staging_location FROM picking_tasks WHERE store_id = \(storeID) AND task_id = \(taskID)")
                    .single().decode(String.self, "staging_location")
                throw PickingError.alreadyStaged(location: at)
            case .queued:
                throw PickingError.notClaimed(status: task.status.rawValue)
            }
            try await tx.query("""
                UPDATE picking_tasks SET status = 'staged', staging_location = \(location), staged_at = \(now), last_progress_at = \(now)
                 WHERE store_id = \(storeID) AND task_id = \(taskID) AND status = 'picked'
                """)
            // lockTask holds the order's row, so this statement sees every other
            // zone staged and committed before us; a zone staged after us will
            // see ours. The last one to stage marks the order ready.
            let ready = try await tx.query("""
                UPDATE orders o SET status = 'ready', ready_at = \(now)
                 WHERE o.store_id = \(storeID) AND o.order_id = \(task.orderID) AND o.status = 'picking'
                   AND NOT EXISTS (SELECT 1 FROM picking_tasks t
                                    WHERE t.store_id = o.store_id AND t.order_id = o.order_id AND t.status <> 'staged')
                RETURNING o.total_cents
                """)
            if let row = ready.first {
                let total = try row.decode(Int.self, "total_cents")
                let totalText = PriceText.euros(cents: total)
                try await OrderTimeline.append(storeID: storeID, orderID: task.orderID, kind: "ready", at: now, detail: [
                    "note": "Votre commande est prête. Total : \(totalText).", "total_cents": String(total),
                ], in: tx)
                try await NoticeOutbox.enqueue(.ready(total: totalText), storeID: storeID, orderID: task.orderID, at: now, in: tx)
            }
            return StageResult(task: try await reread(storeID: storeID, taskID: taskID, in: tx), orderReady: !ready.isEmpty)
        }
    }
}
