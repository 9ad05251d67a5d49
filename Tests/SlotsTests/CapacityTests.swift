import Foundation
import Postgres
import Slots
import Testing
import TestSupport

@Suite("Slots and capacity from roster, hours and catalog", .serialized)
struct CapacityTests {
    @Test("capacity through generateSlots matches the hand-computed case")
    func handComputed() async throws {
        try await TestDatabase.withSchema { db in
            let store = try await SlotFixture.make(db.pool)
            try await store.service.generateSlots(storeID: store.storeID, days: 2, now: SlotFixture.now)
            // 2 pickers all day: a 15-minute slot's share of its 60-minute window is
            // 2 × 60 × 15/60 = 30 picker-minutes. Empty catalog: 12 lines × 30 s + 3 min = 9 min
            // an order → 3 orders. 2 counters take 18.6 arrivals an hour → 4 in 15 minutes.
            try await store.staff(pickers: 2, counters: 2)
            let slot = try await store.slotID("10:00")
            var state = try await store.state(slot)
            #expect(state.plannedOrders == 3)
            #expect(state.plannedMinutes == 30)
            #expect(state.capacityOrders == 3)
            let binding = try await db.pool.query("SELECT binding_constraint FROM slots WHERE slot_id = \(slot)")
                .single().decode(String.self, "binding_constraint")
            #expect(binding == "picking")

            // A catalog averaging 45 s a line: 12 × 45 s + 3 min = 12 min an order → 2 orders.
            try await db.pool.query("""
                WITH p AS (
                    INSERT INTO products (name, category, temperature_zone, picking_seconds)
                    VALUES ('Lait', 'crèmerie', 'chilled', 40), ('Pâtes', 'épicerie', 'ambient', 50)
                    RETURNING product_id)
                INSERT INTO store_products (store_id, product_id, price_cents) SELECT \(store.storeID), product_id, 100 FROM p
                """)
            try await store.service.replan(storeID: store.storeID, now: SlotFixture.now)
            state = try await store.state(slot)
            #expect(state.plannedOrders == 2)

            // One more counter does not help picking; four more pickers make the counter bind:
            // 6 × 15 = 90 min → 7 orders by picking, but 2 counters take 4.
            var csv = "staff,role,starts_at,ends_at\n"
            for index in 0..<4 { csv += "Extra \(index),picker,2026-01-12 06:00,2026-01-12 21:00\n" }
            try await store.service.importRoster(storeID: store.storeID, csv: csv, now: SlotFixture.now)
            state = try await store.state(slot)
            #expect(state.plannedOrders == 4)
            let bindingAfter = try await db.pool.query("SELECT binding_constraint FROM slots WHERE slot_id = \(slot)")
                .single().decode(String.self, "binding_constraint")
            #expect(bindingAfter == "handover")
        }
    }

    @Test("only picker-minutes inside the lead window count")
    func partialWindow() async throws {
        try await TestDatabase.withSchema { db in
            let store = try await SlotFixture.make(db.pool)
            try await store.service.generateSlots(storeID: store.storeID, days: 2, now: SlotFixture.now)
            try await store.service.importRoster(storeID: store.storeID, csv: """
                staff,role,starts_at,ends_at
                A,picker,2026-01-12 09:30,2026-01-12 18:00
                B,picker,2026-01-12 09:30,2026-01-12 18:00
                C,handover,2026-01-12 08:00,2026-01-12 20:00
                D,handover,2026-01-12 08:00,2026-01-12 20:00
                """, now: SlotFixture.now)
            // 10:00: window 09:00–10:00 has 2 × 30 picker-minutes → share 15 → 1 order.
            #expect(try await store.state(try await store.slotID("10:00")).plannedOrders == 1)
            // 10:30: window fully covered → 30 → 3 orders; 09:15: nobody picks before it.
            #expect(try await store.state(try await store.slotID("10:30")).plannedOrders == 3)
            #expect(try await store.state(try await store.slotID("09:15")).plannedOrders == 0)
        }
    }

