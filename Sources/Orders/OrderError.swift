import Domain

public enum OrderError: DomainError, Equatable {
    case unknownBasket
    case basketAlreadyOrdered
    case emptyBasket
    case invalidQuantity(Int)
    case productUnavailable(name: String)
    case notEnoughStock(name: String, available: Int)
    case outOfStock(products: [String])
    case noSlotChosen
    case invalidContact(String)
    case invalidIdempotencyKey
    case idempotencyKeyReused
    case requestInFlight
    case unknownOrder
    case tooLateToChange
    case notChangeable(status: String)
    case personalDataErased
    case storeNotTakingOrders

    public var kind: DomainErrorKind {
        switch self {
        case .unknownBasket, .unknownOrder, .productUnavailable: .notFound
        case .invalidQuantity, .invalidContact, .invalidIdempotencyKey: .invalid
        case .basketAlreadyOrdered, .requestInFlight, .notEnoughStock, .outOfStock, .notChangeable: .conflict
        case .emptyBasket, .noSlotChosen, .idempotencyKeyReused, .tooLateToChange: .unprocessable
        case .personalDataErased: .gone
        case .storeNotTakingOrders: .unprocessable
        }
    }

    public var code: String {
        switch self {
        case .unknownBasket: "unknown-basket"
        case .basketAlreadyOrdered: "basket-already-ordered"
        case .emptyBasket: "empty-basket"
        case .invalidQuantity: "invalid-quantity"
        case .productUnavailable: "product-unavailable"
        case .notEnoughStock: "not-enough-stock"
        case .outOfStock: "out-of-stock"
        case .noSlotChosen: "no-slot-chosen"
        case .invalidContact: "invalid-contact"
        case .invalidIdempotencyKey: "invalid-idempotency-key"
        case .idempotencyKeyReused: "idempotency-key-reused"
        case .requestInFlight: "request-in-flight"
        case .unknownOrder: "unknown-order"
        case .tooLateToChange: "too-late-to-change"
        case .notChangeable: "order-not-changeable"
        case .personalDataErased: "personal-data-erased"
        case .storeNotTakingOrders: "store-not-taking-orders"
        }
    }

    public var detail: String {
        switch self {
        case .unknownBasket: "This basket does not exist or has expired. Scan a product to start a new one."
        case .basketAlreadyOrdered: "This basket has already been ordered."
        case .emptyBasket: "Your basket is empty."
        case .invalidQuantity(let quantity): "A quantity must be a whole number from 0 to 99 (got \(quantity))."
        case .productUnavailable(let name): "\(name) is not available at this store any more."
        case .notEnoughStock(let name, let available): available == 0 ? "\(name) is out of stock." : "Only \(available) × \(name) left."
        case .outOfStock(let products): "Not enough stock left for: \(products.joined(separator: ", ")). Nothing was ordered; please adjust your basket."
        case .noSlotChosen: "Choose a pickup slot first."
        case .invalidContact(let why): why
        case .invalidIdempotencyKey: "The Idempotency-Key must be 8 to 200 visible characters."
        case .idempotencyKeyReused: "This Idempotency-Key was already used for a different request."
        case .requestInFlight: "This order is already being placed. Wait a moment and retry with the same key."
        case .unknownOrder: "There is no order at this link."
        case .tooLateToChange: "It is too late to change or cancel this order: the store has started preparing it."
        case .notChangeable(let status): "This order can no longer be changed (it is \(status))."
        case .personalDataErased: "The contact details of this order have been erased."
        case .storeNotTakingOrders: "This store is not taking orders at the moment."
        }
    }

    public var facts: [String: [String]] {
        switch self {
        case .outOfStock(let products): ["products": products]
        default: [:]
        }
    }
}
