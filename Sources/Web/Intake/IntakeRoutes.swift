import Foundation
import HTTPTypes
import Hummingbird
import Orders
import Shelf
import Slots

func addIntakeRoutes(to router: Router<AppRequestContext>, _ dependencies: AppDependencies) {
    let pages = IntakePages(dependencies: dependencies)
    router.get("/", use: pages.home)
    router.get("/s/:code", use: pages.scan)
    router.get("/stores/:store", use: pages.store)
    router.get("/stores/:store/shelves/:shelf", use: pages.shelf)
    router.get("/stores/:store/shelves/:shelf/poster.svg", use: pages.poster)
    router.get("/stores/:store/basket", use: pages.basket)
    router.post("/stores/:store/basket/add", use: pages.add)
    router.post("/stores/:store/basket/update", use: pages.update)
    router.get("/stores/:store/checkout", use: pages.checkout)
    router.post("/stores/:store/checkout/slot", use: pages.chooseSlot)
    router.post("/stores/:store/checkout", use: pages.placeOrder)
    router.get("/o/:link", use: pages.order)
    router.post("/o/:link/cancel", use: pages.cancel)
    router.post("/o/:link/arrive", use: pages.arrive)
    router.get("/o/:link/events", use: pages.events)
    router.get("/o/:link/change", use: pages.changeForm)
    router.post("/o/:link/change", use: pages.change)
    router.get("/o/:link/personal-data", use: pages.personalData)
    router.post("/o/:link/erase", use: pages.erase)
    IntakeAPI(dependencies: dependencies).addRoutes(to: router)
}

/// Shared by pages and API: the store a URL names.
extension AppDependencies {
    func store(_ context: AppRequestContext) async throws -> Store {
        try await shelves.store(slug: try context.parameters.text("store"))
    }

    var secureCookies: Bool { config.publicBaseURL.hasPrefix("https://") }
}
