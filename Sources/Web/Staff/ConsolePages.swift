import Domain
import Forecast
import Foundation
import HTTPTypes
import Hummingbird
import Picking
import Slots
import Staff

/// The console's pages. Claims and line actions post and redirect; the other
/// forms answer with the page and what happened, and repeating one by a reload
/// is refused harmlessly (already staged, already handed over). A refusal
/// (stale form, more than ordered, not ready…) shows the same page again with
/// the reason and a 4xx status, nothing changed.
struct ConsolePages: Sendable {
    let dependencies: AppDependencies

    var pages: Pages { dependencies.pages }
    var picking: PickingService { dependencies.picking }
    var live: LiveUpdates { LiveUpdates(dependencies) }

    typealias Signed = StaffAccess.Signed

    /// What every console page shows around its content.
    struct Frame: Sendable {
        var slug: String
        var storeName: String
        var who: String
        var roles: String
        var csrf: String
        var canPick: Bool
        var canHandOver: Bool
        var canManage: Bool
        var error: String?
        var notice: String?
    }

    func frame(_ signed: Signed, _ store: StoreAccess, error: String? = nil, notice: String? = nil) -> Frame {
        Frame(
            slug: store.slug, storeName: store.name, who: signed.session.staff.displayName,
            roles: signed.session.staff.isAdmin ? "administrateur" : StaffPages.roleList(store.roles),
            csrf: signed.session.csrfToken,
            canPick: !store.roles.isDisjoint(with: ConsoleRoles.picking),
            canHandOver: !store.roles.isDisjoint(with: ConsoleRoles.counter),
            canManage: !store.roles.isDisjoint(with: ConsoleRoles.managing),
            error: error, notice: notice
        )
    }

    func time(_ date: Date, _ store: StoreAccess) -> String { Present.time(date, timeZone: store.timeZone) }

    /// Runs a form's action; a refusal the user can act on shows `page` again with the reason.
    func attempt(
        _ action: () async throws -> Response,
        orShow page: (String, HTTPResponse.Status) async throws -> Response
    ) async throws -> Response {
        do {
            return try await action()
        } catch let error as any DomainError {
            return try await page(error.detail, error.kind.status)
        }
    }

    // MARK: Home and live updates

    struct HomeView: Sendable {
        var frame: Frame
        var queued: Int
        var waiting: Int
    }

    @Sendable func home(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        let view = frame(signed, store)
        let queued = view.canPick || view.canManage ? try await picking.queue(storeID: store.storeID).count : 0
        let waiting = view.canHandOver ? try await picking.handoverQueue(storeID: store.storeID).count : 0
        return pages.render("console-home", HomeView(frame: view, queued: queued, waiting: waiting))
    }

    @Sendable func events(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        live.store(store.storeID)
    }

    // MARK: Picking queue

    struct QueueRow: Sendable {
        var taskID: Int64
        var order: String
        var zone: String
        var due: String
        var lines: Int
        var status: String
        var holder: String?
        var mine: Bool
    }

    struct MyTask: Sendable {
        var taskID: Int64
        var order: String
        var zone: String
        var tote: String
        var due: String
        var done: Int
        var lines: Int
        var status: String
    }

    struct ZoneOption: Sendable { var value: String; var label: String }

    struct QueueView: Sendable {
        var frame: Frame
        var mine: [MyTask]
        var hasMine: Bool
        var queue: [QueueRow]
        var queueEmpty: Bool
        var zones: [ZoneOption]
    }

