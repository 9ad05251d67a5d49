import Domain
import Forecast
import Foundation
import HeapModule
import Logging
import NIOCore
import NIOHTTP1
import Orders
import Picking
import Shelf
import Slots
import Staff

public struct SimulationOptions: Sendable {
    public var storeSlug: String
    public var firstDay: LocalDate
    public var days: Int
    public var seed: UInt64
    /// Share of the people counted in the store who scan a poster (default 0.25; about a
    /// hundred orders a day at the demo store).
    public var scanShare: Double
    /// Simulated seconds per real second; nil plays as fast as the server answers.
    public var speed: Double?

    public init(storeSlug: String, firstDay: LocalDate, days: Int = 1, seed: UInt64 = 1, scanShare: Double = 0.25, speed: Double? = nil) {
        self.storeSlug = storeSlug
        self.firstDay = firstDay
        self.days = days
        self.seed = seed
        self.scanShare = scanShare
        self.speed = speed
    }
}

/// What a simulated run did, counted by the simulator from the server's answers.
public struct SimulationSummary: Sendable, Codable, Equatable {
    public var days = 0
    public var doorVisitors = 0
    public var scans = 0
    public var baskets = 0
    public var orders = 0
    /// Customers who wanted to order but found no slot left for that day.
    public var noSlot = 0
    public var tasksStaged = 0
    public var linesPicked = 0
    public var substituted = 0
    public var missing = 0
    public var arrivals = 0
    public var handedOver = 0
    /// Orders of the simulated days still not handed over when the run ended.
    public var notHandedOver = 0
    public var readyBySlotStart = 0
    public var meanWaitMinutes: Double?
    public var requests = 0
    /// Answers 4xx that the simulated people met (a slot taken meanwhile, a product out of stock).
    public var refused = 0
    public var serverErrors = 0
}

/// Plays whole store days against a running Créneau through its public and staff HTTP APIs,
/// on a clock it moves itself from event to event: customers scan posters, fill baskets,
/// book slots and come to collect; pickers claim, pick (with the odd substitution or
/// missing item) and stage; the counter hands over. Events run one at a time in time order,
/// so a seed and a starting database give the same day every time.
public final class DaySimulator {
    let options: SimulationOptions
    let clock: SettableClock
    let http: SimulationHTTP
    let jobs: @Sendable () async -> Void
    let setup: SimulationSetup
    let progress: @Sendable (String) -> Void
    let logger: Logger

    private var events = Heap<Event>()
    private var sequence = 0
    private var summary = SimulationSummary()
    private var store: SimulationSetup.StoreFacts!
    private var staffSessions: [String: StaffLogin] = [:]
    private var pickers: [Picker] = []
    private var counters: [Counter] = []
    private var placed: [PlacedCustomer] = []
    private var waits: [Double] = []
    private var plans: [Int: DayPlan] = [:]
    private var busyCustomers: Set<Int> = []

    public init(
        options: SimulationOptions, clock: SettableClock, server: (host: String, port: Int), setup: SimulationSetup,
        jobs: @escaping @Sendable () async -> Void, logger: Logger, progress: @escaping @Sendable (String) -> Void
    ) {
        self.options = options
        self.clock = clock
        self.http = SimulationHTTP(host: server.host, port: server.port)
        self.setup = setup
        self.jobs = jobs
        self.logger = logger
        self.progress = progress
    }

    public func run() async throws -> SimulationSummary {
        store = try await setup.store(slug: options.storeSlug)
        let started = Date()
        for dayNumber in 0..<options.days {
            try await prepare(day: options.firstDay.adding(days: dayNumber), dayNumber: dayNumber)
        }
        guard let first = events.min?.at else { throw SimulationError("Nothing to play: the store is closed on those days.") }
        clock.advance(to: first)
        let realStart = Date()
        var lastReport = first
        while let event = events.popMin() {
            if let speed = options.speed {
                let due = realStart.addingTimeInterval(event.at.timeIntervalSince(first) / speed)
                let delay = due.timeIntervalSinceNow
                if delay > 0 { try await Task.sleep(for: .milliseconds(Int(delay * 1000))) }
            }
            clock.advance(to: event.at)
            try await WallClock.$current.withValue(clock.clock) { try await play(event) }
            if event.at.timeIntervalSince(lastReport) >= 3600 {
                lastReport = event.at
                progress(progressLine(at: event.at))
            }
        }
        await http.close()
        summary.notHandedOver = placed.filter { !$0.handedOver }.count
        summary.meanWaitMinutes = waits.isEmpty ? nil : waits.reduce(0, +) / Double(waits.count)
        summary.days = options.days
        progress("done in \(Int(Date().timeIntervalSince(started).rounded())) s: " + progressLine(at: clock.date))
        return summary
    }

