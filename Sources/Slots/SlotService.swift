import Domain
import Foundation
import Logging
import Postgres

/// One pickup slot as a customer sees it.
public struct SlotOffer: Sendable, Codable, Equatable {
    public var slotID: Int64
    public var start: Date
    public var end: Date
    public var feeCents: Int
    public var remainingOrders: Int
    public var remainingMinutes: Double
    /// "low", "medium" or "high", from the store's busyness forecast.
    public var busyness: String
    public var expectedWaitMinutes: Double
    public var available: Bool
    /// "full", "past-cutoff", "closed" or "at-risk" when not available.
    public var unavailableReason: String?

    public init(
        slotID: Int64, start: Date, end: Date, feeCents: Int, remainingOrders: Int, remainingMinutes: Double,
        busyness: String, expectedWaitMinutes: Double, available: Bool, unavailableReason: String?
    ) {
        self.slotID = slotID
        self.start = start
        self.end = end
        self.feeCents = feeCents
        self.remainingOrders = remainingOrders
        self.remainingMinutes = remainingMinutes
        self.busyness = busyness
        self.expectedWaitMinutes = expectedWaitMinutes
        self.available = available
        self.unavailableReason = unavailableReason
    }
}

/// Capacity set aside for a basket for a few minutes while the customer checks out.
public struct SlotHold: Sendable, Codable, Equatable {
    public var holdID: UUID
    public var storeID: Int64
    public var slotID: Int64
    public var minutes: Double
    public var expiresAt: Date
    public var start: Date
    public var end: Date
    public var feeCents: Int
}

/// The slot an order is booked into, with what was promised.
public struct SlotBooking: Sendable, Codable, Equatable {
    public var storeID: Int64
    public var orderID: UUID
    public var slotID: Int64
    public var start: Date
    public var end: Date
    public var minutes: Double
    public var feeCents: Int
    /// "booked", "at-risk" or "cancelled".
    public var status: String
    public var promisedReadyAt: Date
    public var promisedWaitMinutes: Double
    /// Picking minutes the slot lacks since a re-plan, when at risk.
    public var minutesMissing: Double?
}

public enum SlotError: DomainError, Equatable {
    case unknownStore
    case unknownSlot
    case slotFull
    case holdExpired
    case pastCutoff
    case storeClosed
    case outsideHorizon(String)
    case invalid(String)

    public var kind: DomainErrorKind {
        switch self {
        case .unknownStore, .unknownSlot: .notFound
        case .slotFull: .conflict
        case .holdExpired, .pastCutoff, .storeClosed, .outsideHorizon: .unprocessable
        case .invalid: .invalid
        }
    }

    public var code: String {
        switch self {
        case .unknownStore: "unknown-store"
        case .unknownSlot: "unknown-slot"
        case .slotFull: "slot-full"
        case .holdExpired: "hold-expired"
        case .pastCutoff: "past-cutoff"
        case .storeClosed: "store-closed"
        case .outsideHorizon: "outside-horizon"
        case .invalid: "invalid-slot-request"
        }
    }

    public var detail: String {
        switch self {
        case .unknownStore: "This store does not exist."
        case .unknownSlot: "This pickup slot does not exist at this store."
        case .slotFull: "This pickup slot has just filled up. Please choose another one."
        case .holdExpired: "Your slot reservation expired. Please choose a slot again."
        case .pastCutoff: "It is too late to book or change this slot."
        case .storeClosed: "The store is closed at that time."
        case .outsideHorizon(let why): why
        case .invalid(let why): why
        }
    }
}

/// The slot allocator's use cases; each concern lives in its own file
/// (offers, holds, bookings, generation, re-plan, roster, forecast, planning, promise, demo).
/// Every statement filters by `store_id`, so one store can never reach another's slots.
public struct SlotService: Sendable {
    let pool: PostgresPool
    let logger: Logger

    public init(pool: PostgresPool, logger: Logger) {
        self.pool = pool
        self.logger = logger
    }
}