    func queuePage(_ signed: Signed, _ store: StoreAccess, error: String? = nil, notice: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let me = signed.session.staff.workName
        let mine = try await picking.tasks(storeID: store.storeID, claimedBy: me).map { task in
            MyTask(
                taskID: task.taskID, order: task.orderNumber, zone: ConsoleInput.zoneLabels[task.zone] ?? task.zone.rawValue,
                tote: task.toteLabel, due: time(task.dueAt, store), done: task.lines.count - task.linesPending, lines: task.lines.count,
                status: ConsoleInput.taskStatusLabels[task.status] ?? task.status.rawValue
            )
        }
        let queue = try await picking.queue(storeID: store.storeID).map { entry in
            QueueRow(
                taskID: entry.taskID, order: entry.orderNumber, zone: ConsoleInput.zoneLabels[entry.zone] ?? entry.zone.rawValue,
                due: time(entry.dueAt, store), lines: entry.lines,
                status: ConsoleInput.taskStatusLabels[entry.status] ?? entry.status.rawValue,
                holder: entry.claimedBy, mine: entry.claimedBy == me
            )
        }
        return pages.render("console-picking", QueueView(
            frame: frame(signed, store, error: error, notice: notice), mine: mine, hasMine: !mine.isEmpty,
            queue: queue, queueEmpty: queue.isEmpty,
            zones: TemperatureZone.allCases.map { ZoneOption(value: $0.rawValue, label: ConsoleInput.zoneLabels[$0] ?? $0.rawValue) }
        ), status: status)
    }

    @Sendable func queue(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        try await queuePage(signed, store)
    }

    @Sendable func claim(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        try await attempt({
            let zone = try ConsoleInput.zone(form["zone"])
            guard let task = try await picking.claimNext(storeID: store.storeID, picker: signed.session.staff.workName, zone: zone) else {
                return try await queuePage(signed, store, notice: "Rien à préparer pour l’instant\(zone.map { " en " + (ConsoleInput.zoneLabels[$0] ?? $0.rawValue).lowercased() } ?? "").")
            }
            return Respond.seeOther("/staff/stores/\(store.slug)/tasks/\(task.taskID)")
        }, orShow: { try await queuePage(signed, store, error: $0, status: $1) })
    }

    @Sendable func batch(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        try await attempt({
            guard let zone = try ConsoleInput.zone(form["zone"]) else { throw PickingError.invalid("Choose the zone of the batch.") }
            let orders = try ConsoleInput.quantity(form["orders"])
            let tasks = try await picking.claimBatch(
                storeID: store.storeID, picker: signed.session.staff.workName, zone: zone, maxOrders: orders, maxLines: Self.batchMaxLines
            )
            guard !tasks.isEmpty else { return try await queuePage(signed, store, notice: "Aucune petite commande à grouper pour l’instant.") }
            return Respond.seeOther("/staff/stores/\(store.slug)/picking")
        }, orShow: { try await queuePage(signed, store, error: $0, status: $1) })
    }

    /// Orders of more lines than this in a zone are picked one at a time.
    static let batchMaxLines = 8

    // MARK: One task

    struct OptionRow: Sendable { var productID: Int64; var label: String }

    struct LineRow: Sendable {
        var lineNo: Int
        var name: String
        var detail: String
        var aisle: String
        var ordered: Int
        var picked: Int
        var remaining: Int
        var status: String
        var pending: Bool
        var substitute: String?
        var options: [OptionRow]
        var hasOptions: Bool
    }

    struct TaskView: Sendable {
        var frame: Frame
        var taskID: Int64
        var order: String
        var zone: String
        var tote: String
        var due: String
        var status: String
        var mine: Bool
        var holder: String?
        var canStage: Bool
        var staged: String?
        var lines: [LineRow]
    }

    static let lineStatusLabels: [LineStatus: String] = [.pending: "À prendre", .picked: "Pris", .substituted: "Remplacé", .missing: "Manquant"]