    private func progressLine(at date: Date) -> String {
        let local = DateText.format(date, "yyyy-MM-dd HH:mm", timeZone: store.timeZone)
        return "\(local)  scans \(summary.scans)  orders \(summary.orders)  staged \(summary.tasksStaged)  "
            + "handed over \(summary.handedOver)  requests \(summary.requests)"
    }

    // MARK: - Events

    struct Event: Comparable {
        var at: Date
        var sequence: Int
        var kind: Kind

        enum Kind {
            case tick(day: Int)
            case visit(day: Int, visitor: Int)
            case checkout(day: Int, visitor: Int, token: String)
            case pickerFree(Int)
            case lineDone(Int)
            case arrive(Int)
            case counterDone(counter: Int, customer: Int)
        }

        static func < (a: Event, b: Event) -> Bool { (a.at, a.sequence) < (b.at, b.sequence) }
        static func == (a: Event, b: Event) -> Bool { a.sequence == b.sequence }
    }

    private func schedule(_ kind: Event.Kind, at: Date) {
        sequence += 1
        events.insert(Event(at: at, sequence: sequence, kind: kind))
    }

    private func play(_ event: Event) async throws {
        switch event.kind {
        case .tick:
            await jobs()
            try await dispatchCounters()
        case .visit(let day, let index):
            try await visit(plans[day]!.visitors[index], day: day)
        case .checkout(let day, let index, let token):
            try await checkout(plans[day]!.visitors[index], token: token)
        case .pickerFree(let index):
            try await claim(picker: index)
        case .lineDone(let index):
            try await finishLine(picker: index)
        case .arrive(let index):
            try await arrive(customer: index)
        case .counterDone(let counter, let customer):
            try await handOver(counter: counter, customer: customer)
        }
    }

    // MARK: - Preparing a day

    private func prepare(day: LocalDate, dayNumber: Int) async throws {
        let facts = try await setup.prepareDay(store: store, day: day)
        let planning = try await send(.GET, "/api/stores/\(store.slug)/planning?from=\(day)&days=1", as: Planning.self)
        let hours = (planning.days.first?.hours ?? []).compactMap { hour -> (Date, String, Double)? in
            guard let start = facts.hourStart(hour.hour) else { return nil }
            return (start, "\(day) \(hour.hour < 10 ? "0" : "")\(hour.hour):00:00", hour.expectedVisitors ?? 0)
        }
        guard let opens = facts.opens, let closes = facts.closes, !hours.isEmpty else {
            progress("\(day): closed, nothing to play")
            return
        }
        let plan = DayPlan.draw(
            seed: options.seed, dayNumber: dayNumber, hours: hours,
            lastOrderAt: closes.addingTimeInterval(-Double(facts.cutoffMinutes + 30) * 60),
            eveningBefore: opens.addingTimeInterval(-15 * 3600)...opens.addingTimeInterval(-10 * 3600),
            posterItems: store.posterCodes.count, scanShare: options.scanShare
        )
        plans[dayNumber] = plan
        try await setup.recordDoorCounts(store: store, plan.doorCounts)
        summary.doorVisitors += plan.doorCounts.reduce(0) { $0 + $1.count }
        for visitor in plan.visitors { schedule(.visit(day: dayNumber, visitor: visitor.index), at: visitor.at) }
        // The server's periodic jobs, once a simulated minute while the store works.
        let firstWork = min(facts.shifts.map(\.startsAt).min() ?? opens, opens).addingTimeInterval(-3600)
        let lastWork = max(facts.shifts.map(\.endsAt).max() ?? closes, closes).addingTimeInterval(3600)
        var tick = firstWork
        while tick <= lastWork {
            schedule(.tick(day: dayNumber), at: tick)
            tick.addTimeInterval(60)
        }
        for shift in facts.shifts {
            let login = try await staffLogin(name: shift.staffName, role: shift.role)
            switch shift.role {
            case .picker:
                pickers.append(Picker(login: login, shift: shift.startsAt...shift.endsAt, rng: SplitMix64(seed: options.seed, stream: 3, index: pickers.count)))
                schedule(.pickerFree(pickers.count - 1), at: shift.startsAt)
            case .handover:
                counters.append(Counter(login: login, shift: shift.startsAt...shift.endsAt, rng: SplitMix64(seed: options.seed, stream: 4, index: counters.count)))
            }
        }
    }