    @Test("slots follow the store's time zone across daylight saving", arguments: [
        ("2026-01-11T12:00:00Z", "2026-01-12", "Europe/Paris", "2026-01-12T08:00:00Z"),
        ("2026-07-05T12:00:00Z", "2026-07-06", "Europe/Paris", "2026-07-06T07:00:00Z"),
        ("2026-01-11T12:00:00Z", "2026-01-12", "America/New_York", "2026-01-12T14:00:00Z"),
    ])
    func timeZones(now: String, day: String, zone: String, expected: String) async throws {
        try await TestDatabase.withSchema { db in
            let store = try await SlotFixture.make(db.pool, timeZone: zone, opens: "09:00", closes: "12:00")
            try await store.service.generateSlots(storeID: store.storeID, days: 2, now: SlotFixture.instant(now))
            let offers = try await store.service.offers(storeID: store.storeID, date: day, now: SlotFixture.instant(now))
            #expect(offers.count == 12)
            #expect(offers.first?.start == SlotFixture.instant(expected))
            #expect(offers.first.map { $0.end.timeIntervalSince($0.start) } == TimeInterval(15 * 60))
            // Idempotent: a second run creates nothing.
            let again = try await store.service.generateSlots(storeID: store.storeID, days: 2, now: SlotFixture.instant(now))
            #expect(again.created == 0)
        }
    }

    @Test("closure days get no slots; a closure added later closes booked slots and flags their bookings")
    func closures() async throws {
        try await TestDatabase.withSchema { db in
            let store = try await SlotFixture.make(db.pool)
            try await db.pool.query("INSERT INTO store_closures (store_id, day, reason) VALUES (\(store.storeID), '2026-01-13', 'inventaire')")
            try await store.service.generateSlots(storeID: store.storeID, days: 3, now: SlotFixture.now)
            #expect(try await store.service.offers(storeID: store.storeID, date: "2026-01-13", now: SlotFixture.now).isEmpty)
            #expect(try await store.service.offers(storeID: store.storeID, date: "2026-01-12", now: SlotFixture.now).count == 48)

            try await store.staff(pickers: 2, counters: 2)
            let slot = try await store.slotID("10:00")
            let booking = try await store.holdAndBook(slot)
            try await db.pool.query("INSERT INTO store_closures (store_id, day, reason) VALUES (\(store.storeID), '2026-01-12', 'dégât des eaux')")
            let summary = try await store.service.replan(storeID: store.storeID, now: SlotFixture.now)
            #expect(summary.atRiskBookings == 1)
            let offer = try await store.service.offers(storeID: store.storeID, date: "2026-01-12", now: SlotFixture.now).first { $0.slotID == slot }
            #expect(offer?.available == false)
            #expect(offer?.unavailableReason == "closed")
            let flagged = try await store.service.booking(storeID: store.storeID, orderID: booking.orderID)
            #expect(flagged?.status == "at-risk")
            #expect(flagged?.minutesMissing == 9)
            try await expectNoLeakOrOverbooking(db.pool)
        }
    }