    func taskPage(_ signed: Signed, _ store: StoreAccess, taskID: Int64, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let task = try await picking.task(storeID: store.storeID, taskID: taskID)
        let mine = task.claimedBy == signed.session.staff.workName && (task.status == .claimed || task.status == .picked)
        var lines: [LineRow] = []
        for line in task.lines {
            let options = mine && line.status == .pending
                ? try await picking.substituteOptions(storeID: store.storeID, taskID: taskID, lineNo: line.lineNo).map { option in
                    OptionRow(productID: option.productID, label: "\(option.name) \(option.brand) \(option.sizeText) — \(Present.euros(option.chargedCents))"
                        + (option.chargedCents < option.shelfPriceCents ? " (prix rayon \(Present.euros(option.shelfPriceCents)))" : "")
                        + (option.aisle.isEmpty ? "" : " — \(option.aisle)"))
                }
                : []
            lines.append(LineRow(
                lineNo: line.lineNo, name: line.name, detail: [line.brand, line.sizeText].filter { !$0.isEmpty }.joined(separator: " · "),
                aisle: line.aisle, ordered: line.orderedQuantity, picked: line.pickedQuantity, remaining: line.remaining,
                status: Self.lineStatusLabels[line.status] ?? line.status.rawValue, pending: line.status == .pending,
                substitute: line.substitute.map { "\($0.quantity) × \($0.name) à \(Present.euros($0.unitPriceCents))" },
                options: options, hasOptions: !options.isEmpty
            ))
        }
        return pages.render("console-task", TaskView(
            frame: frame(signed, store, error: error), taskID: task.taskID, order: task.orderNumber,
            zone: ConsoleInput.zoneLabels[task.zone] ?? task.zone.rawValue, tote: task.toteLabel, due: time(task.dueAt, store),
            status: ConsoleInput.taskStatusLabels[task.status] ?? task.status.rawValue, mine: mine,
            holder: mine ? nil : task.claimedBy, canStage: mine && task.status == .picked, staged: task.stagingLocation, lines: lines
        ), status: status)
    }

    @Sendable func task(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        try await taskPage(signed, store, taskID: try context.parameters.id("task"))
    }

    /// A line action, then back to the task (at the next line), or the task again with the refusal.
    func lineAction(
        _ context: AppRequestContext, _ signed: Signed, _ store: StoreAccess,
        _ action: @Sendable (_ taskID: Int64, _ lineNo: Int, _ picker: String) async throws -> Void
    ) async throws -> Response {
        let taskID = try context.parameters.id("task")
        return try await attempt({
            try await action(taskID, try ConsoleInput.line(context), signed.session.staff.workName)
            return Respond.seeOther("/staff/stores/\(store.slug)/tasks/\(taskID)")
        }, orShow: { try await taskPage(signed, store, taskID: taskID, error: $0, status: $1) })
    }

    @Sendable func pick(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        try await lineAction(context, signed, store) { task, line, picker in
            _ = try await picking.pick(storeID: store.storeID, taskID: task, lineNo: line, picker: picker, quantity: try ConsoleInput.quantity(form["quantity"]))
        }
    }

    @Sendable func substitute(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        try await lineAction(context, signed, store) { task, line, picker in
            guard let product = form["product"].flatMap({ Int64($0) }) else { throw PickingError.invalid("Choose the product given instead.") }
            _ = try await picking.substitute(
                storeID: store.storeID, taskID: task, lineNo: line, picker: picker, productID: product, quantity: try ConsoleInput.quantity(form["quantity"])
            )
        }
    }

    @Sendable func missing(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        try await lineAction(context, signed, store) { task, line, picker in
            _ = try await picking.markMissing(storeID: store.storeID, taskID: task, lineNo: line, picker: picker)
        }
    }

    @Sendable func stage(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        let taskID = try context.parameters.id("task")
        return try await attempt({
            let result = try await picking.stage(
                storeID: store.storeID, taskID: taskID, picker: signed.session.staff.workName, location: form["location"] ?? ""
            )
            let notice = "Bac \(result.task.toteLabel) déposé en \(result.task.stagingLocation ?? "")."
                + (result.orderReady ? " La commande \(result.task.orderNumber) est prête." : "")
            return try await queuePage(signed, store, notice: notice)
        }, orShow: { try await taskPage(signed, store, taskID: taskID, error: $0, status: $1) })
    }

    // MARK: Counter

    struct ToteRow: Sendable { var zone: String; var tote: String; var place: String; var staged: Bool }

