import Foundation
import Postgres
import Slots
import Testing
import TestSupport

@Suite("Store forecast, planning, promise kept, demo", .serialized)
struct ForecastAndPromiseTests {
    /// Eight weeks of hourly counts before `SlotFixture.now` (local Paris time): quiet
    /// mornings, a busy 17:00–19:00, nights nearly empty.
    static func observationsCSV() -> String {
        var lines = ["timestamp,count"]
        let start = SlotFixture.instant("2025-11-16T00:00:00Z")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = calendar.timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:00:00"
        var instant = start
        while instant < SlotFixture.now {
            let hour = calendar.component(.hour, from: instant)
            let count = switch hour {
            case 17...18: 300
            case 8...11: 40
            case 12...16, 19: 120
            default: 3
            }
            lines.append("\(formatter.string(from: instant)),\(count)")
            instant = instant.addingTimeInterval(3600)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("observations → refit → stored forecast, slot busyness and the planning heatmap data")
    func refitAndPlanning() async throws {
        try await TestDatabase.withSchema { db in
            let store = try await SlotFixture.make(db.pool)
            try await store.service.generateSlots(storeID: store.storeID, days: 3, now: SlotFixture.now)
            try await store.staff(pickers: 3, counters: 3)
            let stored = try await store.service.importObservations(storeID: store.storeID, csv: Self.observationsCSV(), source: .door)
            #expect(stored == 56 * 24 + 12) // 2025-11-16 00:00Z up to 2026-01-11 12:00Z
            let refit = try await store.service.refitForecast(storeID: store.storeID, now: SlotFixture.now)
            #expect(refit.forecastHours == SlotService.forecastHorizonHours)
            let rows = try await db.pool.query("SELECT count(*) AS n FROM busyness_forecasts WHERE store_id = \(store.storeID)")
            #expect(try rows.single().decode(Int.self, "n") == SlotService.forecastHorizonHours)

            let offers = try await store.service.offers(storeID: store.storeID, date: SlotFixture.monday, now: SlotFixture.now)
            let at = { (time: String) in offers.first { $0.start == SlotFixture.instant("2026-01-12T\(time):00Z") } }
            #expect(at("08:00")?.busyness == "low")     // 09:00 Paris
            #expect(at("16:30")?.busyness == "high")    // 17:30 Paris
            // Crowded aisles slow picking: the same roster sells fewer orders at the rush.
            #expect((at("17:00")?.remainingOrders ?? 0) < (at("09:00")?.remainingOrders ?? 0))

            let planning = try await store.service.planning(storeID: store.storeID, from: SlotFixture.monday, days: 7)
            #expect(planning.days.count == 7)
            let monday = try #require(planning.days.first)
            #expect(monday.weekday == 1)
            #expect(monday.hours.map(\.hour) == Array(8...19))
            #expect(monday.hours.first { $0.hour == 17 }?.busyness == "high")
            #expect(monday.hours.first { $0.hour == 9 }?.busyness == "low")
            #expect(monday.hours.first { $0.hour == 10 }?.expectedWaitMinutes != nil)
            // Slots exist only for the generated days; later days still show the forecast.
            #expect(planning.days[3].hours.first?.expectedWaitMinutes == nil)
            #expect(planning.days[3].hours.first?.busyness != nil)
        }
    }

    @Test("bad observation files and empty histories are refused")
    func badObservations() async throws {
        try await TestDatabase.withSchema { db in
            let store = try await SlotFixture.make(db.pool)
            await #expect(throws: SlotError.self) {
                try await store.service.importObservations(storeID: store.storeID, csv: "timestamp,count\n2026-01-01 10:00:00,-4\n")
            }
            await #expect(throws: SlotError.self) {
                try await store.service.refitForecast(storeID: store.storeID, now: SlotFixture.now)
            }
            await #expect(throws: SlotError.unknownStore) {
                try await store.service.importObservations(storeID: 999_999, csv: "timestamp,count\n2026-01-01 10:00:00,4\n")
            }
        }
    }

    @Test("handovers measure the wait from arrival or slot start; the promise-kept rate follows")
    func promiseKept() async throws {
        try await TestDatabase.withSchema { db in
            let store = try await SlotFixture.make(db.pool)
            try await store.service.generateSlots(storeID: store.storeID, days: 2, now: SlotFixture.now)
            try await store.staff(pickers: 2, counters: 2)
            let slot = try await store.slotID("10:00")
            let early = try await store.holdAndBook(slot)
            let late = try await store.holdAndBook(slot)
            let start = early.start
            // Came early: the wait counts from the slot's start (3 minutes, kept).
            let kept = try await store.service.recordHandover(
                storeID: store.storeID, orderID: early.orderID,
                arrivedAt: start.addingTimeInterval(-600), handedOverAt: start.addingTimeInterval(180))
            #expect(kept == 3)
            // Came at 10:05, served at 10:12: 7 minutes, promise (5) broken.
            let broken = try await store.service.recordHandover(
                storeID: store.storeID, orderID: late.orderID,
                arrivedAt: start.addingTimeInterval(300), handedOverAt: start.addingTimeInterval(720))
            #expect(broken == 7)
            let report = try await store.service.promiseKeptRate(
                storeID: store.storeID, from: start.addingTimeInterval(-86_400), to: start.addingTimeInterval(86_400))
            #expect(report.store == PromiseRate(handovers: 2, kept: 1))
            #expect(report.store.rate == 0.5)
            #expect(report.slots.map(\.slotID) == [slot])
            await #expect(throws: SlotError.self) {
                try await store.service.recordHandover(storeID: store.storeID, orderID: UUID(), arrivedAt: start, handedOverAt: start)
            }
            await #expect(throws: SlotError.self) {
                try await store.service.recordHandover(
                    storeID: store.storeID, orderID: early.orderID, arrivedAt: start, handedOverAt: start.addingTimeInterval(-1))
            }
        }
    }

    @Test("the demo seed makes a store bookable for 14 days with a weekly busyness pattern")
    func demo() async throws {
        try await TestDatabase.withSchema { db in
            let store = try await SlotFixture.make(db.pool, opens: "08:30", closes: "20:30")
            let summary = try await store.service.seedDemo(storeID: store.storeID, now: SlotFixture.now)
            #expect(summary.observations == 8 * 168)
            #expect(summary.slots.created > 13 * 48)
            let offers = try await store.service.offers(storeID: store.storeID, date: SlotFixture.monday, now: SlotFixture.now)
            #expect(offers.count == 48)
            #expect(offers.allSatisfy { $0.remainingOrders > 0 && $0.feeCents == 150 })
            #expect(Set(offers.map(\.busyness)) == ["low", "medium", "high"])
            // Deterministic: the same seed on a fresh store gives the same offers.
            let twin = try await SlotFixture.make(db.pool, slug: "twin-store", opens: "08:30", closes: "20:30")
            try await twin.service.seedDemo(storeID: twin.storeID, now: SlotFixture.now)
            let twinOffers = try await twin.service.offers(storeID: twin.storeID, date: SlotFixture.monday, now: SlotFixture.now)
            #expect(twinOffers.map(\.remainingOrders) == offers.map(\.remainingOrders))
        }
    }
}