    @Test("removing a picker lowers capacity, flags the latest bookings and closes the slot; adding one restores it")
    func rosterChange() async throws {
        try await TestDatabase.withSchema { db in
            let store = try await SlotFixture.make(db.pool)
            try await store.service.generateSlots(storeID: store.storeID, days: 2, now: SlotFixture.now)
            try await store.staff(pickers: 2, counters: 2)
            let slot = try await store.slotID("10:00")
            var orders: [UUID] = []
            for minute in 0..<3 {
                orders.append(try await store.holdAndBook(slot, now: SlotFixture.now.addingTimeInterval(Double(minute) * 60)).orderID)
            }
            let shifts = try await store.service.roster(
                storeID: store.storeID, from: SlotFixture.now, to: SlotFixture.now.addingTimeInterval(86_400 * 2)
            )
            let picker = try #require(shifts.first { $0.role == .picker })

            // One picker: 15 picker-minutes → 1 order. The first booking is kept.
            let summary = try await store.service.removeShift(storeID: store.storeID, shiftID: picker.shiftID, now: SlotFixture.now)
            #expect(summary.atRiskBookings == 2)
            var state = try await store.state(slot)
            #expect(state.plannedOrders == 1)
            #expect(state.reservedOrders == 3)
            #expect(state.capacityOrders == 3)
            let statuses = try await orders.asyncMap { try await store.service.booking(storeID: store.storeID, orderID: $0) }
            #expect(statuses.map { $0?.status } == ["booked", "at-risk", "at-risk"])
            #expect(statuses.map { $0?.minutesMissing } == [nil, 9, 9])
            let atRisk = try await store.service.atRiskBookings(storeID: store.storeID, now: SlotFixture.now)
            #expect(atRisk.map(\.orderID) == [orders[1], orders[2]])

            var offer = try await store.service.offers(storeID: store.storeID, date: SlotFixture.monday, now: SlotFixture.now).first { $0.slotID == slot }
            #expect(offer?.available == false)
            #expect(offer?.unavailableReason == "at-risk")
            await #expect(throws: SlotError.slotFull) {
                try await store.service.hold(storeID: store.storeID, slotID: slot, basketID: UUID(), pickingMinutes: 9, now: SlotFixture.now)
            }
            let alternatives = try await store.service.alternativeSlots(storeID: store.storeID, orderID: orders[2], now: SlotFixture.now)
            #expect(!alternatives.isEmpty)
            #expect(alternatives.allSatisfy { $0.available && $0.slotID != slot })

            // A cancellation frees a place, but it is not sold again: capacity follows it down.
            try await db.pool.withTransaction { tx in
                try await store.service.cancelBooking(storeID: store.storeID, orderID: orders[2], in: tx)
            }
            state = try await store.state(slot)
            #expect(state.reservedOrders == 2)
            #expect(state.capacityOrders == 2)
            #expect(try await store.service.booking(storeID: store.storeID, orderID: orders[1])?.status == "at-risk")

            // The picker is back: every promise fits again and the slot reopens.
            _ = try await store.service.addShift(
                storeID: store.storeID, staffName: picker.staffName, role: .picker,
                startsAt: picker.startsAt, endsAt: picker.endsAt, now: SlotFixture.now
            )
            #expect(try await store.service.booking(storeID: store.storeID, orderID: orders[1])?.status == "booked")
            #expect(try await store.service.atRiskBookings(storeID: store.storeID, now: SlotFixture.now).isEmpty)
            offer = try await store.service.offers(storeID: store.storeID, date: SlotFixture.monday, now: SlotFixture.now).first { $0.slotID == slot }
            #expect(offer?.available == true)
            #expect(offer?.remainingOrders == 1)
            try await expectNoLeakOrOverbooking(db.pool)
        }
    }

    @Test("a re-plan releases holds in an over-committed slot (a hold is not a promise)")
    func replanReleasesHolds() async throws {
        try await TestDatabase.withSchema { db in
            let store = try await SlotFixture.make(db.pool)
            try await store.service.generateSlots(storeID: store.storeID, days: 2, now: SlotFixture.now)
            try await store.staff(pickers: 2, counters: 2)
            let slot = try await store.slotID("10:00")
            _ = try await store.holdAndBook(slot)
            _ = try await store.holdAndBook(slot)
            let hold = try await store.service.hold(storeID: store.storeID, slotID: slot, basketID: UUID(), pickingMinutes: 9, now: SlotFixture.now)
            let picker = try #require(try await store.service.roster(
                storeID: store.storeID, from: SlotFixture.now, to: SlotFixture.now.addingTimeInterval(172_800)
            ).first { $0.role == .picker })
            let summary = try await store.service.removeShift(storeID: store.storeID, shiftID: picker.shiftID, now: SlotFixture.now)
            #expect(summary.releasedHolds == 1)
            #expect(summary.atRiskBookings == 1)
            await #expect(throws: SlotError.holdExpired) {
                try await db.pool.withTransaction { tx in
                    try await store.service.book(storeID: store.storeID, holdID: hold.holdID, orderID: UUID(), in: tx, now: SlotFixture.now)
                }
            }
            try await expectNoLeakOrOverbooking(db.pool)
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
