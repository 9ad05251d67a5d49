import Domain
import Foundation
import Logging
import Postgres

// INTERFACE STUB: the slot allocator issue replaces these bodies with the real
// implementation; the signatures are the seam order intake depends on.

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

public struct SlotService: Sendable {
    let pool: PostgresPool
    let logger: Logger

    public init(pool: PostgresPool, logger: Logger) {
        self.pool = pool
        self.logger = logger
    }

    /// Every slot of the store's local `date` (YYYY-MM-DD), available or not, with the reason.
    public func offers(storeID: Int64, date: String, now: Date = Date()) async throws -> [SlotOffer] {
        throw SlotError.invalid("slot offers are not available yet")
    }

    /// Takes capacity for `pickingMinutes` (and one order) in the slot for 10 minutes.
    /// A new hold for the same basket replaces its previous one.
    public func hold(storeID: Int64, slotID: Int64, basketID: UUID, pickingMinutes: Double, now: Date = Date()) async throws -> SlotHold {
        throw SlotError.invalid("slot holds are not available yet")
    }

    public func releaseHold(storeID: Int64, holdID: UUID) async throws {}

    /// The hold if it is still live (not expired, not yet booked), to show the chosen slot at checkout.
    public func currentHold(storeID: Int64, holdID: UUID?, now: Date = Date()) async throws -> SlotHold? { nil }

    /// Inside the order's transaction: turns a live hold into the order's booking.
    /// A previous booking of the same order (cancelled in the same transaction) is replaced.
    public func book(storeID: Int64, holdID: UUID, orderID: UUID, in transaction: PostgresSession, now: Date = Date()) async throws -> SlotBooking {
        throw SlotError.holdExpired
    }

    /// Inside the cancelling transaction: gives the order's capacity back.
    public func cancelBooking(storeID: Int64, orderID: UUID, in transaction: PostgresSession) async throws {}

    public func booking(storeID: Int64, orderID: UUID) async throws -> SlotBooking? { nil }

    /// Demo staffing: template, roster, observations, forecast and 14 days of slots.
    public func seedDemo(storeID: Int64, now: Date = Date()) async throws {}
}
