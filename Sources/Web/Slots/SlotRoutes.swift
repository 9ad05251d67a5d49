import Foundation
import Hummingbird
import Shelf
import Slots

/// Offers API and the store's "planning de fréquentation" (page and JSON).
func addSlotRoutes(to router: Router<AppRequestContext>, _ dependencies: AppDependencies) {
    let routes = SlotRoutes(dependencies: dependencies)
    router.get("/api/stores/:slug/slots", use: routes.offers)
    router.get("/api/stores/:slug/planning", use: routes.planningJSON)
    router.get("/stores/:slug/planning", use: routes.planningPage)
}

struct SlotRoutes: Sendable {
    static let planningDays = 7

    let dependencies: AppDependencies

    /// GET /api/stores/{slug}/slots?date=YYYY-MM-DD
    @Sendable func offers(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.shelves.store(slug: context.parameters.require("slug"))
        guard let date = request.uri.queryParameters.get("date") else {
            throw SlotError.invalid("Give the day as ?date=YYYY-MM-DD.")
        }
        return try JSONBody.response(try await dependencies.slots.offers(storeID: store.id, date: date))
    }

    /// GET /api/stores/{slug}/planning?from=YYYY-MM-DD&days=7 (from defaults to the store's today).
    @Sendable func planningJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.shelves.store(slug: context.parameters.require("slug"))
        let from = request.uri.queryParameters.get("from") ?? LocalCalendar.today(in: store.timeZone)
        let daysText = request.uri.queryParameters.get("days") ?? String(Self.planningDays)
        guard let days = Int(daysText) else { throw SlotError.invalid("days must be a whole number, not \"\(daysText)\".") }
        return try JSONBody.response(try await dependencies.slots.planning(storeID: store.id, from: from, days: days))
    }

    /// GET /stores/{slug}/planning: this week's heatmap, readable without JavaScript.
    @Sendable func planningPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.shelves.store(slug: context.parameters.require("slug"))
        let planning = try await dependencies.slots.planning(
            storeID: store.id, from: LocalCalendar.today(in: store.timeZone), days: Self.planningDays
        )
        return dependencies.pages.render("slots-planning", PlanningPage(store: store, planning: planning))
    }
}

/// JSON bodies with ISO 8601 dates, the form every API client reads.
enum JSONBody {
    static func response(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}

enum LocalCalendar {
    /// YYYY-MM-DD of `now` on the store's wall clock.
    static func today(in timeZone: String, now: Date = Date()) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}