    struct ArrivalRow: Sendable {
        var orderID: String
        var order: String
        var customer: String
        var arrived: String
        var waiting: Int
        var late: Bool
        var bay: String?
        var via: String
        var slot: String
        var ready: Bool
        var status: String
        var totes: [ToteRow]
    }

    struct CounterView: Sendable {
        var frame: Frame
        var arrivals: [ArrivalRow]
        var none: Bool
        var code: String
    }

    func counterPage(
        _ signed: Signed, _ store: StoreAccess, code: String = "", error: String? = nil, notice: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let now = WallClock.now()
        let arrivals = try await picking.handoverQueue(storeID: store.storeID).map { entry in
            let waiting = max(0, now.timeIntervalSince(max(entry.arrivedAt, entry.slotStart)) / 60)
            return ArrivalRow(
                orderID: entry.orderID.uuidString.lowercased(), order: entry.orderNumber, customer: entry.customerName ?? "—",
                arrived: time(entry.arrivedAt, store), waiting: Int(waiting.rounded(.down)), late: waiting > 5,
                bay: entry.parkingBay, via: entry.via == .customer ? "« Je suis là »" : "comptoir",
                slot: time(entry.slotStart, store), ready: entry.status == "ready",
                status: Present.statusLabels[entry.status] ?? entry.status,
                totes: entry.totes.map { tote in
                    ToteRow(
                        zone: ConsoleInput.zoneLabels[tote.zone] ?? tote.zone.rawValue, tote: tote.toteLabel,
                        place: tote.stagingLocation ?? (ConsoleInput.taskStatusLabels[tote.status] ?? tote.status.rawValue),
                        staged: tote.stagingLocation != nil
                    )
                }
            )
        }
        return pages.render("console-handover", CounterView(
            frame: frame(signed, store, error: error, notice: notice), arrivals: arrivals, none: arrivals.isEmpty, code: code
        ), status: status)
    }

    @Sendable func handover(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        try await counterPage(signed, store)
    }

