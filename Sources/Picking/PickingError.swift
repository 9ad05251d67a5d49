import Domain
import Foundation

/// Refusals a member of staff (or a customer checking in) can read and act on.
/// Nothing has changed when one is thrown.
public enum PickingError: DomainError, Equatable {
    /// No such task at this store (another store's task is not found either).
    case unknownTask
    case unknownLine
    case unknownOrder
    /// The substitute is not sold at this store.
    case unknownProduct
    /// Someone else holds the claim now (the form was stale).
    case claimedBySomeoneElse
    /// The task is not claimed any more (it went back to the queue, or is done).
    case notClaimed(status: String)
    case lineAlreadyDone(status: String)
    case tooMany(ordered: Int, remaining: Int)
    case invalidQuantity(Int)
    case sameProduct
    case otherZone(substituteZone: String, taskZone: String)
    case substituteOutOfStock(name: String, available: Int)
    case linesPending(Int)
    case alreadyStaged(location: String)
    case notReady(status: String)
    case notArrived
    case alreadyHandedOver
    case orderClosed(status: String)
    /// Only a placed order can be started early.
    case notPlaced(status: String)
    case invalid(String)

    public var kind: DomainErrorKind {
        switch self {
        case .unknownTask, .unknownLine, .unknownOrder, .unknownProduct: .notFound
        case .claimedBySomeoneElse, .notClaimed, .lineAlreadyDone, .substituteOutOfStock, .alreadyStaged,
             .notReady, .alreadyHandedOver, .orderClosed, .notPlaced: .conflict
        case .tooMany, .otherZone, .linesPending, .notArrived: .unprocessable
        case .invalidQuantity, .sameProduct, .invalid: .invalid
        }
    }

    public var code: String {
        switch self {
        case .unknownTask: "unknown-task"
        case .unknownLine: "unknown-line"
        case .unknownOrder: "unknown-order"
        case .unknownProduct: "unknown-product"
        case .claimedBySomeoneElse: "claimed-by-someone-else"
        case .notClaimed: "task-not-claimed"
        case .lineAlreadyDone: "line-already-done"
        case .tooMany: "more-than-ordered"
        case .invalidQuantity: "invalid-quantity"
        case .sameProduct: "same-product"
        case .otherZone: "substitute-other-zone"
        case .substituteOutOfStock: "substitute-out-of-stock"
        case .linesPending: "lines-pending"
        case .alreadyStaged: "already-staged"
        case .notReady: "order-not-ready"
        case .notArrived: "customer-not-arrived"
        case .alreadyHandedOver: "already-handed-over"
        case .orderClosed: "order-closed"
        case .notPlaced: "order-not-placed"
        case .invalid: "invalid-picking-request"
        }
    }

    public var detail: String {
        switch self {
        case .unknownTask: "There is no such picking task at this store."
        case .unknownLine: "This task has no such line."
        case .unknownOrder: "There is no open order with this reference at this store."
        case .unknownProduct: "This substitute is not sold at this store."
        case .claimedBySomeoneElse: "Someone else is picking this task now. Nothing was changed; reload the queue."
        case .notClaimed(let status):
            status == "queued"
                ? "This task went back to the queue after a long pause. Nothing was changed; claim it again."
                : "This task is \(status), not being picked. Nothing was changed; reload the queue."
        case .lineAlreadyDone(let status): "This line is already done (\(status)). Nothing was changed."
        case .tooMany(let ordered, let remaining):
            remaining == 0
                ? "All \(ordered) ordered are already accounted for. Nothing was changed."
                : "Only \(remaining) more can be given for this line (\(ordered) ordered). Nothing was changed."
        case .invalidQuantity(let quantity): "A quantity must be a whole number from 1 to 99 (got \(quantity))."
        case .sameProduct: "A substitute must be another product than the one ordered."
        case .otherZone(let substituteZone, let taskZone): "The substitute is kept \(substituteZone); this tote is \(taskZone)."
        case .substituteOutOfStock(let name, let available):
            available == 0 ? "\(name) is out of stock." : "Only \(available) × \(name) left in stock."
        case .linesPending(let count): "\(count) line\(count == 1 ? " is" : "s are") not done yet: pick, replace or mark missing first."
        case .alreadyStaged(let location): "This task is already staged at \(location)."
        case .notReady(let status): "This order cannot be handed over: it is \(status), not ready."
        case .notArrived: "The customer has not checked in yet: scan their pickup code first."
        case .alreadyHandedOver: "This order has already been handed over."
        case .orderClosed(let status): "This order is \(status.replacingOccurrences(of: "_", with: " ")); there is nothing to collect."
        case .notPlaced(let status): "This order is \(status.replacingOccurrences(of: "_", with: " ")), not waiting for picking. Nothing was changed."
        case .invalid(let why): why
        }
    }
}
