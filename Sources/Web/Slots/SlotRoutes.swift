import Domain
import Foundation
import Hummingbird
import Shelf
import Slots

/// Offers API and the store's "planning de fréquentation" (page and JSON).
func addSlotRoutes(to router: Router<AppRequestContext>, _ dependencies: AppDependencies) {
    let routes = SlotRoutes(dependencies: dependencies)
    router.get("/api/stores/:store/slots", use: routes.offers)
    router.get("/api/stores/:store/planning", use: routes.planningJSON)
    router.get("/stores/:store/planning", use: routes.planningPage)
}

struct SlotRoutes: Sendable {
    static let planningDays = 7

    let dependencies: AppDependencies

    /// GET /api/stores/{store}/slots?date=YYYY-MM-DD
    @Sendable func offers(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.shelves.store(slug: context.parameters.require("store"))
        guard let date = request.uri.queryParameters.get("date") else {
            throw SlotError.invalid("Give the day as ?date=YYYY-MM-DD.")
        }
        return try Respond.json(try await dependencies.slots.offers(storeID: store.id, date: date))
    }

    /// GET /api/stores/{store}/planning?from=YYYY-MM-DD&days=7 (from defaults to the store's today).
    @Sendable func planningJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.shelves.store(slug: context.parameters.require("store"))
        let from = request.uri.queryParameters.get("from") ?? Present.isoDay(WallClock.now(), timeZone: store.timeZone)
        let daysText = request.uri.queryParameters.get("days") ?? String(Self.planningDays)
        guard let days = Int(daysText) else { throw SlotError.invalid("days must be a whole number, not \"\(daysText)\".") }
        return try Respond.json(try await dependencies.slots.planning(storeID: store.id, from: from, days: days))
    }

    /// GET /stores/{store}/planning: this week's heatmap, readable without JavaScript.
    @Sendable func planningPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.shelves.store(slug: context.parameters.require("store"))
        let planning = try await dependencies.slots.planning(
            storeID: store.id, from: Present.isoDay(WallClock.now(), timeZone: store.timeZone), days: Self.planningDays
        )
        return dependencies.pages.render("slots-planning", PlanningPage(store: store, planning: planning))
    }
}