    /// Where the pickup QR on the customer's order page leads a staff device: the
    /// counter with the code filled in, to confirm (a GET changes nothing).
    @Sendable func pickup(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        let code = try context.parameters.text("code")
        guard code.count == 6, code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return try await counterPage(signed, store, error: "Ce code de retrait n’est pas valable (6 chiffres).", status: .notFound)
        }
        return try await counterPage(signed, store, code: code, notice: "Code \(code) scanné : confirmez l’arrivée du client.")
    }

    @Sendable func checkIn(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        let code = String((form["code"] ?? "").prefix(20))
        return try await attempt({
            let arrival = try await picking.checkIn(
                storeID: store.storeID, order: .pickupCode(code), parkingBay: form["bay"], via: .counter
            )
            return try await counterPage(signed, store, notice: "Commande \(arrival.orderNumber) : client arrivé"
                + (arrival.isNew ? "." : " (déjà enregistré)."))
        }, orShow: { try await counterPage(signed, store, code: code, error: $0, status: $1) })
    }

    @Sendable func handOver(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        let orderID = try ConsoleInput.order(context)
        return try await attempt({
            let done = try await picking.handOver(storeID: store.storeID, orderID: orderID)
            return try await counterPage(signed, store, notice: "Commande remise — \(Present.euros(done.totalCents)), attente \(Int(done.waitMinutes.rounded())) min.")
        }, orShow: { try await counterPage(signed, store, error: $0, status: $1) })
    }

    // MARK: Manager

    struct SlotRow: Sendable {
        var time: String
        var booked: Int
        var held: Int
        var capacity: Int
        var planned: Int
        var percent: Int
        var full: Bool
        var closed: Bool
        var atRisk: Int
        var limit: String
    }

    struct AttentionRow: Sendable { var order: String; var customer: String; var slot: String; var status: String; var why: String }
    struct PickerRow: Sendable { var name: String; var inHand: Int; var staged: Int; var last: String }
    struct UpcomingRow: Sendable { var orderID: String; var order: String; var slot: String; var lines: Int }

    struct ManagerView: Sendable {
        var frame: Frame
        var date: String
        var previous: String
        var next: String
        var slots: [SlotRow]
        var noSlots: Bool
        var booked: Int
        var capacity: Int
        var atRisk: [AttentionRow]
        var late: [AttentionRow]
        var pickers: [PickerRow]
        var upcoming: [UpcomingRow]
        var promise: String
    }

    func managerPage(_ signed: Signed, _ store: StoreAccess, date: String, error: String? = nil, notice: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let day = try await picking.storeDay(storeID: store.storeID, date: date)
        func attention(_ item: OrderAttention) -> AttentionRow {
            let minutes = Int(item.minutes.rounded())
            let why = switch item.reason {
            case .atRisk: "il manque \(minutes) min de préparation"
            case .notReady: "pas prête, créneau commencé depuis \(minutes) min"
            case .waiting: "client en attente depuis \(minutes) min"
            }
            return AttentionRow(
                order: item.orderNumber, customer: item.customerName ?? "—", slot: time(item.slotStart, store),
                status: Present.statusLabels[item.status] ?? item.status, why: why
            )
        }
        let shift = { (days: Int) -> String in LocalDate(parsing: date)?.adding(days: days).description ?? date }
        let promise = day.promise.handovers == 0
            ? "aucune remise ce jour"
            : "\(day.promise.kept) / \(day.promise.handovers) remises dans l’attente promise (\(Int((Double(day.promise.kept) / Double(day.promise.handovers) * 100).rounded())) %)"
        return pages.render("console-manager", ManagerView(
            frame: frame(signed, store, error: error, notice: notice), date: date, previous: shift(-1), next: shift(1),
            slots: day.slots.map { slot in
                SlotRow(
                    time: "\(time(slot.start, store))–\(time(slot.end, store))", booked: slot.bookedOrders, held: slot.heldOrders,
                    capacity: slot.capacityOrders, planned: slot.plannedOrders,
                    percent: slot.capacityOrders > 0 ? Int((Double(slot.bookedOrders + slot.heldOrders) / Double(slot.capacityOrders) * 100).rounded()) : 0,
                    full: slot.bookedOrders + slot.heldOrders >= slot.capacityOrders, closed: slot.status == "closed", atRisk: slot.atRiskOrders,
                    limit: slot.bindingConstraint == "handover" ? "remise" : "préparation"
                )
            },
            noSlots: day.slots.isEmpty,
            booked: day.slots.reduce(0) { $0 + $1.bookedOrders }, capacity: day.slots.reduce(0) { $0 + $1.capacityOrders },
            atRisk: day.atRisk.map(attention), late: day.late.map(attention),
            pickers: day.pickers.map { PickerRow(name: $0.name, inHand: $0.tasksInHand, staged: $0.tasksStaged, last: time($0.lastActivity, store)) },
            upcoming: day.upcoming.map {
                UpcomingRow(orderID: $0.orderID.uuidString.lowercased(), order: $0.orderNumber, slot: time($0.slotStart, store), lines: $0.lines)
            },
            promise: promise
        ), status: status)
    }

    @Sendable func manager(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        let date = try ConsoleInput.date(request, timeZone: store.timeZone)
        return try await attempt({ try await managerPage(signed, store, date: date) },
                                 orShow: { try await managerPage(signed, store, date: Present.isoDay(WallClock.now(), timeZone: store.timeZone), error: $0, status: $1) })
    }

    @Sendable func startEarly(_ request: Request, context: AppRequestContext, signed: Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        let orderID = try ConsoleInput.order(context)
        // Back to the day the manager was looking at.
        let day = form["date"].flatMap { LocalDate(parsing: $0)?.description } ?? Present.isoDay(WallClock.now(), timeZone: store.timeZone)
        return try await attempt({
            let summary = try await picking.startEarly(storeID: store.storeID, orderID: orderID)
            return try await managerPage(signed, store, date: day, notice: "Préparation lancée : \(summary.tasks) bac\(summary.tasks > 1 ? "s" : "") dans la file.")
        }, orShow: { try await managerPage(signed, store, date: day, error: $0, status: $1) })
    }
}
