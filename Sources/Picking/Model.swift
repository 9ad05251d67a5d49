import Foundation

/// Where an item is kept, and so which tote carries it. Picked in this order.
public enum TemperatureZone: String, Sendable, Codable, CaseIterable, Comparable {
    case ambient, chilled, frozen

    var rank: Int { Self.allCases.firstIndex(of: self)! }
    /// The letter on the tote label.
    var letter: String { String(rawValue.prefix(1).uppercased()) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

public enum TaskStatus: String, Sendable, Codable {
    case queued, claimed, picked, staged
}

public enum LineStatus: String, Sendable, Codable {
    case pending, picked, substituted, missing
}

/// What was given instead of the ordered product, and what it costs the customer.
public struct Substitute: Sendable, Codable, Equatable {
    public var productID: Int64
    public var name: String
    public var quantity: Int
    /// Charged per unit: never more than the ordered unit price unless the customer allowed it.
    public var unitPriceCents: Int

    public init(productID: Int64, name: String, quantity: Int, unitPriceCents: Int) {
        self.productID = productID
        self.name = name
        self.quantity = quantity
        self.unitPriceCents = unitPriceCents
    }
}

/// One order line as the picker sees it, in the store's walking order.
public struct PickingLine: Sendable, Codable, Equatable {
    public var lineNo: Int
    public var productID: Int64
    public var name: String
    public var brand: String
    public var sizeText: String
    public var aisle: String
    public var walkSequence: Int
    public var orderedQuantity: Int
    public var pickedQuantity: Int
    public var unitPriceCents: Int
    public var status: LineStatus
    public var substitute: Substitute?

    /// Units neither picked nor replaced yet.
    public var remaining: Int { orderedQuantity - pickedQuantity - (substitute?.quantity ?? 0) }
}

/// The picking work of one order in one temperature zone.
public struct PickingTask: Sendable, Codable, Equatable {
    public var taskID: Int64
    public var storeID: Int64
    public var orderID: UUID
    public var orderNumber: String
    public var zone: TemperatureZone
    public var status: TaskStatus
    /// The slot start: the task must be staged by then.
    public var dueAt: Date
    /// Lines of the whole order (the queue takes smaller orders first).
    public var orderLines: Int
    public var toteLabel: String
    public var claimedBy: String?
    public var claimedAt: Date?
    public var lastProgressAt: Date?
    public var claimCount: Int
    public var stagingLocation: String?
    /// In the store's walking order.
    public var lines: [PickingLine]

    public var linesPending: Int { lines.count { $0.status == .pending } }
}

/// What `enqueueDue` did.
public struct EnqueueSummary: Sendable, Codable, Equatable {
    public var orders: Int
    public var tasks: Int

    public init(orders: Int, tasks: Int) {
        self.orders = orders
        self.tasks = tasks
    }
}

/// A queued or claimed task, for the queue overview.
public struct QueueEntry: Sendable, Codable, Equatable {
    public var taskID: Int64
    public var orderNumber: String
    public var zone: TemperatureZone
    public var status: TaskStatus
    public var dueAt: Date
    public var lines: Int
    public var claimedBy: String?
}

/// Which order a check-in is for: the order page knows the order, the counter types or scans the pickup code.
public enum OrderReference: Sendable, Equatable {
    case order(UUID)
    case pickupCode(String)
}

/// How the customer told the store they are here.
public enum ArrivalChannel: String, Sendable, Codable {
    /// "I'm here" on the order page.
    case customer
    /// Pickup QR or code at the counter.
    case counter
}

public struct Arrival: Sendable, Codable, Equatable {
    public var orderID: UUID
    public var orderNumber: String
    public var arrivedAt: Date
    public var parkingBay: String?
    public var via: ArrivalChannel
    /// False when the customer had already checked in (nothing was written again).
    public var isNew: Bool
}

/// Where a zone's tote waits for the customer.
public struct StagedTote: Sendable, Codable, Equatable {
    public var zone: TemperatureZone
    public var toteLabel: String
    public var status: TaskStatus
    public var stagingLocation: String?
}

/// One arrived customer on the handover screen.
public struct HandoverEntry: Sendable, Codable, Equatable {
    public var orderID: UUID
    public var orderNumber: String
    public var customerName: String?
    /// Order status: only "ready" can be handed over.
    public var status: String
    public var arrivedAt: Date
    public var parkingBay: String?
    public var via: ArrivalChannel
    public var slotStart: Date
    /// In zone order (ambient, chilled, frozen).
    public var totes: [StagedTote]
}

public struct Handover: Sendable, Codable, Equatable {
    public var orderID: UUID
    public var arrivedAt: Date
    public var handedOverAt: Date
    /// Handover time − max(arrival, slot start), as Slots recorded it.
    public var waitMinutes: Double
    public var totalCents: Int
}