    private func staffLogin(name: String, role: Slots.StaffRole) async throws -> StaffLogin {
        let key = "\(name)|\(role.rawValue)"
        if let known = staffSessions[key] { return known }
        let account = try await setup.simulationAccount(store: store, name: name, role: role)
        let form = try await send(.GET, "/staff/login")
        let formCookie = Self.cookies(form)
        guard let token = String(buffer: form.body).firstMatch(of: #/name="csrf" value="([^"]+)"/#)?.1 else {
            throw SimulationError("The staff sign-in page has no form token.")
        }
        let body = "csrf=\(token)&email=\(account.email.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&password=\(account.password)&next=%2Fstaff"
        let signedIn = try await send(.POST, "/staff/login", headers: [("Cookie", formCookie)], form: body)
        let session = Self.cookies(signedIn)
        guard signedIn.status == 303, session.contains("creneau_staff") else {
            throw SimulationError("\(name) could not sign in (\(signedIn.status)): \(signedIn.text)")
        }
        struct Me: Decodable { var csrfToken: String }
        let me = try await send(.GET, "/api/staff/me", headers: [("Cookie", session)], as: Me.self)
        let login = StaffLogin(name: name, cookie: session, csrf: me.csrfToken)
        staffSessions[key] = login
        return login
    }

    static func cookies(_ answer: HTTPAnswer) -> String {
        answer.headers["Set-Cookie"].compactMap { $0.split(separator: ";").first.map(String.init) }.joined(separator: "; ")
    }

    // MARK: - Customers

    private func visit(_ visitor: DayPlan.Visitor, day: Int) async throws {
        var products: [Int64] = []
        for item in visitor.scans {
            let code = store.posterCodes[item]
            if try await send(.GET, "/api/scans/\(code.code)").isSuccess {
                summary.scans += 1
                products.append(code.productID)
            }
        }
        guard visitor.fillsBasket, !products.isEmpty else { return }
        struct Created: Decodable { var token: String }
        let created = try await send(.POST, "/api/stores/\(store.slug)/baskets", as: Created.self)
        summary.baskets += 1
        var rng = SplitMix64(seed: options.seed, stream: 5, index: day * 1_000_000 + visitor.index)
        for _ in 0..<visitor.extraLines { products.append(store.productIDs[Int(rng.unit() * Double(store.productIDs.count))]) }
        var lines: [Int64: Int] = [:]
        for product in products { lines[product, default: 0] += 1 + (rng.chance(0.25) ? 1 : 0) }
        for (product, quantity) in lines.sorted(by: { $0.key < $1.key }) {
            _ = try await send(.PUT, "/api/stores/\(store.slug)/basket/lines/\(product)", headers: [("X-Basket-Token", created.token)], json: ["quantity": quantity])
        }
        guard visitor.orders else { return }
        // A couple of minutes to look at the basket and the slots.
        schedule(.checkout(day: day, visitor: visitor.index, token: created.token), at: visitor.at.addingTimeInterval(120 + rng.unit() * 240))
    }

