import Domain
import Forecast
import Foundation
import HTTPTypes
import Hummingbird
import Notices
import Orders
import Picking
import Shelf
import Slots

/// The customer's pages: they work without JavaScript and without an account.
struct IntakePages: Sendable {
    let dependencies: AppDependencies
    var pages: Pages { dependencies.pages }
    var orders: OrderService { dependencies.orders }

    // MARK: Browsing

    struct StoreLink: Sendable { var slug: String; var name: String; var address: String }
    struct HomeView: Sendable { var stores: [StoreLink] }

    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        let stores = try await dependencies.shelves.stores().map { StoreLink(slug: $0.slug, name: $0.name, address: $0.address) }
        return pages.render("home", HomeView(stores: stores))
    }

    struct ShelfLink: Sendable { var slug: String; var title: String; var location: String }
    struct StoreView: Sendable { var store: StoreHeader; var shelves: [ShelfLink] }

    @Sendable func store(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.store(context)
        let shelves = try await dependencies.shelves.shelves(store: store).map { ShelfLink(slug: $0.slug, title: $0.title, location: $0.location) }
        let header = try await header(store, request: request)
        return pages.render("store", StoreView(store: header, shelves: shelves))
    }

    /// The store name, fee and basket count every customer page shows at the top.
    struct StoreHeader: Sendable, Hashable, ViewFields {
        var slug: String
        var name: String
        var address: String
        var fee: String
        var basketCount: Int

        var viewFields: [String: Any] {
            ["slug": slug, "name": name, "address": address, "fee": fee, "basketCount": basketCount]
        }
    }

    func header(_ store: Store, request: Request) async throws -> StoreHeader {
        header(store, basket: try await orders.basket(storeID: store.id, token: request.cookies[Present.basketCookieName(store)]?.value))
    }

    func header(_ store: Store, basket: Basket?) -> StoreHeader {
        StoreHeader(slug: store.slug, name: store.name, address: store.address, fee: Present.euros(store.slotFeeCents), basketCount: basket?.itemCount ?? 0)
    }

    struct ProductView: Sendable, Hashable, ViewFields {
        var id: Int64
        var code: String
        var name: String
        var brand: String
        var sizeText: String
        var price: String
        var unitPrice: String?
        /// How many are left when few are (the page then says so), nil otherwise: the view, and
        /// so its memoized page, changes only when what the page shows does.
        var fewLeft: Int?
        var inStock: Bool
        var zone: String
        var fresh: Bool
        var ingredients: String?
        var allergens: String?
        var nutrition: [NutritionRow]
        var hasNutrition: Bool
        var origin: String?
        var imageURL: String?

        init(_ product: StoreProduct, code: String = "") {
            id = product.productID
            self.code = code
            name = product.name
            brand = product.brand
            sizeText = product.sizeText
            price = Present.euros(product.priceCents)
            unitPrice = product.unitPriceText
            inStock = product.active && product.available > 0
            fewLeft = inStock && product.available <= 3 ? product.available : nil
            zone = ["ambient": "Épicerie", "chilled": "Frais", "frozen": "Surgelé"][product.temperatureZone] ?? product.temperatureZone
            fresh = product.fresh
            ingredients = product.ingredients
            allergens = product.allergens.isEmpty ? nil : product.allergens.joined(separator: ", ")
            nutrition = NutritionRow.rows(product.nutrition)
            hasNutrition = !nutrition.isEmpty
            origin = product.origin
            imageURL = product.imageURL
        }

        var viewFields: [String: Any] {
            [
                "id": id, "code": code, "name": name, "brand": brand, "sizeText": sizeText, "price": price,
                "unitPrice": unitPrice as Any, "fewLeft": fewLeft as Any, "inStock": inStock,
                "zone": zone, "fresh": fresh, "ingredients": ingredients as Any, "allergens": allergens as Any,
                "nutrition": nutrition, "hasNutrition": hasNutrition, "origin": origin as Any, "imageURL": imageURL as Any,
            ]
        }
    }

    struct NutritionRow: Sendable, Hashable, ViewFields {
        var label: String
        var value: String

        var viewFields: [String: Any] { ["label": label, "value": value] }

        static let labels: [(String, String)] = [
            ("energie_kcal", "Énergie (kcal)"), ("matieres_grasses_g", "Matières grasses (g)"), ("glucides_g", "Glucides (g)"),
            ("sucres_g", "dont sucres (g)"), ("proteines_g", "Protéines (g)"), ("sel_g", "Sel (g)"),
        ]

        static func rows(_ nutrition: [String: Double]?) -> [NutritionRow] {
            guard let nutrition else { return [] }
            return labels.compactMap { key, label in
                nutrition[key].map { NutritionRow(label: label, value: String(NumberText.fixed($0, places: 1).map { $0 == "." ? "," : $0 })) }
            }
        }
    }

    struct LandingView: Sendable, Hashable, ViewFields {
        var store: StoreHeader
        var product: ProductView
        var shelfSlug: String
        var shelfTitle: String
        var freshnessDays: Int

        var viewFields: [String: Any] {
            ["store": store, "product": product, "shelfSlug": shelfSlug, "shelfTitle": shelfTitle, "freshnessDays": freshnessDays]
        }
    }

    @Sendable func scan(_ request: Request, context: AppRequestContext) async throws -> Response {
        let code = try context.parameters.text("code")
        let landing: ScanLanding
        do {
            landing = try await dependencies.shelves.landing(code: code)
        } catch CatalogError.unknownScanCode {
            return pages.render("scan-unknown", HomeView(stores: []), status: .notFound)
        }
        let view = LandingView(
            store: try await header(landing.store, request: request), product: ProductView(landing.product, code: code),
            shelfSlug: landing.shelfSlug, shelfTitle: landing.shelfTitle, freshnessDays: landing.store.freshnessDays
        )
        return pages.render("landing", memoized: view)
    }

    struct ShelfView: Sendable, Hashable { var store: StoreHeader; var slug: String; var title: String; var location: String; var returnTo: String; var items: [ProductView] }

    @Sendable func shelf(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.store(context)
        let shelf = try await dependencies.shelves.shelf(store: store, slug: try context.parameters.text("shelf"))
        let view = ShelfView(
            store: try await header(store, request: request), slug: shelf.slug, title: shelf.title, location: shelf.location,
            returnTo: "/stores/\(store.slug)/shelves/\(shelf.slug)",
            items: shelf.items.map { ProductView($0.product, code: $0.code) }
        )
        return pages.render("shelf", memoized: view)
    }

    @Sendable func poster(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.store(context)
        let poster = try await dependencies.shelves.poster(store: store, shelfSlug: try context.parameters.text("shelf"))
        let page = request.uri.queryParameters.get("page").flatMap(Int.init) ?? 1
        guard (1...poster.pageCount).contains(page) else { throw CatalogError.posterPageOutOfRange(page) }
        return Response(
            status: .ok,
            headers: [.contentType: "image/svg+xml; charset=utf-8", .cacheControl: "no-cache"],
            body: .init(byteBuffer: .init(string: poster.page(page - 1)))
        )
    }

    // MARK: Basket

    struct LineView: Sendable {
        var productID: Int64
        var name: String
        var brand: String
        var sizeText: String
        var quantity: Int
        var unitPrice: String
        var lineTotal: String
        var shortage: Bool
        var available: Int
    }

    struct BasketView: Sendable {
        var store: StoreHeader
        var lines: [LineView]
        var empty: Bool
        var subtotal: String
        var fee: String
        var total: String
        var hasShortage: Bool
    }

    func basketView(_ store: Store, _ basket: Basket?, header: StoreHeader) -> BasketView {
        let lines = (basket?.lines ?? []).map { line in
            LineView(
                productID: line.productID, name: line.name, brand: line.brand, sizeText: line.sizeText, quantity: line.quantity,
                unitPrice: Present.euros(line.unitPriceCents), lineTotal: Present.euros(line.lineTotalCents),
                shortage: !line.active || line.quantity > line.available, available: line.available
            )
        }
        let subtotal = basket?.subtotalCents ?? 0
        return BasketView(
            store: header, lines: lines, empty: lines.isEmpty, subtotal: Present.euros(subtotal),
            fee: Present.euros(store.slotFeeCents), total: Present.euros(subtotal + store.slotFeeCents),
            hasShortage: lines.contains(where: \.shortage)
        )
    }

    @Sendable func basket(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.store(context)
        let basket = try await orders.basket(storeID: store.id, token: request.cookies[Present.basketCookieName(store)]?.value)
        return pages.render("basket", basketView(store, basket, header: header(store, basket: basket)))
    }

    /// The basket token from the cookie, or a new basket (and its cookie) on first add.
    func basketToken(_ store: Store, request: Request) async throws -> (token: String, cookie: Cookie?) {
        if let token = request.cookies[Present.basketCookieName(store)]?.value,
           let basket = try await orders.basket(storeID: store.id, token: token), basket.orderID == nil {
            return (token, nil)
        }
        let created = try await orders.createBasket(storeID: store.id)
        return (created.token, Present.basketCookie(store, token: created.token, secure: dependencies.secureCookies))
    }

    @Sendable func add(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.store(context)
        let form = try await Respond.form(request)
        guard let productID = form["product_id"].flatMap(Int64.init) else { throw Problem(.badRequest, detail: "Which product? The form is incomplete.") }
        let quantity = try Self.quantity(form["quantity"] ?? "1")
        let (token, cookie) = try await basketToken(store, request: request)
        _ = try await orders.add(storeID: store.id, token: token, productID: productID, quantity: quantity)
        var response = Respond.seeOther(Self.localReturn(form["return_to"]) ?? "/stores/\(store.slug)/basket")
        if let cookie { response.setCookie(cookie) }
        return response
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.store(context)
        let form = try await Respond.form(request)
        guard let productID = form["product_id"].flatMap(Int64.init) else { throw Problem(.badRequest, detail: "Which product? The form is incomplete.") }
        let quantity = form["remove"] != nil ? 0 : try Self.quantity(form["quantity"] ?? "")
        guard let token = request.cookies[Present.basketCookieName(store)]?.value else { throw OrderError.unknownBasket }
        _ = try await orders.setQuantity(storeID: store.id, token: token, productID: productID, quantity: quantity)
        return Respond.seeOther("/stores/\(store.slug)/basket")
    }

    static func quantity(_ text: String) throws -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else { throw OrderError.invalidQuantity(-1) }
        return value
    }

    /// Only paths on this site: a form cannot send the customer elsewhere.
    static func localReturn(_ path: String?) -> String? {
        guard let path, path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\") else { return nil }
        return path
    }

    // MARK: Checkout

    struct SlotChoice: Sendable {
        var slotID: Int64
        var time: String
        var available: Bool
        var reason: String?
        var busyness: String
        var wait: String
        var remaining: Int
        var chosen: Bool
    }

    struct DayChoice: Sendable { var date: String; var label: String; var selected: Bool }

    struct CheckoutView: Sendable {
        var store: StoreHeader
        var basket: BasketView
        var days: [DayChoice]
        var date: String
        var slots: [SlotChoice]
        var noSlots: Bool
        var chosenSlot: String?
        var idempotencyKey: String
        var action: String
        var title: String
    }

    static let reasons = ["full": "Complet", "past-cutoff": "Trop tard", "closed": "Fermé", "at-risk": "Indisponible"]
    static let busyness = ["low": "Calme", "medium": "Modéré", "high": "Chargé"]

    func slotChoices(_ store: Store, date: String, chosen: Int64?) async throws -> [SlotChoice] {
        try await dependencies.slots.offers(storeID: store.id, date: date).map { offer in
            SlotChoice(
                slotID: offer.slotID, time: "\(Present.time(offer.start, timeZone: store.timeZone))–\(Present.time(offer.end, timeZone: store.timeZone))",
                available: offer.available, reason: offer.unavailableReason.map { Self.reasons[$0] ?? $0 },
                busyness: Self.busyness[offer.busyness] ?? offer.busyness,
                wait: offer.expectedWaitMinutes < 1 ? "moins d’1 min" : "≈ \(Int(offer.expectedWaitMinutes.rounded())) min",
                remaining: offer.remainingOrders, chosen: offer.slotID == chosen
            )
        }
    }

    func dayChoices(_ store: Store, selected: String) -> [DayChoice] {
        (0..<7).map { offset in
            let date = WallClock.now().addingTimeInterval(Double(offset) * 86_400)
            let iso = Present.isoDay(date, timeZone: store.timeZone)
            return DayChoice(date: iso, label: offset == 0 ? "Aujourd’hui" : Present.day(date, timeZone: store.timeZone), selected: iso == selected)
        }
    }

    func selectedDate(_ request: Request, _ store: Store) throws -> String {
        let date = request.uri.queryParameters.get("date") ?? Present.isoDay(WallClock.now(), timeZone: store.timeZone)
        guard LocalDate(parsing: date) != nil else {
            throw Problem(.badRequest, detail: "The date must look like 2026-11-24.")
        }
        return date
    }

    @Sendable func checkout(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.store(context)
        let token = request.cookies[Present.basketCookieName(store)]?.value
        guard let basket = try await orders.basket(storeID: store.id, token: token), !basket.lines.isEmpty, basket.orderID == nil else {
            return Respond.seeOther("/stores/\(store.slug)/basket")
        }
        let date = try selectedDate(request, store)
        let slots = try await slotChoices(store, date: date, chosen: nil)
        let hold = try await dependencies.slots.currentHold(storeID: store.id, holdID: basket.holdID)
        let header = header(store, basket: basket)
        let view = CheckoutView(
            store: header, basket: basketView(store, basket, header: header), days: dayChoices(store, selected: date), date: date,
            slots: slots, noSlots: slots.isEmpty,
            chosenSlot: hold.map { Present.slot($0.start, $0.end, timeZone: store.timeZone) },
            idempotencyKey: UUID().uuidString, action: "/stores/\(store.slug)/checkout/slot", title: "Choisir un créneau"
        )
        return pages.render("checkout", view)
    }

    @Sendable func chooseSlot(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.store(context)
        let form = try await Respond.form(request)
        guard let slotID = form["slot_id"].flatMap(Int64.init) else { throw Problem(.badRequest, detail: "Choose a pickup slot.") }
        guard let token = request.cookies[Present.basketCookieName(store)]?.value else { throw OrderError.unknownBasket }
        _ = try await orders.chooseSlot(storeID: store.id, token: token, slotID: slotID)
        let date = form["date"].flatMap { LocalDate(parsing: $0) == nil ? nil : $0 }
        return Respond.seeOther("/stores/\(store.slug)/checkout" + (date.map { "?date=\($0)" } ?? "") + "#contact")
    }

    @Sendable func placeOrder(_ request: Request, context: AppRequestContext) async throws -> Response {
        let store = try await dependencies.store(context)
        let form = try await Respond.form(request)
        guard let token = request.cookies[Present.basketCookieName(store)]?.value else { throw OrderError.unknownBasket }
        let submission = try await orders.placeOrder(
            storeID: store.id, token: token,
            contact: Contact(name: form["name"] ?? "", phone: form["phone"], email: form["email"], allowsDearerSubstitutes: form["dearer"] == "on"),
            idempotencyKey: form["idempotency_key"] ?? ""
        )
        return Respond.seeOther("/o/\(submission.order.link)")
    }

    // MARK: Order

    struct EventView: Sendable { var label: String; var when: String; var note: String? }

    struct NoticeView: Sendable { var subject: String; var body: String; var when: String; var delivery: String }

    struct OrderPage: Sendable {
        var link: String
        var number: String
        var status: String
        var statusCode: String
        var cancelled: Bool
        var ready: Bool
        /// "I'm here" is offered once the order is being prepared or ready, until the customer has said so.
        var canArrive: Bool
        var arrived: Bool
        var atRisk: Bool
        var pickupCode: String
        var qrSVG: String
        var storeName: String
        var storeSlug: String
        var storeAddress: String
        var slot: String
        var lines: [OrderLineView]
        var subtotal: String
        var fee: String
        var total: String
        var changeable: Bool
        var deadline: String
        var customerName: String?
        var contact: String?
        var contactErased: Bool
        var events: [EventView]
        var notices: [NoticeView]
        var hasNotices: Bool
    }

    struct OrderLineView: Sendable { var name: String; var detail: String; var quantity: Int; var total: String }

    func orderPage(_ order: OrderView, link: String) throws -> OrderPage {
        let zone = order.timeZone
        let pickupURL = dependencies.config.publicBaseURL + "/staff/stores/\(order.storeSlug)/pickup/\(order.pickupCode)"
        return OrderPage(
            link: link, number: order.orderNumber, status: Present.statusLabels[order.status] ?? order.status, statusCode: order.status,
            cancelled: order.status == "cancelled", ready: order.status == "ready",
            canArrive: ["picking", "ready"].contains(order.status) && !order.events.contains { $0.kind == "arrived" },
            arrived: order.status != "handed_over" && order.events.contains { $0.kind == "arrived" },
            atRisk: order.atRisk,
            pickupCode: order.pickupCode,
            qrSVG: try QRCode(pickupURL, errorCorrection: .medium).svgDocument(moduleSize: 5, title: "QR code de retrait"),
            storeName: order.storeName, storeSlug: order.storeSlug, storeAddress: order.storeAddress,
            slot: Present.slot(order.slotStart, order.slotEnd, timeZone: zone),
            lines: order.lines.map { OrderLineView(name: $0.name, detail: "\($0.brand) · \($0.sizeText)", quantity: $0.quantity, total: Present.euros($0.lineTotalCents)) },
            subtotal: Present.euros(order.subtotalCents), fee: Present.euros(order.feeCents), total: Present.euros(order.totalCents),
            changeable: order.changeable,
            deadline: "\(Present.day(order.changeDeadline, timeZone: zone)) à \(Present.time(order.changeDeadline, timeZone: zone))",
            customerName: order.customerName,
            contact: [order.customerPhone, order.customerEmail].compactMap { $0 }.joined(separator: " · "),
            contactErased: order.contactErased,
            events: order.events.map { event in
                EventView(
                    label: Present.eventLabels[event.kind] ?? event.kind,
                    when: "\(Present.day(event.at, timeZone: zone)) \(Present.time(event.at, timeZone: zone))",
                    note: event.detail["note"] ?? event.detail["to"].flatMap { try? Date($0, strategy: .iso8601) }
                        .map { "Nouveau créneau : \(Present.day($0, timeZone: zone)) \(Present.time($0, timeZone: zone))" }
                )
            },
            notices: order.notices.map { notice in
                NoticeView(
                    subject: notice.subject, body: notice.body,
                    when: "\(Present.day(notice.createdAt, timeZone: zone)) \(Present.time(notice.createdAt, timeZone: zone))",
                    delivery: Present.noticeDeliveryLabels[notice.delivery] ?? notice.delivery.rawValue
                )
            },
            hasNotices: !order.notices.isEmpty
        )
    }

    @Sendable func order(_ request: Request, context: AppRequestContext) async throws -> Response {
        let link = try context.parameters.text("link")
        let order = try await orders.order(link: link)
        return pages.render("order", try orderPage(order, link: link))
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let link = try context.parameters.text("link")
        _ = try await orders.cancel(link: link)
        return Respond.seeOther("/o/\(link)")
    }

    /// "I'm here", with an optional parking bay.
    @Sendable func arrive(_ request: Request, context: AppRequestContext) async throws -> Response {
        let link = try context.parameters.text("link")
        let form = try await Respond.form(request)
        let order = try await orders.order(link: link)
        _ = try await dependencies.picking.checkIn(storeID: order.storeID, order: .order(order.orderID), parkingBay: form["bay"], via: .customer)
        return Respond.seeOther("/o/\(link)")
    }

    /// The order page's live updates.
    @Sendable func events(_ request: Request, context: AppRequestContext) async throws -> Response {
        let order = try await orders.order(link: try context.parameters.text("link"))
        return LiveUpdates(dependencies).order(storeID: order.storeID, orderID: order.orderID)
    }

    struct ChangeView: Sendable {
        var store: StoreHeader
        var order: OrderPage
        var days: [DayChoice]
        var date: String
        var slots: [SlotChoice]
        var noSlots: Bool
        var action: String
    }

    @Sendable func changeForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let link = try context.parameters.text("link")
        let order = try await orders.order(link: link)
        guard let store = try await dependencies.shelves.store(id: order.storeID) else { throw OrderError.unknownOrder }
        let date = try selectedDate(request, store)
        let slots = try await slotChoices(store, date: date, chosen: order.slotID)
        return pages.render("order-change", ChangeView(
            store: try await header(store, request: request), order: try orderPage(order, link: link),
            days: dayChoices(store, selected: date), date: date, slots: slots, noSlots: slots.isEmpty, action: "/o/\(link)/change"
        ))
    }

    @Sendable func change(_ request: Request, context: AppRequestContext) async throws -> Response {
        let link = try context.parameters.text("link")
        let form = try await Respond.form(request)
        guard let slotID = form["slot_id"].flatMap(Int64.init) else { throw Problem(.badRequest, detail: "Choose a pickup slot.") }
        _ = try await orders.changeSlot(link: link, slotID: slotID)
        return Respond.seeOther("/o/\(link)")
    }

    @Sendable func personalData(_ request: Request, context: AppRequestContext) async throws -> Response {
        let order = try await orders.personalData(link: try context.parameters.text("link"))
        return try Respond.json(PersonalData(order), headers: [.contentDisposition: "attachment; filename=\"creneau-\(order.orderNumber).json\""])
    }

    @Sendable func erase(_ request: Request, context: AppRequestContext) async throws -> Response {
        let link = try context.parameters.text("link")
        _ = try await orders.erasePersonalData(link: link)
        return Respond.seeOther("/o/\(link)")
    }
}

/// What a customer downloads about themselves: their contact details and the order they belong to.
struct PersonalData: Encodable {
    var orderNumber: String
    var name: String?
    var phone: String?
    var email: String?
    var placedAt: Date
    var store: String
    var slotStart: Date
    var lines: [OrderLine]
    var totalCents: Int
    var events: [OrderEvent]

    init(_ order: OrderView) {
        orderNumber = order.orderNumber
        name = order.customerName
        phone = order.customerPhone
        email = order.customerEmail
        placedAt = order.placedAt
        store = "\(order.storeName), \(order.storeAddress)"
        slotStart = order.slotStart
        lines = order.lines
        totalCents = order.totalCents
        events = order.events
    }
}
