import Domain
import Foundation
import Postgres
import Slots
import Testing
import TestSupport

@Suite("No overbooking, no leak", .serialized)
struct NoOverbookingTests {
    /// The test's own account of what should hold capacity, to predict every outcome.
    struct Model {
        struct Hold { var slot: Int64; var minutes: Double; var expiresAt: Date; var basket: UUID }
        struct Booking { var slot: Int64; var minutes: Double }

        var capacityOrders: Int
        var capacityMinutes: Double
        var holds: [UUID: Hold] = [:]
        var bookings: [UUID: Booking] = [:]
        /// Holds released one way or another: booking them must fail.
        var gone: [UUID] = []

        /// Orders and minutes in the slot from holds (live ones only, unless `countExpired`)
        /// and bookings, leaving out `hold`.
        func usage(_ slot: Int64, at now: Date, countExpired: Bool, excluding hold: UUID? = nil) -> (orders: Int, minutes: Double) {
            let held = holds.filter { $0.key != hold && $0.value.slot == slot && (countExpired || $0.value.expiresAt > now) }
                .map(\.value.minutes)
            let booked = bookings.values.filter { $0.slot == slot }.map(\.minutes)
            return (held.count + booked.count, (held + booked).reduce(0, +))
        }

        func fits(_ slot: Int64, minutes: Double, at now: Date, countExpired: Bool, excluding hold: UUID? = nil) -> Bool {
            let used = usage(slot, at: now, countExpired: countExpired, excluding: hold)
            return used.orders + 1 <= capacityOrders && used.minutes + minutes <= capacityMinutes
        }

        mutating func release(_ ids: some Sequence<UUID>) {
            for id in ids where holds.removeValue(forKey: id) != nil { gone.append(id) }
        }

        /// A take that did not fit with expired holds counted reclaimed the slot's expired holds.
        mutating func taken(_ slot: Int64, minutes: Double, at now: Date, excluding hold: UUID? = nil) {
            if !fits(slot, minutes: minutes, at: now, countExpired: true, excluding: hold) {
                release(holds.filter { $0.key != hold && $0.value.slot == slot && $0.value.expiresAt <= now }.map(\.key))
            }
        }
    }

