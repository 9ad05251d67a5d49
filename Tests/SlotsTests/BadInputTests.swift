import Foundation
import Postgres
import Slots
import Testing
import TestSupport

@Suite("Bad input is refused and changes nothing", .serialized)
struct BadInputTests {
    @Test("absurd roster files are refused line by line, all or nothing", arguments: [
        "staff,role,starts_at,ends_at\nAna,picker,2026-01-12 10:00,2026-01-12 09:00\n",
        "staff,role,starts_at,ends_at\nAna,picker,2026-01-12 02:00,2026-01-12 20:00\n",
        "staff,role,starts_at,ends_at\nAna,picker,2026-01-12 08:00,2026-01-12 12:00\nBob,cashier,2026-01-12 08:00,2026-01-12 12:00\n",
        "staff,role,starts_at,ends_at\n,picker,2026-01-12 08:00,2026-01-12 12:00\n",
        "staff,role,starts_at,ends_at\nAna,picker,2026-01-12 8h,2026-01-12 12:00\n",
        "name,when\nAna,today\n",
    ])
    func badRoster(csv: String) async throws {
        try await TestDatabase.withSchema { db in
            let store = try await SlotFixture.make(db.pool)
            await #expect(throws: SlotError.self) {
                try await store.service.importRoster(storeID: store.storeID, csv: csv, now: SlotFixture.now)
            }
            let count = try await db.pool.query("SELECT count(*) AS n FROM roster_shifts").single().decode(Int.self, "n")
            #expect(count == 0)
        }
    }

    @Test("shifts, slots and offers for unknown stores, bad dates and dates outside the horizon")
    func refusals() async throws {
        try await TestDatabase.withSchema { db in
            let store = try await SlotFixture.make(db.pool)
            let start = SlotFixture.instant("2026-01-12T08:00:00Z")
            await #expect(throws: SlotError.unknownStore) {
                try await store.service.addShift(storeID: 999_999, staffName: "Ana", role: .picker, startsAt: start, endsAt: start.addingTimeInterval(3600))
            }
            await #expect(throws: SlotError.self) {
                try await store.service.addShift(storeID: store.storeID, staffName: "Ana", role: .picker, startsAt: start, endsAt: start.addingTimeInterval(-60))
            }
            await #expect(throws: SlotError.self) {
                try await store.service.addShift(storeID: store.storeID, staffName: "  ", role: .picker, startsAt: start, endsAt: start.addingTimeInterval(60))
            }
            await #expect(throws: SlotError.self) {
                try await store.service.removeShift(storeID: store.storeID, shiftID: 42)
            }
            await #expect(throws: SlotError.self) {
                try await store.service.generateSlots(storeID: store.storeID, days: 0, now: SlotFixture.now)
            }
            await #expect(throws: SlotError.self) {
                try await store.service.generateSlots(storeID: store.storeID, days: 61, now: SlotFixture.now)
            }
            await #expect(throws: SlotError.unknownStore) {
                try await store.service.generateSlots(storeID: 999_999, days: 1, now: SlotFixture.now)
            }
            await #expect(throws: SlotError.unknownStore) {
                try await store.service.offers(storeID: 999_999, date: SlotFixture.monday, now: SlotFixture.now)
            }
            for date in ["2026-13-01", "12/01/2026", "", "2026-01-12'; DROP TABLE slots; --"] {
                await #expect(throws: SlotError.self) {
                    try await store.service.offers(storeID: store.storeID, date: date, now: SlotFixture.now)
                }
            }
            for date in ["2026-01-10", "2026-01-25", "2027-01-12"] {
                await #expect(throws: SlotError.outsideHorizon("Pickup slots can be booked from today up to 13 days ahead.")) {
                    try await store.service.offers(storeID: store.storeID, date: date, now: SlotFixture.now)
                }
            }
            await #expect(throws: SlotError.self) {
                try await store.service.setTemplate(storeID: store.storeID, SlotTemplate(slotMinutes: 0))
            }
            await #expect(throws: SlotError.unknownStore) {
                try await store.service.setTemplate(storeID: 999_999, SlotTemplate())
            }
            let slots = try await db.pool.query("SELECT count(*) AS n FROM slots").single().decode(Int.self, "n")
            #expect(slots == 0)
        }
    }
}
