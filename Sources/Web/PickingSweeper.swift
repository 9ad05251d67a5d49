import AsyncAlgorithms
import Domain
import Logging
import Picking
import ServiceLifecycle
import Shelf

/// Keeps every store's picking queue moving without anyone asking: orders
/// whose lead time has started become picking work, and claims abandoned
/// past the timeout go back to the queue. Both are idempotent, so several
/// server instances may sweep at once.
struct PickingSweeper: Service {
    let picking: PickingService
    let shelves: ShelfService
    let logger: Logger
    var clock: WallClock = .system
    var interval: Duration = .seconds(30)

    func run() async throws {
        for await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
            await sweep()
        }
    }

    func sweep() async {
        do {
            try await WallClock.$current.withValue(clock) {
                for store in try await shelves.stores() {
                    try await picking.enqueueDue(storeID: store.id)
                    try await picking.releaseAbandonedClaims(storeID: store.id)
                }
            }
        } catch {
            // The database may be restarting; the next tick tries again.
            logger.warning("picking sweep failed: \(error)")
        }
    }
}
