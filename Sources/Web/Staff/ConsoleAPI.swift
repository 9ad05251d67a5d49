import Domain
import Foundation
import Hummingbird
import Picking
import Staff

/// The console's actions as JSON, with the same sign-in, roles and CSRF
/// token (sent as X-CSRF-Token) as the pages. Refusals are problem+json.
struct ConsoleAPI: Sendable {
    let dependencies: AppDependencies

    var picking: PickingService { dependencies.picking }

    typealias Signed = StaffAccess.Signed

    struct QueueAnswer: Encodable {
        var queue: [QueueEntry]
        /// The caller's tasks in hand.
        var mine: [PickingTask]
    }

    @Sendable func queue(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        try Respond.json(QueueAnswer(
            queue: try await picking.queue(storeID: store.storeID),
            mine: try await picking.tasks(storeID: store.storeID, claimedBy: signed.session.staff.workName)
        ))
    }

    struct ClaimBody: Decodable { var zone: String? }
    struct ClaimAnswer: Encodable, JSONWriting {
        var task: PickingTask?

        /// `"task": null` when nothing waits: the key is always there, as the API document says.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(task, forKey: .task)
        }

        enum CodingKeys: String, CodingKey { case task }

        func writeJSON(to output: inout JSONOutput) {
            output.beginObject()
            output.field("task", orNull: task)
            output.endObject()
        }
    }

    /// 200 with the task claimed, or with `task: null` when nothing is waiting.
    @Sendable func claim(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        let body = try await Respond.body(ClaimBody.self, from: request)
        let task = try await picking.claimNext(
            storeID: store.storeID, picker: signed.session.staff.workName, zone: try ConsoleInput.zone(body.zone)
        )
        return try Respond.json(ClaimAnswer(task: task))
    }

    struct BatchBody: Decodable { var zone: String; var orders: Int; var maxLines: Int? }
    struct BatchAnswer: Encodable, JSONWriting {
        var tasks: [PickingTask]

        func writeJSON(to output: inout JSONOutput) {
            output.beginObject()
            output.field("tasks", tasks)
            output.endObject()
        }
    }

    @Sendable func batch(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        let body = try await Respond.body(BatchBody.self, from: request)
        guard let zone = try ConsoleInput.zone(body.zone) else { throw PickingError.invalid("Choose the zone of the batch.") }
        return try Respond.json(BatchAnswer(tasks: try await picking.claimBatch(
            storeID: store.storeID, picker: signed.session.staff.workName, zone: zone,
            maxOrders: body.orders, maxLines: body.maxLines ?? ConsolePages.batchMaxLines
        )))
    }

    @Sendable func task(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        try Respond.json(try await picking.task(storeID: store.storeID, taskID: try context.parameters.id("task")))
    }

    @Sendable func substitutes(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        try Respond.json(try await picking.substituteOptions(
            storeID: store.storeID, taskID: try context.parameters.id("task"), lineNo: try ConsoleInput.line(context)
        ))
    }

    struct QuantityBody: Decodable { var quantity: Int }
    struct SubstituteBody: Decodable { var productId: Int64; var quantity: Int }
    struct StageBody: Decodable { var location: String }

    @Sendable func pick(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        let body = try await Respond.body(QuantityBody.self, from: request)
        return try Respond.json(try await picking.pick(
            storeID: store.storeID, taskID: try context.parameters.id("task"), lineNo: try ConsoleInput.line(context),
            picker: signed.session.staff.workName, quantity: body.quantity
        ))
    }

    @Sendable func substitute(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        let body = try await Respond.body(SubstituteBody.self, from: request)
        return try Respond.json(try await picking.substitute(
            storeID: store.storeID, taskID: try context.parameters.id("task"), lineNo: try ConsoleInput.line(context),
            picker: signed.session.staff.workName, productID: body.productId, quantity: body.quantity
        ))
    }

    @Sendable func missing(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        try Respond.json(try await picking.markMissing(
            storeID: store.storeID, taskID: try context.parameters.id("task"), lineNo: try ConsoleInput.line(context),
            picker: signed.session.staff.workName
        ))
    }

    @Sendable func stage(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        let body = try await Respond.body(StageBody.self, from: request)
        return try Respond.json(try await picking.stage(
            storeID: store.storeID, taskID: try context.parameters.id("task"), picker: signed.session.staff.workName, location: body.location
        ))
    }

    @Sendable func arrivals(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        try Respond.json(try await picking.handoverQueue(storeID: store.storeID))
    }

    struct CheckInBody: Decodable { var pickupCode: String; var parkingBay: String? }

    @Sendable func checkIn(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        let body = try await Respond.body(CheckInBody.self, from: request)
        let arrival = try await picking.checkIn(storeID: store.storeID, order: .pickupCode(body.pickupCode), parkingBay: body.parkingBay, via: .counter)
        return try Respond.json(arrival, status: arrival.isNew ? .created : .ok)
    }

    @Sendable func handOver(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        try Respond.json(try await picking.handOver(storeID: store.storeID, orderID: try ConsoleInput.order(context)))
    }

    @Sendable func startEarly(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        try Respond.json(try await picking.startEarly(storeID: store.storeID, orderID: try ConsoleInput.order(context)))
    }

    @Sendable func day(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        try Respond.json(try await picking.storeDay(storeID: store.storeID, date: try ConsoleInput.date(request, timeZone: store.timeZone)))
    }
}
