import AsyncAlgorithms
import Domain
import Logging
import ServiceLifecycle
import Slots

/// Gives back the capacity of abandoned checkouts. Holds also expire lazily
/// when a slot looks full; the sweep keeps offers honest in the meantime.
struct HoldSweeper: Service {
    let slots: SlotService
    let logger: Logger
    var clock: WallClock = .system
    var interval: Duration = .seconds(60)

    func run() async throws {
        for await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
            await sweep()
        }
    }

    func sweep() async {
        do {
            let released = try await WallClock.$current.withValue(clock) { try await slots.releaseExpiredHolds() }
            if released > 0 { logger.info("released expired slot holds", metadata: ["count": "\(released)"]) }
        } catch {
            // The database may be restarting; the next tick tries again.
            logger.warning("hold sweep failed: \(error)")
        }
    }
}
