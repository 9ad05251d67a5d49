import Domain
import Forecast
import Foundation
import HTTPTypes
import Hummingbird
import Picking
import Staff

/// Who may do what in a store. An admin holds every role everywhere.
enum ConsoleRoles {
    static let anyone = Set(StaffRole.allCases)
    /// The picking queue and tasks; managers may step in.
    static let picking: Set<StaffRole> = [.picker, .manager]
    /// Arrivals and handover at the counter; managers may step in.
    static let counter: Set<StaffRole> = [.handover, .manager]
    static let managing: Set<StaffRole> = [.manager]
}

/// The staff console: pages under /staff/stores/:store and the same actions as
/// JSON under /api/staff/stores/:store. Every route goes through
/// `StaffAccess.inStore` with the roles it needs, so a member of staff of
/// another store, or without the role, gets 403 before anything is read.
func addConsoleRoutes(to router: Router<AppRequestContext>, _ dependencies: AppDependencies) {
    let access = StaffAccess(dependencies: dependencies)
    let pages = ConsolePages(dependencies: dependencies)
    let api = ConsoleAPI(dependencies: dependencies)
    let store = "/staff/stores/:store"
    router.get(RouterPath(store), use: access.inStore(ConsoleRoles.anyone, pages.home))
    router.get(RouterPath("\(store)/events"), use: access.inStore(ConsoleRoles.anyone, pages.events))
    router.get(RouterPath("\(store)/picking"), use: access.inStore(ConsoleRoles.picking, pages.queue))
    router.post(RouterPath("\(store)/picking/claim"), use: access.inStore(ConsoleRoles.picking, pages.claim))
    router.post(RouterPath("\(store)/picking/batch"), use: access.inStore(ConsoleRoles.picking, pages.batch))
    router.get(RouterPath("\(store)/tasks/:task"), use: access.inStore(ConsoleRoles.picking, pages.task))
    router.post(RouterPath("\(store)/tasks/:task/lines/:line/pick"), use: access.inStore(ConsoleRoles.picking, pages.pick))
    router.post(RouterPath("\(store)/tasks/:task/lines/:line/substitute"), use: access.inStore(ConsoleRoles.picking, pages.substitute))
    router.post(RouterPath("\(store)/tasks/:task/lines/:line/missing"), use: access.inStore(ConsoleRoles.picking, pages.missing))
    router.post(RouterPath("\(store)/tasks/:task/stage"), use: access.inStore(ConsoleRoles.picking, pages.stage))
    router.get(RouterPath("\(store)/handover"), use: access.inStore(ConsoleRoles.counter, pages.handover))
    router.get(RouterPath("\(store)/pickup/:code"), use: access.inStore(ConsoleRoles.counter, pages.pickup))
    router.post(RouterPath("\(store)/handover/check-in"), use: access.inStore(ConsoleRoles.counter, pages.checkIn))
    router.post(RouterPath("\(store)/handover/:order"), use: access.inStore(ConsoleRoles.counter, pages.handOver))
    router.get(RouterPath("\(store)/manager"), use: access.inStore(ConsoleRoles.managing, pages.manager))
    router.post(RouterPath("\(store)/orders/:order/start"), use: access.inStore(ConsoleRoles.managing, pages.startEarly))

    let apiStore = "/api/staff/stores/:store"
    router.get(RouterPath("\(apiStore)/queue"), use: access.inStore(ConsoleRoles.picking, api.queue))
    router.post(RouterPath("\(apiStore)/claims"), use: access.inStore(ConsoleRoles.picking, api.claim))
    router.post(RouterPath("\(apiStore)/batches"), use: access.inStore(ConsoleRoles.picking, api.batch))
    router.get(RouterPath("\(apiStore)/tasks/:task"), use: access.inStore(ConsoleRoles.picking, api.task))
    router.get(RouterPath("\(apiStore)/tasks/:task/lines/:line/substitutes"), use: access.inStore(ConsoleRoles.picking, api.substitutes))
    router.post(RouterPath("\(apiStore)/tasks/:task/lines/:line/pick"), use: access.inStore(ConsoleRoles.picking, api.pick))
    router.post(RouterPath("\(apiStore)/tasks/:task/lines/:line/substitute"), use: access.inStore(ConsoleRoles.picking, api.substitute))
    router.post(RouterPath("\(apiStore)/tasks/:task/lines/:line/missing"), use: access.inStore(ConsoleRoles.picking, api.missing))
    router.post(RouterPath("\(apiStore)/tasks/:task/stage"), use: access.inStore(ConsoleRoles.picking, api.stage))
    router.get(RouterPath("\(apiStore)/arrivals"), use: access.inStore(ConsoleRoles.counter, api.arrivals))
    router.post(RouterPath("\(apiStore)/arrivals"), use: access.inStore(ConsoleRoles.counter, api.checkIn))
    router.post(RouterPath("\(apiStore)/orders/:order/handover"), use: access.inStore(ConsoleRoles.counter, api.handOver))
    router.post(RouterPath("\(apiStore)/orders/:order/start"), use: access.inStore(ConsoleRoles.managing, api.startEarly))
    router.get(RouterPath("\(apiStore)/day"), use: access.inStore(ConsoleRoles.managing, api.day))
}

/// What console routes read from the path and forms, checked once here.
enum ConsoleInput {
    static func order(_ context: AppRequestContext) throws -> UUID {
        guard let text = context.parameters.get("order"), let id = UUID(uuidString: text) else {
            throw Problem(.notFound, detail: "There is nothing at this address.")
        }
        return id
    }

    static func line(_ context: AppRequestContext) throws -> Int {
        Int(clamping: try context.parameters.id("line"))
    }

    /// A whole number from a form or JSON field; a missing or malformed one is the caller's error.
    static func quantity(_ text: String?) throws -> Int {
        guard let text, let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw PickingError.invalid("Give a quantity as a whole number from 1 to 99.")
        }
        return value
    }

    static func zone(_ text: String?) throws -> TemperatureZone? {
        guard let text, !text.isEmpty else { return nil }
        guard let zone = TemperatureZone(rawValue: text) else {
            throw PickingError.invalid("The zone is ambient, chilled or frozen.")
        }
        return zone
    }

    /// The store's local date asked for, or today there.
    static func date(_ request: Request, timeZone: String) throws -> String {
        guard let date = request.uri.queryParameters.get("date") else {
            return Present.isoDay(WallClock.now(), timeZone: timeZone)
        }
        guard let day = LocalDate(parsing: date), day.description == date else {
            throw Problem(.badRequest, type: "invalid-date", detail: "The date must be a calendar date written YYYY-MM-DD.")
        }
        return date
    }

    static let zoneLabels: [TemperatureZone: String] = [.ambient: "Ambiant", .chilled: "Frais", .frozen: "Surgelé"]
    static let taskStatusLabels: [TaskStatus: String] = [
        .queued: "En attente", .claimed: "En cours", .picked: "À déposer", .staged: "Déposé",
    ]
}
