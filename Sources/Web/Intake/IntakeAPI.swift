import Foundation
import HTTPTypes
import Hummingbird
import Orders
import Picking
import Shelf
import Slots

/// The same use cases as the pages, as JSON, for another front end.
/// A basket is named by its token in the X-Basket-Token header.
struct IntakeAPI: Sendable {
    let dependencies: AppDependencies
    var orders: OrderService { dependencies.orders }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/api/scans/:code", use: scan)
        router.get("/api/stores/:store/shelves/:shelf", use: shelf)
        router.get("/api/stores/:store/products/:product", use: product)
        router.post("/api/stores/:store/baskets", use: createBasket)
        router.get("/api/stores/:store/basket", use: basket)
        router.put("/api/stores/:store/basket/lines/:product", use: setLine)
        router.delete("/api/stores/:store/basket/lines/:product", use: removeLine)
        router.post("/api/stores/:store/basket/slot", use: chooseSlot)
        router.post("/api/stores/:store/basket/checkout", use: checkout)
        router.get("/api/orders/:link", use: order)
        router.post("/api/orders/:link/cancel", use: cancel)
        router.post("/api/orders/:link/arrival", use: arrive)
        router.post("/api/orders/:link/slot", use: changeSlot)
        router.get("/api/orders/:link/personal-data", use: personalData)
        router.delete("/api/orders/:link/personal-data", use: erasePersonalData)
        router.get("/openapi.json", use: openAPI)
    }

    static let basketTokenHeader = HTTPField.Name("X-Basket-Token")!
    static let idempotencyKeyHeader = HTTPField.Name("Idempotency-Key")!
    static let replayedHeader = HTTPField.Name("Idempotent-Replayed")!

    func token(_ request: Request) throws -> String {
        guard let token = request.headers[Self.basketTokenHeader] else {
            throw Problem(.badRequest, type: "missing-basket-token", detail: "Send the basket's token in the X-Basket-Token header.")
        }
        return token
    }

    @Sendable func scan(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Respond.json(try await dependencies.shelves.landing(code: try context.parameters.text("code")))
    }

    @Sendable func shelf(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.store(context)
        return try Respond.json(try await dependencies.shelves.shelf(store: store, slug: try context.parameters.text("shelf")))
    }

    @Sendable func product(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.store(context)
        return try Respond.json(try await dependencies.shelves.product(storeID: store.id, productID: try context.parameters.id("product")))
    }

    struct CreatedBasket: Encodable { var token: String; var basket: Basket }

    @Sendable func createBasket(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.store(context)
        let created = try await orders.createBasket(storeID: store.id)
        return try Respond.json(CreatedBasket(token: created.token, basket: created.basket), status: .created)
    }

    @Sendable func basket(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.store(context)
        guard let basket = try await orders.basket(storeID: store.id, token: try token(request)) else { throw OrderError.unknownBasket }
        return try Respond.json(basket)
    }

    struct QuantityBody: Decodable { var quantity: Int }

    @Sendable func setLine(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.store(context)
        let body = try await Respond.body(QuantityBody.self, from: request)
        return try Respond.json(try await orders.setQuantity(
            storeID: store.id, token: try token(request), productID: try context.parameters.id("product"), quantity: body.quantity
        ))
    }

    @Sendable func removeLine(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.store(context)
        return try Respond.json(try await orders.setQuantity(
            storeID: store.id, token: try token(request), productID: try context.parameters.id("product"), quantity: 0
        ))
    }

    struct SlotBody: Decodable { var slotId: Int64 }

    @Sendable func chooseSlot(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.store(context)
        let body = try await Respond.body(SlotBody.self, from: request)
        return try Respond.json(try await orders.chooseSlot(storeID: store.id, token: try token(request), slotID: body.slotId), status: .created)
    }

    struct ContactBody: Decodable { var name: String; var phone: String?; var email: String?; var allowDearerSubstitutes: Bool? }

    /// 201 the first time; the same status and body for every repeat of the key.
    @Sendable func checkout(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.store(context)
        guard let key = request.headers[Self.idempotencyKeyHeader] else {
            throw Problem(.badRequest, type: "missing-idempotency-key", detail: "Send an Idempotency-Key header (a fresh UUID per order).")
        }
        let body = try await Respond.body(ContactBody.self, from: request)
        let submission = try await orders.placeOrder(
            storeID: store.id, token: try token(request),
            contact: Contact(name: body.name, phone: body.phone, email: body.email, allowsDearerSubstitutes: body.allowDearerSubstitutes ?? false),
            idempotencyKey: key
        )
        var headers: HTTPFields = [.location: "/api/orders/\(submission.order.link)"]
        if submission.replayed { headers[Self.replayedHeader] = "true" }
        return Respond.rawJSON(submission.body, status: .init(code: submission.status), headers: headers)
    }

    @Sendable func order(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Respond.json(try await orders.order(link: try context.parameters.text("link")))
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Respond.json(try await orders.cancel(link: try context.parameters.text("link")))
    }

    struct ArrivalBody: Decodable { var parkingBay: String? }

    /// "I'm here": 201 the first time, 200 when the customer had already checked in.
    @Sendable func arrive(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await Respond.body(ArrivalBody.self, from: request)
        let order = try await orders.order(link: try context.parameters.text("link"))
        let arrival = try await dependencies.picking.checkIn(
            storeID: order.storeID, order: .order(order.orderID), parkingBay: body.parkingBay, via: .customer
        )
        return try Respond.json(arrival, status: arrival.isNew ? .created : .ok)
    }

    @Sendable func changeSlot(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await Respond.body(SlotBody.self, from: request)
        return try Respond.json(try await orders.changeSlot(link: try context.parameters.text("link"), slotID: body.slotId))
    }

    @Sendable func personalData(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Respond.json(PersonalData(try await orders.personalData(link: try context.parameters.text("link"))))
    }

    @Sendable func erasePersonalData(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try await orders.erasePersonalData(link: try context.parameters.text("link"))
        return Response(status: .noContent)
    }

    @Sendable func openAPI(_ request: Request, context: AppRequestContext) async throws -> Response {
        try OpenAPIDocument.response()
    }
}
