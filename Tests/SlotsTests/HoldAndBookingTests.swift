import Foundation
import Postgres
import Slots
import Testing
import TestSupport

@Suite("Holds and bookings", .serialized)
struct HoldAndBookingTests {
    @Test("a hold takes capacity, booking keeps it, cancelling gives it back")
    func holdBookCancel() async throws {
        try await TestDatabase.withSchema { db in
            let store = try await SlotFixture.make(db.pool)
            try await store.service.generateSlots(storeID: store.storeID, days: 2, now: SlotFixture.now)
            try await store.staff(pickers: 2, counters: 2)
            let slot = try await store.slotID("10:00")
            #expect(try await store.state(slot).capacityOrders == 3)

            let hold = try await store.service.hold(storeID: store.storeID, slotID: slot, basketID: UUID(), pickingMinutes: 9, now: SlotFixture.now)
            #expect(hold.expiresAt == SlotFixture.now.addingTimeInterval(600))
            #expect(hold.feeCents == 150)
            #expect(try await store.state(slot).reservedOrders == 1)

            let orderID = UUID()
            let booking = try await db.pool.withTransaction { tx in
                try await store.service.book(storeID: store.storeID, holdID: hold.holdID, orderID: orderID, in: tx, now: SlotFixture.now)
            }
            #expect(booking.status == "booked")
            #expect(booking.promisedReadyAt == hold.start)
            #expect(booking.promisedWaitMinutes == 5)
            #expect(try await store.state(slot).reservedOrders == 1)
            #expect(try await store.service.booking(storeID: store.storeID, orderID: orderID) == booking)

            try await db.pool.withTransaction { tx in
                try await store.service.cancelBooking(storeID: store.storeID, orderID: orderID, in: tx)
            }
            #expect(try await store.state(slot).reservedOrders == 0)
            #expect(try await store.service.booking(storeID: store.storeID, orderID: orderID)?.status == "cancelled")
            try await expectNoLeakOrOverbooking(db.pool)
        }
    }

    @Test("a new hold for the same basket releases the previous one")
    func basketHoldIsReplaced() async throws {
        try await TestDatabase.withSchema { db in
            let store = try await SlotFixture.make(db.pool)
            try await store.service.generateSlots(storeID: store.storeID, days: 2, now: SlotFixture.now)
            try await store.staff(pickers: 2, counters: 2)
            let first = try await store.slotID("10:00")
            let second = try await store.slotID("10:15")
            let basket = UUID()
            _ = try await store.service.hold(storeID: store.storeID, slotID: first, basketID: basket, pickingMinutes: 9, now: SlotFixture.now)
            _ = try await store.service.hold(storeID: store.storeID, slotID: second, basketID: basket, pickingMinutes: 9, now: SlotFixture.now)
            #expect(try await store.state(first).reservedOrders == 0)
            #expect(try await store.state(second).reservedOrders == 1)
            try await expectNoLeakOrOverbooking(db.pool)
        }
    }

