import Foundation
import Postgres

/// The row locks every picking action starts with, always in this order:
/// the task, then its order. Holding the task proves the claim (a stale form,
/// another picker or another store changes nothing); holding the order
/// serialises the order-wide recomputations (totals, ready) of its zones.
struct LockedTask {
    var taskID: Int64
    var orderID: UUID
    var zone: TemperatureZone
    var status: TaskStatus
    /// The customer's choice at checkout: a substitute may cost more than the item ordered.
    var allowsDearerSubstitutes: Bool
}

extension PickingService {
    func lockTask(storeID: Int64, taskID: Int64, picker: String, in tx: PostgresSession) async throws -> LockedTask {
        guard let row = try await tx.query("""
            SELECT task_id, order_id, zone, status, claimed_by
              FROM picking_tasks WHERE store_id = \(storeID) AND task_id = \(taskID)
               FOR UPDATE
            """).first else { throw PickingError.unknownTask }
        let status = TaskStatus(rawValue: try row.decode(String.self, "status")) ?? .queued
        switch try row.decode(String?.self, "claimed_by") {
        case nil: throw PickingError.notClaimed(status: status.rawValue)
        case let holder? where holder != picker: throw PickingError.claimedBySomeoneElse
        default: break
        }
        let orderID = try row.decode(UUID.self, "order_id")
        let order = try await tx.query("""
            SELECT allow_dearer_substitutes FROM orders WHERE store_id = \(storeID) AND order_id = \(orderID) FOR UPDATE
            """).single()
        return LockedTask(
            taskID: taskID, orderID: orderID,
            zone: TemperatureZone(rawValue: try row.decode(String.self, "zone")) ?? .ambient, status: status,
            allowsDearerSubstitutes: try order.decode(Bool.self, "allow_dearer_substitutes")
        )
    }
}
