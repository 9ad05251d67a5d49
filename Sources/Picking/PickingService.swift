import Foundation
import Logging
import Postgres
import Slots

/// The store's side of an order: the picking queue, claims and batches,
/// picked / substituted / missing lines, staging, arrival and handover.
/// Each concern lives in its own file, with its SQL beside the code.
///
/// Every method takes the store it acts for, and every statement filters by
/// `store_id`: another store's task or order is simply not found. Every
/// method that changes state is one transaction; races are settled by row
/// locks taken in one order (task, then order, then stock) and by
/// conditional UPDATEs, never by reading then writing.
///
/// Order status: `enqueueDue` moves a placed order to `picking` when its
/// slot's lead time starts (the customer can no longer change or cancel it,
/// and the store starts work on it); the timeline's `picking_started` event
/// is written when a picker first claims one of its tasks.
public struct PickingService: Sendable {
    let pool: PostgresPool
    let slots: SlotService
    let logger: Logger
    /// A task held with no progress (its claim, a line, or the last pick before
    /// staging) for this long goes back to the queue: `releaseAbandonedClaims`
    /// returns it, and a claim takes it over directly when it is next in line.
    /// Actions of the holder are accepted until someone else has taken it.
    public let claimTimeout: TimeInterval

    public static let defaultClaimTimeout: TimeInterval = 10 * 60

    public init(pool: PostgresPool, slots: SlotService, logger: Logger, claimTimeout: TimeInterval = Self.defaultClaimTimeout) {
        self.pool = pool
        self.slots = slots
        self.logger = logger
        self.claimTimeout = claimTimeout
    }
}