    @Test("expired holds are reclaimed lazily when a slot looks full, and by the sweep")
    func expiredHolds() async throws {
        try await TestDatabase.withSchema { db in
            let store = try await SlotFixture.make(db.pool)
            try await store.service.generateSlots(storeID: store.storeID, days: 2, now: SlotFixture.now)
            try await store.staff(pickers: 2, counters: 2)
            let slot = try await store.slotID("10:00")
            for _ in 0..<3 {
                _ = try await store.service.hold(storeID: store.storeID, slotID: slot, basketID: UUID(), pickingMinutes: 9, now: SlotFixture.now)
            }
            await #expect(throws: SlotError.slotFull) {
                try await store.service.hold(storeID: store.storeID, slotID: slot, basketID: UUID(), pickingMinutes: 9, now: SlotFixture.now)
            }
            let later = SlotFixture.now.addingTimeInterval(11 * 60)
            // The offer already ignores expired holds…
            let offer = try await store.service.offers(storeID: store.storeID, date: SlotFixture.monday, now: later)
                .first { $0.slotID == slot }
            #expect(offer?.remainingOrders == 3)
            // …and a new hold reclaims them in its own transaction.
            _ = try await store.service.hold(storeID: store.storeID, slotID: slot, basketID: UUID(), pickingMinutes: 9, now: later)
            #expect(try await store.state(slot).reservedOrders == 1)
            try await expectNoLeakOrOverbooking(db.pool)

            let other = try await store.slotID("11:00")
            _ = try await store.service.hold(storeID: store.storeID, slotID: other, basketID: UUID(), pickingMinutes: 9, now: SlotFixture.now)
            #expect(try await store.service.releaseExpiredHolds(now: later) == 1)
            #expect(try await store.state(other).reservedOrders == 0)
            #expect(try await store.service.releaseExpiredHolds(now: later) == 0)
            try await expectNoLeakOrOverbooking(db.pool)
        }
    }

    @Test("an expired hold books only if its slot still has room; a reclaimed one never")
    func expiredHoldBooking() async throws {
        try await TestDatabase.withSchema { db in
            let store = try await SlotFixture.make(db.pool)
            try await store.service.generateSlots(storeID: store.storeID, days: 2, now: SlotFixture.now)
            try await store.staff(pickers: 2, counters: 2)
            let slot = try await store.slotID("10:00")
            let later = SlotFixture.now.addingTimeInterval(11 * 60)

            let roomy = try await store.service.hold(storeID: store.storeID, slotID: slot, basketID: UUID(), pickingMinutes: 9, now: SlotFixture.now)
            let booking = try await db.pool.withTransaction { tx in
                try await store.service.book(storeID: store.storeID, holdID: roomy.holdID, orderID: UUID(), in: tx, now: later)
            }
            #expect(booking.slotID == slot)

            let swept = try await store.service.hold(storeID: store.storeID, slotID: slot, basketID: UUID(), pickingMinutes: 9, now: SlotFixture.now)
            try await store.service.releaseExpiredHolds(now: later)
            await #expect(throws: SlotError.holdExpired) {
                try await db.pool.withTransaction { tx in
                    try await store.service.book(storeID: store.storeID, holdID: swept.holdID, orderID: UUID(), in: tx, now: later)
                }
            }

            // Expired and not yet reclaimed, but the slot is now past its cutoff: taking its
            // capacity again is refused like a new hold would be.
            let stale = try await store.service.hold(storeID: store.storeID, slotID: slot, basketID: UUID(), pickingMinutes: 9, now: SlotFixture.now)
            let pastCutoff = SlotFixture.instant("2026-01-12T08:30:00Z")
            await #expect(throws: SlotError.holdExpired) {
                try await db.pool.withTransaction { tx in
                    try await store.service.book(storeID: store.storeID, holdID: stale.holdID, orderID: UUID(), in: tx, now: pastCutoff)
                }
            }
            #expect(try await store.state(slot).reservedOrders == 2)
            try await expectNoLeakOrOverbooking(db.pool)
        }
    }

    @Test("a slot of another store is refused and nothing changes")
    func crossStore() async throws {
        try await TestDatabase.withSchema { db in
            let storeA = try await SlotFixture.make(db.pool, slug: "store-a")
            let storeB = try await SlotFixture.make(db.pool, slug: "store-b")
            try await storeA.service.generateSlots(storeID: storeA.storeID, days: 2, now: SlotFixture.now)
            try await storeA.staff(pickers: 2, counters: 2)
            let slotOfA = try await storeA.slotID("10:00")
            await #expect(throws: SlotError.unknownSlot) {
                try await storeB.service.hold(storeID: storeB.storeID, slotID: slotOfA, basketID: UUID(), pickingMinutes: 9, now: SlotFixture.now)
            }
            let hold = try await storeA.service.hold(storeID: storeA.storeID, slotID: slotOfA, basketID: UUID(), pickingMinutes: 9, now: SlotFixture.now)
            await #expect(throws: SlotError.holdExpired) {
                try await db.pool.withTransaction { tx in
                    try await storeB.service.book(storeID: storeB.storeID, holdID: hold.holdID, orderID: UUID(), in: tx, now: SlotFixture.now)
                }
            }
            try await storeB.service.releaseHold(storeID: storeB.storeID, holdID: hold.holdID)
            #expect(try await storeA.state(slotOfA).reservedOrders == 1)
            try await expectNoLeakOrOverbooking(db.pool)
        }
    }

    @Test("past the cutoff a slot is refused; bad minutes are refused")
    func cutoffAndBadInput() async throws {
        try await TestDatabase.withSchema { db in
            let store = try await SlotFixture.make(db.pool)
            try await store.service.generateSlots(storeID: store.storeID, days: 2, now: SlotFixture.now)
            try await store.staff(pickers: 2, counters: 2)
            let slot = try await store.slotID("10:00")
            let tooLate = SlotFixture.instant("2026-01-12T08:00:00Z") // 09:00 Paris, one hour before the slot
            await #expect(throws: SlotError.pastCutoff) {
                try await store.service.hold(storeID: store.storeID, slotID: slot, basketID: UUID(), pickingMinutes: 9, now: tooLate)
            }
            for minutes in [0, -3, .nan, 100_000] as [Double] {
                await #expect(throws: SlotError.self) {
                    try await store.service.hold(storeID: store.storeID, slotID: slot, basketID: UUID(), pickingMinutes: minutes, now: SlotFixture.now)
                }
            }
            #expect(try await store.state(slot).reservedOrders == 0)
        }
    }
}