    private func checkout(_ visitor: DayPlan.Visitor, token: String) async throws {
        let day = DateText.format(visitor.wantedPickup, "yyyy-MM-dd", timeZone: store.timeZone)
        let offers = try await send(.GET, "/api/stores/\(store.slug)/slots?date=\(day)", as: [SlotOffer].self).filter(\.available)
        let choice = offers.first { $0.start >= visitor.wantedPickup } ?? offers.last
        guard let slot = choice else {
            summary.noSlot += 1
            return
        }
        let basket = [("X-Basket-Token", token)]
        guard try await send(.POST, "/api/stores/\(store.slug)/basket/slot", headers: basket, json: ["slotId": slot.slotID]).isSuccess else {
            summary.noSlot += 1
            return
        }
        let index = placed.count
        let phone = String(format: "06 %02d %02d %02d %02d", index / 1_000_000 % 100, index / 10_000 % 100, index / 100 % 100, index % 100)
        struct ContactBody: Encodable { var name: String; var phone: String; var allowDearerSubstitutes: Bool }
        let answer = try await send(
            .POST, "/api/stores/\(store.slug)/basket/checkout",
            // A fresh key per order, as a phone would make: a key from the seed would collide with an earlier run's.
            headers: basket + [("Idempotency-Key", UUID().uuidString)],
            json: ContactBody(name: visitor.name, phone: phone, allowDearerSubstitutes: visitor.allowsDearer)
        )
        guard answer.isSuccess else { return }
        let order = try answer.decode(PlacedOrder.self)
        summary.orders += 1
        placed.append(PlacedCustomer(order: order))
        schedule(.arrive(index), at: order.slotStart.addingTimeInterval(visitor.arrivalOffsetMinutes * 60))
    }

    private func arrive(customer index: Int) async throws {
        let answer = try await send(.POST, "/api/orders/\(placed[index].order.link)/arrival", json: [String: String]())
        guard answer.isSuccess else { return }
        placed[index].arrived = true
        summary.arrivals += 1
        try await dispatchCounters()
    }

    // MARK: - Pickers

    private func claim(picker index: Int) async throws {
        let now = clock.date
        guard now < pickers[index].shift.upperBound.addingTimeInterval(-300) else { return }
        let login = pickers[index].login
        struct Claimed: Decodable { var task: PickingTask? }
        let claimed = try await send(.POST, "/api/staff/stores/\(store.slug)/claims", headers: login.headers, json: [String: String](), as: Claimed.self)
        guard let task = claimed.task else {
            schedule(.pickerFree(index), at: now.addingTimeInterval(180))
            return
        }
        pickers[index].task = task
        pickers[index].line = 0
        scheduleLine(picker: index)
    }

    /// Walking to the shelf and taking the items: about 25 s a line plus 8 s an item, ±30%.
    private func scheduleLine(picker index: Int) {
        guard let task = pickers[index].task else { return }
        let seconds: Double
        if pickers[index].line < task.lines.count {
            let line = task.lines[pickers[index].line]
            seconds = (25 + 8 * Double(line.orderedQuantity)) * max(0.4, pickers[index].rng.normal(mean: 1, sd: 0.3))
        } else {
            seconds = 60  // bagging and carrying the tote to its staging place
        }
        schedule(.lineDone(index), at: clock.date.addingTimeInterval(seconds))
    }

    private func finishLine(picker index: Int) async throws {
        guard let task = pickers[index].task else { return }
        let login = pickers[index].login
        let base = "/api/staff/stores/\(store.slug)/tasks/\(task.taskID)"
        if pickers[index].line < task.lines.count {
            let line = task.lines[pickers[index].line]
            let draw = pickers[index].rng.unit()
            if draw < 0.02 {
                if try await send(.POST, "\(base)/lines/\(line.lineNo)/missing", headers: login.headers, json: [String: String]()).isSuccess { summary.missing += 1 }
            } else if draw < 0.05, let option = try await send(
                .GET, "\(base)/lines/\(line.lineNo)/substitutes", headers: login.headers, as: [SubstituteOption].self
            ).first(where: { $0.available >= line.orderedQuantity }) {
                struct Body: Encodable { var productId: Int64; var quantity: Int }
                if try await send(.POST, "\(base)/lines/\(line.lineNo)/substitute", headers: login.headers,
                                  json: Body(productId: option.productID, quantity: line.orderedQuantity)).isSuccess {
                    summary.substituted += 1
                }
            } else if try await send(.POST, "\(base)/lines/\(line.lineNo)/pick", headers: login.headers, json: ["quantity": line.orderedQuantity]).isSuccess {
                summary.linesPicked += 1
            }
            pickers[index].line += 1
            scheduleLine(picker: index)
            return
        }
        let location = "\(task.zone.rawValue.prefix(1).uppercased())-\(task.taskID % 12 + 1)"
        let staged = try await send(.POST, "\(base)/stage", headers: login.headers, json: ["location": location])
        pickers[index].task = nil
        if staged.isSuccess {
            summary.tasksStaged += 1
            if try staged.decode(StageResult.self).orderReady,
               let customer = placed.firstIndex(where: { $0.order.orderID == task.orderID }) {
                placed[customer].readyAt = clock.date
                if clock.date <= placed[customer].order.slotStart { summary.readyBySlotStart += 1 }
                try await dispatchCounters()
            }
        }
        schedule(.pickerFree(index), at: clock.date)
    }

