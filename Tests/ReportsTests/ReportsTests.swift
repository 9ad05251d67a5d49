import Forecast
import Foundation
import Postgres
@testable import Reports
import Testing
import TestSupport

/// Every report against `ReportFixture`, whose rows are few enough to count by hand.
@Suite("Reports")
struct ReportsTests {
    static func within(_ value: Double?, _ expected: Double, _ tolerance: Double = 0.001) -> Bool {
        guard let value else { return false }
        return abs(value - expected) <= tolerance
    }

    @Test("utilization: booked ÷ capacity per slot and day, in the store's days; closed and at-risk slots marked")
    func utilization() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await ReportFixture.make(db.pool)
            let report = try await fixture.service.utilization(storeID: fixture.storeID, range: ReportFixture.range)
            // Monday 00:15 in Paris is Sunday 23:15Z: in. Wednesday's slot and next week's: out.
            #expect(report.slots.map { "\($0.day) \($0.time)" } == [
                "2026-11-02 00:15", "2026-11-02 10:00", "2026-11-02 10:15", "2026-11-02 10:30", "2026-11-03 10:00",
            ])
            // 10:00: A, B and D booked (C cancelled is not), D at risk; 3 of 4.
            #expect(report.slots[1] == UtilizationSlot(day: "2026-11-02", time: "10:00", booked: 3, capacity: 4, utilization: 0.75, closed: false, atRisk: 1))
            #expect(report.slots[2].booked == 1 && report.slots[2].utilization == 0.5)
            #expect(report.slots[3].closed && report.slots[3].utilization == nil)
            #expect(report.slots[4].booked == 2 && report.slots[4].utilization == 0.4)
            // Monday: 0 + 3 + 1 + 0 booked of 1 + 4 + 2 + 0 = 4 / 7; Tuesday 2 / 5; in all 6 / 12.
            #expect(report.days.map(\.day) == ["2026-11-02", "2026-11-03"])
            #expect(report.days[0].booked == 4 && report.days[0].capacity == 7 && report.days[0].closedSlots == 1 && report.days[0].atRiskSlots == 1)
            #expect(Self.within(report.days[0].utilization, 4.0 / 7))
            #expect(report.booked == 6 && report.capacity == 12 && report.utilization == 0.5)
            let chart = try #require(report.charts.first)
            #expect(chart.contains("<title id=\"chart-utilization-title\">Remplissage des créneaux"))
            #expect(chart.contains("class=\"closed\"") && chart.contains("class=\"at-risk\""))
            #expect(!chart.contains("style="))
        }
    }

    @Test("traffic: stored forecast and its p10–p90 band against the most observed source, hour by hour")
    func traffic() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await ReportFixture.make(db.pool)
            let report = try await fixture.service.traffic(storeID: fixture.storeID, range: ReportFixture.range)
            // "door" has 3 hours in range, "pickups" 1.
            #expect(report.source == "door")
            #expect(report.hours == [
                TrafficHour(hour: "2026-11-02 10:00", forecastMean: 100, p10: 80, p90: 120, observed: 110),
                TrafficHour(hour: "2026-11-02 11:00", forecastMean: 50, p10: 40, p90: 60, observed: 70),
                TrafficHour(hour: "2026-11-02 12:00", forecastMean: nil, p10: nil, p90: nil, observed: 30),
                TrafficHour(hour: "2026-11-02 13:00", forecastMean: 20, p10: 10, p90: 30, observed: nil),
            ])
            // Compared: 10:00 (110 in 80–120, off by +10) and 11:00 (70 above 40–60, off by +20).
            #expect(report.comparedHours == 2 && report.withinBand == 0.5)
            #expect(report.meanAbsoluteError == 15 && report.bias == 15)
            #expect(report.charts[0].contains("class=\"band\"") && report.charts[0].contains("class=\"observed\""))
        }
    }

    @Test("promises: ready by slot start and waits within the promise, per day, per slot time and in all; the late ones")
    func promises() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await ReportFixture.make(db.pool)
            let report = try await fixture.service.promises(storeID: fixture.storeID, range: ReportFixture.range, now: ReportFixture.now)
            // Judged: A B D E F G (C cancelled, H out of range). Ready on time: A E F G (B 5 min late, D never).
            // Handed over: A 3, B 12, E 4, F 1, G 6 minutes against 5 promised: A E F kept.
            #expect(report.total == PromiseTally(key: "all", orders: 6, readyOnTime: 4, readyShare: 4.0 / 6, handovers: 5, waitsKept: 3, waitShare: 0.6))
            #expect(report.days == [
                PromiseTally(key: "2026-11-02", orders: 4, readyOnTime: 2, readyShare: 0.5, handovers: 3, waitsKept: 2, waitShare: 2.0 / 3),
                PromiseTally(key: "2026-11-03", orders: 2, readyOnTime: 2, readyShare: 1, handovers: 2, waitsKept: 1, waitShare: 0.5),
            ])
            // 10:00 on both days: A B D F G; 10:15: E.
            #expect(report.slots == [
                PromiseTally(key: "10:00", orders: 5, readyOnTime: 3, readyShare: 0.6, handovers: 4, waitsKept: 2, waitShare: 0.5),
                PromiseTally(key: "10:15", orders: 1, readyOnTime: 1, readyShare: 1, handovers: 1, waitsKept: 1, waitShare: 1),
            ])
            #expect(report.lateCount == 3)
            #expect(report.late.map(\.order) == ["B01", "D01", "G01"])
            #expect(report.late[0] == LateOrder(order: "B01", day: "2026-11-02", slot: "10:00", readyLateMinutes: 5, waitMinutes: 12, promisedWaitMinutes: 5))
            // D is still not ready at `now`: late from 2026-11-02 09:00Z to 2026-11-10 12:00Z, 8 days 3 hours.
            #expect(report.late[1].readyLateMinutes == Double(8 * 24 * 60 + 3 * 60) && report.late[1].waitMinutes == nil)
            #expect(report.late[2].readyLateMinutes == nil && report.late[2].waitMinutes == 6)

            // Before the slots start nothing is judged.
            let early = try await fixture.service.promises(storeID: fixture.storeID, range: ReportFixture.range,
                                                           now: ISO8601DateFormatter().date(from: "2026-11-01T12:00:00Z")!)
            #expect(early.total.orders == 0 && early.days.isEmpty && early.late.isEmpty)
        }
    }

    @Test("waits: p50, p90, p99 per day of handover (percentile_cont) and the histogram")
    func waits() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await ReportFixture.make(db.pool)
            let report = try await fixture.service.waits(storeID: fixture.storeID, range: ReportFixture.range)
            // Monday 3, 4, 12: p50 = 4; p90 at rank 0.9 × 2 = 1.8 → 4 + 0.8 × 8 = 10.4; p99 at 1.98 → 4 + 0.98 × 8 = 11.84.
            #expect(report.days.map(\.day) == ["2026-11-02", "2026-11-03"])
            let monday = report.days[0]
            #expect(monday.handovers == 3 && Self.within(monday.p50, 4) && Self.within(monday.p90, 10.4) && Self.within(monday.p99, 11.84) && monday.max == 12)
            // Tuesday 1, 6: p50 = 3.5, p90 = 1 + 0.9 × 5 = 5.5, p99 = 5.95.
            let tuesday = report.days[1]
            #expect(tuesday.handovers == 2 && Self.within(tuesday.p50, 3.5) && Self.within(tuesday.p90, 5.5) && Self.within(tuesday.p99, 5.95))
            // All 1, 3, 4, 6, 12: p50 = 4; p90 at 3.6 → 6 + 0.6 × 6 = 9.6; p99 at 3.96 → 11.76. H's 20 minutes (Wednesday) are out.
            #expect(report.total.handovers == 5 && Self.within(report.total.p50, 4) && Self.within(report.total.p90, 9.6) && Self.within(report.total.p99, 11.76))
            #expect(report.histogram.count == 16)
            #expect(report.histogram.filter { $0.handovers > 0 }.map(\.fromMinute) == [1, 3, 4, 6, 12])
            #expect(report.histogram.last?.label == "15+" && report.histogram.last?.handovers == 0)
            #expect(report.charts.count == 2 && report.charts[0].contains("Attente au retrait : histogramme"))
        }
    }

    @Test("picking: lines and orders per active and rostered picker-hour, substitution and missing rates per zone and product")
    func picking() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await ReportFixture.make(db.pool)
            let report = try await fixture.service.picking(storeID: fixture.storeID, range: ReportFixture.range)
            // Monday: totes of A (2 lines), B (1 + 1), E (1) = 5 lines; A, B, E ready. Léa 08:10–08:50Z (her three
            // totes overlap or touch: one stretch of 40 min) + Marc 15 min = 55 min. Roster: Léa 4 h + Marc 2 h.
            let monday = try #require(report.days.first)
            #expect(monday.day == "2026-11-02" && monday.lines == 5 && monday.ordersReady == 3)
            #expect(Self.within(monday.activePickerHours, 55.0 / 60) && monday.rosteredPickerHours == 6)
            #expect(Self.within(monday.linesPerActiveHour, 5 / (55.0 / 60)) && Self.within(monday.ordersPerActiveHour, 3 / (55.0 / 60)))
            #expect(Self.within(monday.linesPerRosteredHour, 5.0 / 6))
            // Tuesday: F and G, 12 + 6 minutes apart (two stretches), 2 lines; Léa rostered 2 h.
            let tuesday = report.days[1]
            #expect(tuesday.lines == 2 && tuesday.ordersReady == 2 && Self.within(tuesday.activePickerHours, 0.3) && tuesday.rosteredPickerHours == 2)
            #expect(report.days.count == 2)
            #expect(report.total.lines == 7 && report.total.ordersReady == 5 && Self.within(report.total.activePickerHours, 73.0 / 60))
            // Ambient: A pasta, A honey (missing), B pasta, F pasta. Chilled: B milk (substituted), G milk. Frozen: E.
            #expect(report.zones.map(\.zone) == ["ambient", "chilled", "frozen"])
            #expect(report.zones[0].lines == 4 && report.zones[0].missing == 1 && report.zones[0].missingRate == 0.25 && report.zones[0].substituted == 0)
            #expect(report.zones[1].lines == 2 && report.zones[1].substituted == 1 && report.zones[1].substitutionRate == 0.5)
            #expect(report.zones[2].lines == 1 && report.zones[2].substitutionRate == 0 && report.zones[2].missingRate == 0)
            // Most trouble first: milk (1 of 2), honey (1 of 1), then pasta (3 lines), ice cream (1).
            #expect(report.products.map(\.productID) == [fixture.product(ReportFixture.P.milk), fixture.product(ReportFixture.P.honey),
                                                         fixture.product(ReportFixture.P.pasta), fixture.product(ReportFixture.P.iceCream)])
            #expect(report.products[1].missingRate == 1 && report.products[2].lines == 3)
        }
    }

    @Test("posters: scans per poster and product, conversion as ratios of totals over the range")
    func posters() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await ReportFixture.make(db.pool)
            let report = try await fixture.service.posters(storeID: fixture.storeID, range: ReportFixture.range)
            // Scans in range: shelf milk 4 + pasta 2; metro pasta 3 + ice cream 1 (the 5 at 23:00Z are Wednesday in Paris).
            // Baskets started in range: A(pasta, honey) B(pasta, milk) C(milk) D(pasta) E(ice) F(pasta) G(milk) abandoned(ice, milk).
            // Orders placed in range, not cancelled: A B D E F G.
            #expect(report.posters.map(\.poster) == ["Rayon test", "Affiche métro"])
            #expect(report.posters[0].scans == 6 && report.posters[0].baskets == 8 && report.posters[0].orders == 6)
            #expect(Self.within(report.posters[0].scanToBasket, 8.0 / 6) && report.posters[0].scanToOrder == 1)
            // Metro holds pasta and ice cream: baskets A B D F E abandoned, orders A B D F E.
            #expect(report.posters[1].scans == 4 && report.posters[1].baskets == 6 && report.posters[1].orders == 5)
            #expect(report.posters[1].scanToBasket == 1.5 && report.posters[1].scanToOrder == 1.25)
            let byName = Dictionary(uniqueKeysWithValues: report.products.map { ($0.product, $0) })
            let milk = try #require(byName["Lait demi-écrémé"])
            #expect(milk.scans == 4 && milk.baskets == 4 && milk.orders == 2 && milk.scanToOrder == 0.5)
            let pasta = try #require(byName["Pâtes « fusilli » & co"])
            #expect(pasta.scans == 5 && pasta.baskets == 4 && pasta.orders == 4 && pasta.scanToBasket == 0.8)
            let iceCream = try #require(byName["Glace vanille"])
            #expect(iceCream.scans == 1 && iceCream.baskets == 2 && iceCream.scanToBasket == 2)
            let honey = try #require(byName["Dernier pot de miel"])
            #expect(honey.scans == 0 && honey.orders == 1 && honey.scanToOrder == nil)
            #expect(report.products.first?.product == pasta.product)
            // A title with "&" and « » is escaped in the CSV only where it must be, and in the SVG.
            #expect(report.tables[1].csv.contains("Pâtes « fusilli » & co"))
            #expect(report.charts[0].contains("Affiche métro"))
        }
    }

    @Test("capacity planning: staff each open hour of next week needs for the orders of the last four weeks, against the roster")
    func capacityPlan() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await ReportFixture.make(db.pool)
            let nextWeek = try ReportRange(from: "2026-11-16", to: "2026-11-22")
            let report = try await fixture.service.capacityPlan(storeID: fixture.storeID, range: nextWeek, now: ReportFixture.now)
            // History: the 28 days before Tuesday 2026-11-10. Monday 10 h: A B D E = 4 orders / 4 weeks = 1;
            // Tuesday 10 h: F G = 0.5. One order an hour needs one picker (an order is 12 × 31.5 s + 3 min = 9.3 min)
            // and one person at the counter.
            #expect(report.historyFrom == "2026-10-13" && report.historyTo == "2026-11-09")
            #expect(report.promiseMinutes == 5)
            #expect(report.hours == [
                StaffingHour(day: "2026-11-16", hour: 10, demandOrders: 1, footfall: nil, pickersNeeded: 1, handoverNeeded: 1, pickersRostered: 1, handoverRostered: 1),
                StaffingHour(day: "2026-11-17", hour: 10, demandOrders: 0.5, footfall: nil, pickersNeeded: 1, handoverNeeded: 1, pickersRostered: 0, handoverRostered: 0),
            ])
        }
    }

    @Test("capacity planning grows with demand: Erlang C and the picking model run backwards")
    func capacityGrowsWithDemand() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await ReportFixture.make(db.pool)
            // 120 more Monday 10:00 orders over three of the history's Mondays: (4 + 120) / 4 = 31 an hour. Pickers: each
            // picks 60 ÷ 9.3 = 6.45 orders an hour; 4 make 25, 5 make 32: 5. Counter: the smallest staff whose Erlang C
            // capacity within the promise (5 min for 95%, 3-minute handovers) reaches 31, checked against the model itself.
            // Shifted by local days: 2026-10-19 is still summer time, where 10:00 in Paris is 08:00Z.
            try await db.pool.query("""
                INSERT INTO orders (store_id, order_number, link_hash, pickup_code, basket_id, status, customer_phone, slot_id, slot_starts_at, slot_ends_at,
                                    subtotal_cents, fee_cents, total_cents, picking_minutes, placed_at)
                SELECT o.store_id, 'Z' || g, decode(md5('z' || g), 'hex'), '000000', o.basket_id, 'handed_over', '0600000000', o.slot_id,
                       (o.slot_starts_at AT TIME ZONE 'Europe/Paris' - make_interval(days => 7 * (g % 3))) AT TIME ZONE 'Europe/Paris',
                       (o.slot_ends_at AT TIME ZONE 'Europe/Paris' - make_interval(days => 7 * (g % 3))) AT TIME ZONE 'Europe/Paris', 0, 0, 0, 5, o.placed_at
                  FROM orders o, generate_series(1, 120) g WHERE o.store_id = \(fixture.storeID) AND o.order_number = 'A01'
                """)
            let report = try await fixture.service.capacityPlan(storeID: fixture.storeID, range: try ReportRange(from: "2026-11-16", to: "2026-11-16"), now: ReportFixture.now)
            let hour = try #require(report.hours.first)
            #expect(hour.demandOrders == 31)
            #expect(hour.pickersNeeded == 5)
            var parameters = SlotCapacityModel.Parameters()
            parameters.secondsPerLine = 31.5
            let model = try SlotCapacityModel(parameters: parameters)
            func counterOrders(_ staff: Int) throws -> Int { try model.handover(staff: staff, slotMinutes: 60, footfallPerHour: 0).orders }
            #expect(hour.handoverNeeded >= 2)
            #expect(try counterOrders(hour.handoverNeeded) >= 31 && counterOrders(hour.handoverNeeded - 1) < 31)
        }
    }

    @Test("bad ranges are the caller's error: malformed dates, from after to, more than 366 days; an unknown store")
    func badRanges() async throws {
        #expect(throws: ReportError.self) { try ReportRange(from: "2026-02-30", to: "2026-03-01") }
        #expect(throws: ReportError.self) { try ReportRange(from: "02/11/2026", to: "2026-11-03") }
        #expect(throws: ReportError.self) { try ReportRange(from: "2026-11-04", to: "2026-11-03") }
        #expect(throws: ReportError.self) { try ReportRange(from: "2025-01-01", to: "2026-01-02") }
        #expect(try ReportRange(from: "2024-01-01", to: "2024-12-31").days == 366)
        #expect(throws: ReportError.invalid("The start date (2026-11-04) comes after the end date (2026-11-03).")) {
            try ReportRange(from: "2026-11-04", to: "2026-11-03")
        }
        try await TestDatabase.withSchema { db in
            let fixture = try await ReportFixture.make(db.pool)
            await #expect(throws: ReportError.unknownStore) {
                try await fixture.service.utilization(storeID: 999_999, range: ReportFixture.range)
            }
        }
    }

    @Test("default ranges: the last 7 days to today; next Monday to Sunday for capacity")
    func defaultRanges() throws {
        let thursday = try #require(LocalDate(parsing: "2026-11-19"))
        #expect(ReportKind.waits.defaultRange(today: thursday) == (try ReportRange(from: "2026-11-13", to: "2026-11-19")))
        #expect(ReportKind.capacity.defaultRange(today: thursday) == (try ReportRange(from: "2026-11-23", to: "2026-11-29")))
        let monday = try #require(LocalDate(parsing: "2026-11-16"))
        #expect(ReportKind.capacity.defaultRange(today: monday) == (try ReportRange(from: "2026-11-23", to: "2026-11-29")))
    }

    @Test("charts of one slot, one hour, one bar, or nothing at all are still drawn")
    func tinyCharts() {
        let one = Chart.heatmap(id: "h", title: "T", description: "D", rows: ["2026-11-02"], columns: ["10:00"],
                                cells: [[Chart.HeatCell(value: 1, closed: false, atRisk: false, label: "x")]])
        #expect(one.contains("<rect class=\"open\""))
        let point = Chart.band(id: "b", title: "T", description: "D", labels: ["10:00"], low: [1], middle: [2], high: [3],
                               line: Chart.Series(name: "o", colour: "#000", values: [2]), bandName: "p")
        #expect(point.contains("<circle"))
        #expect(Chart.bars(id: "c", title: "T", description: "D", labels: ["a"], series: [Chart.Series(name: "", colour: "#000", values: [0])])
            .contains("class=\"bar\""))
        #expect(Chart.bars(id: "d", title: "Vide", description: "D", labels: [], series: []).contains("Aucune donnée"))
    }

    @Test("CSV quotes only what it must, with CRLF line ends")
    func csv() throws {
        let table = ReportTable("t", "T", [("x", "X"), ("y", "Y"), ("z", "Z")], rows: [["a,b", "say \"hi\"", "plain"]])
        #expect(table.csv == "x,y,z\r\n\"a,b\",\"say \"\"hi\"\"\",plain\r\n")
    }
}