    @Test("500 random holds, bookings, cancellations and expiries never overbook nor leak", arguments: [UInt64(20_261_112)])
    func randomInterleaving(seed: UInt64) async throws {
        try await TestDatabase.withSchema { db in
            let store = try await SlotFixture.make(db.pool)
            try await store.service.generateSlots(storeID: store.storeID, days: 2, now: SlotFixture.now)
            try await store.staff(pickers: 2, counters: 2)
            let slots = [try await store.slotID("14:00"), try await store.slotID("14:15"), try await store.slotID("14:30")]
            let capacity = try await store.state(slots[0])
            var model = Model(capacityOrders: capacity.capacityOrders, capacityMinutes: capacity.capacityMinutes)
            let baskets = (0..<12).map { _ in UUID() }
            var random = SeededGenerator(seed: seed)
            var now = SlotFixture.now
            var outcomes: [String: Int] = [:]

            for _ in 0..<500 {
                switch Int.random(in: 0..<10, using: &random) {
                case 0..<4:
                    let slot = slots.randomElement(using: &random)!
                    let basket = baskets.randomElement(using: &random)!
                    let minutes = Double(Int.random(in: 2...12, using: &random))
                    // The basket's previous hold is released first (and restored if the hold fails).
                    var trial = model
                    trial.release(trial.holds.filter { $0.value.basket == basket }.map(\.key))
                    let expected = trial.fits(slot, minutes: minutes, at: now, countExpired: false)
                    do {
                        let hold = try await store.service.hold(storeID: store.storeID, slotID: slot, basketID: basket, pickingMinutes: minutes, now: now)
                        #expect(expected, "hold succeeded in a slot the model says is full")
                        trial.taken(slot, minutes: minutes, at: now)
                        trial.holds[hold.holdID] = .init(slot: slot, minutes: minutes, expiresAt: hold.expiresAt, basket: basket)
                        model = trial
                        outcomes["hold", default: 0] += 1
                    } catch SlotError.slotFull {
                        #expect(!expected, "slot refused a hold the model says fits")
                        outcomes["full", default: 0] += 1
                    }
                case 4..<7:
                    let candidates = Array(model.holds.keys) + model.gone.suffix(5)
                    guard let holdID = candidates.randomElement(using: &random) else { continue }
                    let hold = model.holds[holdID]
                    let expected = hold.map { $0.expiresAt > now || model.fits($0.slot, minutes: $0.minutes, at: now, countExpired: false, excluding: holdID) } ?? false
                    let orderID = UUID()
                    do {
                        _ = try await db.pool.withTransaction { tx in
                            try await store.service.book(storeID: store.storeID, holdID: holdID, orderID: orderID, in: tx, now: now)
                        }
                        #expect(expected, "booked a hold that was released or had no room left")
                        if let hold {
                            if hold.expiresAt <= now { model.taken(hold.slot, minutes: hold.minutes, at: now, excluding: holdID) }
                            model.holds[holdID] = nil
                            model.bookings[orderID] = .init(slot: hold.slot, minutes: hold.minutes)
                        }
                        outcomes["book", default: 0] += 1
                    } catch SlotError.holdExpired {
                        #expect(!expected, "a hold that could be booked was refused")
                        outcomes["expired", default: 0] += 1
                    }
                case 7:
                    guard let orderID = model.bookings.keys.randomElement(using: &random) else { continue }
                    try await db.pool.withTransaction { tx in
                        try await store.service.cancelBooking(storeID: store.storeID, orderID: orderID, in: tx)
                    }
                    model.bookings[orderID] = nil
                    outcomes["cancel", default: 0] += 1
                case 8:
                    now = now.addingTimeInterval(Double(Int.random(in: 1...6, using: &random)) * 60)
                default:
                    try await store.service.releaseExpiredHolds(now: now)
                    model.release(model.holds.filter { $0.value.expiresAt <= now }.map(\.key))
                    outcomes["sweep", default: 0] += 1
                }
            }
            // Every path was exercised, so the checks above meant something.
            for outcome in ["hold", "full", "book", "expired", "cancel", "sweep"] {
                #expect(outcomes[outcome, default: 0] > 0, "no \(outcome) in this interleaving")
            }
            try await expectNoLeakOrOverbooking(db.pool)
        }
    }

    @Test("200 concurrent checkouts for the last 10 places: exactly 10 succeed")
    func concurrentCheckouts() async throws {
        try await TestDatabase.withSchema(maxConnections: 8) { db in
            let store = try await SlotFixture.make(db.pool)
            try await store.service.generateSlots(storeID: store.storeID, days: 2, now: SlotFixture.now)
            // 7 pickers: 105 picker-minutes ÷ 9 = 11 orders; 4 counters take 13.
            try await store.staff(pickers: 7, counters: 4)
            let slot = try await store.slotID("12:00")
            #expect(try await store.state(slot).capacityOrders == 11)
            _ = try await store.holdAndBook(slot, minutes: 9)
            // The last 10 places: 10 orders, 96 minutes (105 − 9).

            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<200 {
                    group.addTask {
                        do {
                            _ = try await store.holdAndBook(slot, minutes: 9)
                            return true
                        } catch SlotError.slotFull {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 10)
            let state = try await store.state(slot)
            #expect(state.reservedOrders == state.capacityOrders)
            let booked = try await db.pool.query(
                "SELECT count(*) AS n FROM slot_bookings WHERE slot_id = \(slot) AND status = 'booked'"
            ).single().decode(Int.self, "n")
            #expect(booked == 11)
            try await expectNoLeakOrOverbooking(db.pool)
        }
    }
}