    // MARK: - Counter

    /// Every free counter on shift takes the longest-waiting arrived customer whose order is ready.
    private func dispatchCounters() async throws {
        let now = clock.date
        let free = counters.indices.filter { counters[$0].serving == nil && counters[$0].shift.contains(now) }
        guard let first = free.first, placed.contains(where: { $0.arrived && !$0.handedOver && $0.readyAt != nil }) else { return }
        let queue = try await send(.GET, "/api/staff/stores/\(store.slug)/arrivals", headers: counters[first].login.headers, as: [HandoverEntry].self)
        var waiting = queue.filter { $0.status == "ready" }.compactMap { entry in placed.firstIndex { $0.order.orderID == entry.orderID } }
            .filter { !busyCustomers.contains($0) }
        for counter in free {
            guard !waiting.isEmpty else { break }
            let customer = waiting.removeFirst()
            busyCustomers.insert(customer)
            counters[counter].serving = customer
            let minutes = 2 + 2 * counters[counter].rng.unit()
            schedule(.counterDone(counter: counter, customer: customer), at: now.addingTimeInterval(minutes * 60))
        }
    }

    private func handOver(counter: Int, customer: Int) async throws {
        counters[counter].serving = nil
        busyCustomers.remove(customer)
        let answer = try await send(
            .POST, "/api/staff/stores/\(store.slug)/orders/\(placed[customer].order.orderID.uuidString.lowercased())/handover",
            headers: counters[counter].login.headers, json: [String: String]()
        )
        if answer.isSuccess {
            placed[customer].handedOver = true
            summary.handedOver += 1
            waits.append(try answer.decode(Handover.self).waitMinutes)
        }
        try await dispatchCounters()
    }

    // MARK: - HTTP

    @discardableResult
    private func send(_ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], json: (any Encodable)? = nil, form: String? = nil) async throws -> HTTPAnswer {
        let answer = try await http.send(method, path, headers: headers, json: json, form: form)
        summary.requests += 1
        if answer.status >= 500 {
            summary.serverErrors += 1
            logger.error("server error", metadata: ["path": "\(path)", "status": "\(answer.status)", "body": "\(answer.text)"])
        } else if answer.status >= 400 {
            summary.refused += 1
            logger.info("refused", metadata: ["path": "\(path)", "status": "\(answer.status)", "body": "\(answer.text)"])
        }
        return answer
    }

    private func send<T: Decodable>(_ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], json: (any Encodable)? = nil, as type: T.Type) async throws -> T {
        let answer = try await send(method, path, headers: headers, json: json)
        guard answer.isSuccess else { throw SimulationError("\(method) \(path) answered \(answer.status): \(answer.text)") }
        return try answer.decode(type)
    }
}

struct StaffLogin {
    var name: String
    var cookie: String
    var csrf: String

    var headers: [(String, String)] { [("Cookie", cookie), ("X-CSRF-Token", csrf)] }
}

struct Picker {
    var login: StaffLogin
    var shift: ClosedRange<Date>
    var rng: SplitMix64
    var task: PickingTask?
    var line = 0
}

struct Counter {
    var login: StaffLogin
    var shift: ClosedRange<Date>
    var rng: SplitMix64
    var serving: Int?
}

struct PlacedCustomer {
    var order: PlacedOrder
    var arrived = false
    var readyAt: Date?
    var handedOver = false
}

public struct SimulationError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
