import Foundation
import Logging
import Postgres
import Slots

/// Baskets, checkout and orders: the customer's side of Créneau.
public struct OrderService: Sendable {
    let pool: PostgresPool
    let slots: SlotService
    let logger: Logger

    public init(pool: PostgresPool, slots: SlotService, logger: Logger) {
        self.pool = pool
        self.slots = slots
        self.logger = logger
    }
}
