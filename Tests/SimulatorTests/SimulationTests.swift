import Forecast
import Foundation
import Logging
import Postgres
import Shelf
import Slots
import TestSupport
import Testing
import Web
@testable import Simulator

@Suite("Day simulator")
struct SimulationTests {
    /// Thursday 12 March 2026, noon UTC: the demo is seeded with one day of history, Wednesday.
    static let now = Date(timeIntervalSince1970: 1_773_316_800)
    static let day = LocalDate(parsing: "2026-03-11")!

    static var logger: Logger {
        var logger = Logger(label: "simulation-test")
        logger.logLevel = .warning
        return logger
    }

    /// Seeds the demo store on a fresh schema and plays its history day.
    static func playedDay(seed: UInt64, _ check: (PostgresPool, SimulationSummary) async throws -> Void) async throws {
        try await TestDatabase.withSchema(maxConnections: 4) { schema in
            let pool = schema.pool!
            let store = try await ShelfService(pool: pool, publicBaseURL: "http://127.0.0.1").seedDemoStore().store
            try await SlotService(pool: pool, logger: logger).seedDemo(storeID: store.id, now: now, historyDays: 1)
            var config = AppConfig(migrateOnStart: false)
            config.logLevel = .warning
            let summary = try await Simulation.run(
                SimulationOptions(storeSlug: store.slug, firstDay: day, seed: seed, scanShare: 0.12),
                config: config, pool: pool, logger: logger, refuseWhileServing: false
            ) { _ in }
            try await check(pool, summary)
        }
    }

    @Test("a played day leaves the database consistent: slots within capacity, times on every handover, reservations released")
    func consistentDay() async throws {
        try await Self.playedDay(seed: 7) { pool, summary in
            #expect(summary.serverErrors == 0)
            #expect(summary.orders > 10)
            #expect(summary.scans > summary.baskets && summary.baskets >= summary.orders)
            #expect(summary.handedOver == summary.orders)
            #expect(summary.notHandedOver == 0)
            #expect(summary.linesPicked > 0)

            let overbooked = try await pool.query("""
                SELECT count(*)::int AS n FROM slots WHERE reserved_orders > capacity_orders OR reserved_minutes > capacity_minutes
                """).single().decode(Int.self, "n")
            #expect(overbooked == 0)
            let facts = try await pool.query("""
                SELECT count(*)::int AS orders,
                       count(*) FILTER (WHERE o.status = 'handed_over')::int AS handed_over,
                       count(*) FILTER (WHERE b.handed_over_at IS NOT NULL AND b.actual_wait_minutes IS NOT NULL
                                          AND a.arrived_at IS NOT NULL AND b.handed_over_at >= a.arrived_at)::int AS timed,
                       min(o.placed_at) AS first_placed, max(b.handed_over_at) AS last_handover
                  FROM orders o
                  JOIN slot_bookings b ON b.store_id = o.store_id AND b.order_id = o.order_id
                  LEFT JOIN arrivals a ON a.store_id = o.store_id AND a.order_id = o.order_id
                """).single()
            #expect(try facts.decode(Int.self, "orders") == summary.orders)
            #expect(try facts.decode(Int.self, "handed_over") == summary.orders)
            #expect(try facts.decode(Int.self, "timed") == summary.orders)
            // Everything happened on the simulated clock: the eve and the day itself, not today.
            let dayStart = Date(timeIntervalSince1970: Double(Self.day.dayIndex) * 86_400)
            let window = dayStart.addingTimeInterval(-86_400)...dayStart.addingTimeInterval(86_400)
            #expect(window.contains(try facts.decode(Date.self, "first_placed")))
            #expect(window.contains(try facts.decode(Date.self, "last_handover")))
            let scans = try await pool.query("SELECT min(scanned_at) AS lo, max(scanned_at) AS hi, count(*)::int AS n FROM scans").single()
            #expect(try scans.decode(Int.self, "n") == summary.scans)
            let (lo, hi) = (try scans.decode(Date.self, "lo"), try scans.decode(Date.self, "hi"))
            #expect(window.contains(lo) && window.contains(hi))
            // Every order collected: nothing is still set aside in stock.
            let reserved = try await pool.query("SELECT coalesce(sum(reserved), 0)::int AS n FROM store_products").single().decode(Int.self, "n")
            #expect(reserved == 0)
            // The door counter's hours were recorded for the day, beside the forecast made before it.
            let door = try await pool.query("""
                SELECT count(*)::int AS hours, coalesce(sum(count), 0)::int AS people FROM traffic_observations WHERE source = 'door'
                """).single()
            #expect(try door.decode(Int.self, "hours") > 8)
            #expect(try door.decode(Int.self, "people") == summary.doorVisitors)
        }
    }

    @Test("the same seed on the same starting data plays the same day")
    func deterministic() async throws {
        var summaries: [SimulationSummary] = []
        for _ in 0..<2 {
            try await Self.playedDay(seed: 11) { _, summary in summaries.append(summary) }
        }
        #expect(summaries[0] == summaries[1])
        #expect(summaries[0].orders > 0)
    }

    @Test("a day's plan follows the forecast and depends only on its seed")
    func plan() {
        let start = Date(timeIntervalSince1970: 1_773_133_200)
        let hours = (0..<12).map { (start.addingTimeInterval(Double($0) * 3600), "2026-03-10 \($0 + 9):00:00", 100.0) }
        func draw(_ seed: UInt64) -> DayPlan {
            DayPlan.draw(
                seed: seed, dayNumber: 0, hours: hours, lastOrderAt: start.addingTimeInterval(9 * 3600),
                eveningBefore: start.addingTimeInterval(-15 * 3600)...start.addingTimeInterval(-10 * 3600), posterItems: 30, scanShare: 0.2
            )
        }
        let a = draw(1), b = draw(1), c = draw(2)
        #expect(a.doorCounts.map(\.count) == b.doorCounts.map(\.count))
        #expect(a.visitors.map(\.at) == b.visitors.map(\.at))
        #expect(a.doorCounts.map(\.count) != c.doorCounts.map(\.count))
        let people = a.doorCounts.reduce(0) { $0 + $1.count }
        #expect((1_000...1_400).contains(people), "12 hours of 100 expected visitors: \(people)")
        // About a fifth of the people scan (plus the evening before), and nobody orders after the last order time.
        #expect((200...330).contains(a.visitors.count))
        #expect(a.visitors.allSatisfy { $0.at < start.addingTimeInterval(9 * 3600) })
        #expect(a.visitors.allSatisfy { $0.scans.allSatisfy { (0..<30).contains($0) } })
        #expect(a.visitors.filter(\.orders).allSatisfy { $0.fillsBasket })
    }
}
