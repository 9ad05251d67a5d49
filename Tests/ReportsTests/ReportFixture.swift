import Foundation
import Logging
import Postgres
import Reports
import Slots
import TestSupport

/// A small store history written row by row in SQL, so every number of every report can be
/// worked out by hand (ReportsTests says how). Europe/Paris in November is UTC+1: the
/// 10:00 slot of Monday 2026-11-02 starts at 09:00Z. The range reported is 2026-11-02..03.
///
/// Slots (local):            capacity  booked (orders)
///   Mon 00:15               1         0            (23:15Z on Sunday: only the store's zone puts it in range)
///   Mon 10:00  S1           4         A B D (C cancelled; D at risk)
///   Mon 10:15  S2           2         E
///   Mon 10:30  S3 closed    0         0
///   Tue 10:00  S4           5         F G
///   Wed 10:00               3         H            (out of range)
///   next week: Mon 16 10:00, 10:15, Tue 17 10:00 open; Wed 18 11:00 closed
struct ReportFixture {
    let pool: PostgresPool
    let catalog: CatalogFixture
    let metroShelfID: Int64
    var storeID: Int64 { catalog.storeID }

    static let range = try! ReportRange(from: "2026-11-02", to: "2026-11-03")
    /// After every slot of the range: all of them are judged.
    static let now = ISO8601DateFormatter().date(from: "2026-11-10T12:00:00Z")!

    enum P { static let milk = 0, pasta = 1, iceCream = 2, honey = 3 }

    var service: ReportService {
        var logger = Logger(label: "test.reports")
        logger.logLevel = .warning
        return ReportService(pool: pool, slots: SlotService(pool: pool, logger: logger))
    }

    func product(_ index: Int) -> Int64 { catalog.productIDs[index] }

    @discardableResult
    func slot(_ local: String, status: String = "open", capacity: Int, reserved: Int = 0) async throws -> Int64 {
        try await pool.query("""
            INSERT INTO slots (store_id, starts_at, ends_at, status, planned_orders, capacity_orders, reserved_orders,
                               planned_minutes, capacity_minutes, reserved_minutes)
            VALUES (\(storeID), \(local)::timestamp AT TIME ZONE 'Europe/Paris', (\(local)::timestamp + interval '15 minutes') AT TIME ZONE 'Europe/Paris',
                    \(status), \(capacity), \(capacity), \(reserved), \(Double(capacity * 10))::numeric, \(Double(capacity * 10))::numeric, \(Double(reserved * 5))::numeric)
            RETURNING slot_id
            """).single().decode(Int64.self, "slot_id")
    }

    struct Task {
        var zone: String
        var picker: String?
        var claimed: String?
        var picked: String?
        /// (line number, status) of the order's lines in this zone.
        var lines: [(Int, String)]
    }

    /// An order with its basket, lines, booking, arrival and picking tasks.
    /// Times are UTC instants ("2026-11-02 09:03Z").
    func order(
        _ number: String, slot: Int64, status: String = "handed_over", placed: String = "2026-11-02 07:00Z", ready: String? = nil,
        lines: [(Int, Int)], booking: String = "booked", arrived: String? = nil, handedOver: String? = nil, wait: Double? = nil,
        tasks: [Task] = []
    ) async throws {
        let basketID = try await pool.query("""
            INSERT INTO baskets (store_id, token_hash, created_at) VALUES (\(storeID), decode(md5(\(number)), 'hex'), \(placed)::timestamptz)
            RETURNING basket_id
            """).single().decode(UUID.self, "basket_id")
        for (product, quantity) in lines {
            try await pool.query("""
                INSERT INTO basket_lines (store_id, basket_id, product_id, quantity, added_at)
                VALUES (\(storeID), \(basketID), \(self.product(product)), \(quantity), \(placed)::timestamptz)
                """)
        }
        let orderID = try await pool.query("""
            INSERT INTO orders (store_id, order_number, link_hash, pickup_code, basket_id, status, customer_phone,
                                slot_id, slot_starts_at, slot_ends_at, subtotal_cents, fee_cents, total_cents, picking_minutes,
                                placed_at, ready_at, cancelled_at)
            SELECT \(storeID), \(number), decode(md5('link' || \(number)), 'hex'), lpad((abs(hashtext(\(number))) % 1000000)::text, 6, '0'),
                   \(basketID), \(status), '0600000000', s.slot_id, s.starts_at, s.ends_at, 0, 0, 0, 5,
                   \(placed)::timestamptz, \(ready)::timestamptz, CASE WHEN \(status) = 'cancelled' THEN \(placed)::timestamptz END
              FROM slots s WHERE s.store_id = \(storeID) AND s.slot_id = \(slot)
            RETURNING order_id
            """).single().decode(UUID.self, "order_id")
        try await pool.query("UPDATE baskets SET order_id = \(orderID) WHERE store_id = \(storeID) AND basket_id = \(basketID)")
        for (index, (product, quantity)) in lines.enumerated() {
            try await pool.query("""
                INSERT INTO order_lines (store_id, order_id, line_no, product_id, name, brand, size_text, temperature_zone, quantity, unit_price_cents)
                SELECT \(storeID), \(orderID), \(index + 1), p.product_id, p.name, p.brand, p.size_text, p.temperature_zone, \(quantity), 100
                  FROM products p WHERE p.product_id = \(self.product(product))
                """)
        }
        try await pool.query("""
            INSERT INTO slot_bookings (store_id, order_id, slot_id, minutes, fee_cents, status, promised_ready_at, promised_wait_minutes,
                                       minutes_missing, booked_at, handed_over_at, actual_wait_minutes)
            SELECT \(storeID), \(orderID), s.slot_id, 5, 0, \(booking), s.starts_at, 5,
                   CASE WHEN \(booking) = 'at-risk' THEN 3 END, \(placed)::timestamptz, \(handedOver)::timestamptz, \(wait)::numeric
              FROM slots s WHERE s.store_id = \(storeID) AND s.slot_id = \(slot)
            """)
        if let arrived {
            try await pool.query("""
                INSERT INTO arrivals (store_id, order_id, arrived_at, via, handed_over_at)
                VALUES (\(storeID), \(orderID), \(arrived)::timestamptz, 'counter', \(handedOver)::timestamptz)
                """)
        }
        for task in tasks {
            let done = task.picked != nil
            let taskID = try await pool.query("""
                INSERT INTO picking_tasks (store_id, order_id, zone, due_at, order_lines, task_lines, lines_done, status,
                                           claimed_by, claimed_at, last_progress_at, claim_count, tote_label, staging_location, queued_at, picked_at, staged_at)
                SELECT \(storeID), \(orderID), \(task.zone), o.slot_starts_at, \(lines.count), \(task.lines.count), \(done ? task.lines.count : 0),
                       \(done ? "staged" : "queued"), \(task.picker), \(task.claimed)::timestamptz, \(task.picked)::timestamptz,
                       \(task.picker == nil ? 0 : 1), \(number + "-" + task.zone.prefix(1).uppercased()), \(done ? "A1" : nil),
                       o.slot_starts_at - interval '1 hour', \(task.picked)::timestamptz, \(task.picked)::timestamptz
                  FROM orders o WHERE o.store_id = \(storeID) AND o.order_id = \(orderID)
                RETURNING task_id
                """).single().decode(Int64.self, "task_id")
            for (lineNo, lineStatus) in task.lines {
                // A substitute is one unit of pasta, charged at most the ordered price.
                let substitute = lineStatus == "substituted"
                try await pool.query("""
                    INSERT INTO picking_lines (store_id, task_id, order_id, line_no, ordered_quantity, picked_quantity, status,
                                               substitute_product_id, substitute_quantity, substitute_unit_price_cents, done_at)
                    SELECT \(storeID), \(taskID), \(orderID), ol.line_no, ol.quantity,
                           CASE WHEN \(lineStatus) = 'picked' THEN ol.quantity ELSE 0 END, \(lineStatus),
                           \(substitute ? self.product(P.pasta) : nil), \(substitute ? 1 : nil), \(substitute ? 100 : nil),
                           CASE WHEN \(lineStatus) <> 'pending' THEN \(task.picked)::timestamptz END
                      FROM order_lines ol WHERE ol.store_id = \(storeID) AND ol.order_id = \(orderID) AND ol.line_no = \(lineNo)
                    """)
            }
        }
    }

    func scans(shelf: Int64, product: Int, count: Int, at instant: String) async throws {
        try await pool.query("""
            INSERT INTO scans (store_id, shelf_id, product_id, scanned_at)
            SELECT \(storeID), \(shelf), \(self.product(product)), \(instant)::timestamptz FROM generate_series(1, \(count))
            """)
    }

    func shift(_ name: String, role: String, from: String, to: String) async throws {
        try await pool.query("""
            INSERT INTO roster_shifts (store_id, staff_name, role, starts_at, ends_at)
            VALUES (\(storeID), \(name), \(role), \(from)::timestamptz, \(to)::timestamptz)
            """)
    }

    func hour(_ instant: String, forecast: (mean: Double, p10: Double, p90: Double)?, observed: [(String, Double)]) async throws {
        if let forecast {
            try await pool.query("""
                INSERT INTO busyness_forecasts (store_id, hour, mean, p10, p50, p90, fitted_at)
                VALUES (\(storeID), \(instant)::timestamptz, \(forecast.mean), \(forecast.p10), \(forecast.mean), \(forecast.p90), '2026-11-01 00:00Z')
                """)
        }
        for (source, count) in observed {
            try await pool.query("""
                INSERT INTO traffic_observations (store_id, hour, source, count) VALUES (\(storeID), \(instant)::timestamptz, \(source), \(count))
                """)
        }
    }

    static func make(_ pool: PostgresPool) async throws -> ReportFixture {
        let catalog = try await CatalogFixture.make(pool, slug: "report-store")
        let metro = try await pool.query("""
            INSERT INTO shelves (store_id, slug, title, location) VALUES (\(catalog.storeID), 'metro', 'Affiche métro', 'Châtelet') RETURNING shelf_id
            """).single().decode(Int64.self, "shelf_id")
        for (position, product) in [P.pasta, P.iceCream].enumerated() {
            try await pool.query("""
                INSERT INTO shelf_items (store_id, shelf_id, product_id, position, code)
                VALUES (\(catalog.storeID), \(metro), \(catalog.productIDs[product]), \(position), \("metro0000" + String(position)))
                """)
        }
        let fixture = ReportFixture(pool: pool, catalog: catalog, metroShelfID: metro)
        try await pool.query("INSERT INTO slot_templates (store_id) VALUES (\(catalog.storeID))")

        try await fixture.slot("2026-11-02 00:15", capacity: 1)
        let s1 = try await fixture.slot("2026-11-02 10:00", capacity: 4, reserved: 3)
        let s2 = try await fixture.slot("2026-11-02 10:15", capacity: 2, reserved: 1)
        try await fixture.slot("2026-11-02 10:30", status: "closed", capacity: 0)
        let s4 = try await fixture.slot("2026-11-03 10:00", capacity: 5, reserved: 2)
        let wednesday = try await fixture.slot("2026-11-04 10:00", capacity: 3, reserved: 1)
        try await fixture.slot("2026-11-16 10:00", capacity: 4)
        try await fixture.slot("2026-11-16 10:15", capacity: 4)
        try await fixture.slot("2026-11-17 10:00", capacity: 4)
        try await fixture.slot("2026-11-18 11:00", status: "closed", capacity: 0)

        typealias T = Task
        // Léa picks A's and B's ambient totes together (08:10–08:40Z) then B's chilled one (08:40–08:50Z): one 40-minute stretch.
        try await fixture.order("A01", slot: s1, ready: "2026-11-02 08:50Z", lines: [(P.pasta, 1), (P.honey, 1)],
                                arrived: "2026-11-02 08:58Z", handedOver: "2026-11-02 09:03Z", wait: 3,
                                tasks: [T(zone: "ambient", picker: "Léa", claimed: "2026-11-02 08:10Z", picked: "2026-11-02 08:30Z", lines: [(1, "picked"), (2, "missing")])])
        try await fixture.order("B01", slot: s1, ready: "2026-11-02 09:05Z", lines: [(P.pasta, 2), (P.milk, 1)],
                                arrived: "2026-11-02 09:00Z", handedOver: "2026-11-02 09:12Z", wait: 12,
                                tasks: [T(zone: "ambient", picker: "Léa", claimed: "2026-11-02 08:20Z", picked: "2026-11-02 08:40Z", lines: [(1, "picked")]),
                                        T(zone: "chilled", picker: "Léa", claimed: "2026-11-02 08:40Z", picked: "2026-11-02 08:50Z", lines: [(2, "substituted")])])
        try await fixture.order("C01", slot: s1, status: "cancelled", lines: [(P.milk, 1)], booking: "cancelled")
        try await fixture.order("D01", slot: s1, status: "placed", lines: [(P.pasta, 1)], booking: "at-risk",
                                tasks: [T(zone: "ambient", lines: [(1, "pending")])])
        // Marc: 08:30–08:45Z.
        try await fixture.order("E01", slot: s2, ready: "2026-11-02 09:10Z", lines: [(P.iceCream, 1)],
                                arrived: "2026-11-02 09:20Z", handedOver: "2026-11-02 09:24Z", wait: 4,
                                tasks: [T(zone: "frozen", picker: "Marc", claimed: "2026-11-02 08:30Z", picked: "2026-11-02 08:45Z", lines: [(1, "picked")])])
        // Tuesday: Léa 08:00–08:12Z and 08:30–08:36Z, two stretches.
        try await fixture.order("F01", slot: s4, placed: "2026-11-02 18:00Z", ready: "2026-11-03 08:55Z", lines: [(P.pasta, 1)],
                                arrived: "2026-11-03 08:50Z", handedOver: "2026-11-03 09:01Z", wait: 1,
                                tasks: [T(zone: "ambient", picker: "Léa", claimed: "2026-11-03 08:00Z", picked: "2026-11-03 08:12Z", lines: [(1, "picked")])])
        try await fixture.order("G01", slot: s4, placed: "2026-11-02 18:00Z", ready: "2026-11-03 08:59Z", lines: [(P.milk, 1)],
                                arrived: "2026-11-03 09:30Z", handedOver: "2026-11-03 09:36Z", wait: 6,
                                tasks: [T(zone: "chilled", picker: "Léa", claimed: "2026-11-03 08:30Z", picked: "2026-11-03 08:36Z", lines: [(1, "picked")])])
        // Out of range everywhere: Wednesday's slot, placed and handed over on Wednesday, a long wait.
        try await fixture.order("H01", slot: wednesday, placed: "2026-11-04 07:00Z", ready: "2026-11-04 08:30Z", lines: [(P.pasta, 1)],
                                arrived: "2026-11-04 09:00Z", handedOver: "2026-11-04 09:20Z", wait: 20,
                                tasks: [T(zone: "ambient", picker: "Léa", claimed: "2026-11-04 08:00Z", picked: "2026-11-04 08:20Z", lines: [(1, "picked")])])

        // A basket left without an order on Tuesday.
        let abandoned = try await pool.query("""
            INSERT INTO baskets (store_id, token_hash, created_at) VALUES (\(catalog.storeID), decode(md5('abandoned'), 'hex'), '2026-11-03 12:00Z')
            RETURNING basket_id
            """).single().decode(UUID.self, "basket_id")
        for product in [P.iceCream, P.milk] {
            try await pool.query("""
                INSERT INTO basket_lines (store_id, basket_id, product_id, quantity) VALUES (\(catalog.storeID), \(abandoned), \(catalog.productIDs[product]), 1)
                """)
        }

        try await fixture.scans(shelf: catalog.shelfID, product: P.milk, count: 4, at: "2026-11-02 07:30Z")
        try await fixture.scans(shelf: catalog.shelfID, product: P.pasta, count: 2, at: "2026-11-03 10:00Z")
        try await fixture.scans(shelf: catalog.shelfID, product: P.milk, count: 1, at: "2026-11-05 10:00Z")
        try await fixture.scans(shelf: metro, product: P.pasta, count: 3, at: "2026-11-02 17:00Z")
        try await fixture.scans(shelf: metro, product: P.iceCream, count: 1, at: "2026-11-03 22:59Z")
        // 23:00Z on Tuesday is Wednesday in Paris: out of range.
        try await fixture.scans(shelf: metro, product: P.iceCream, count: 5, at: "2026-11-03 23:00Z")

        try await fixture.shift("Léa", role: "picker", from: "2026-11-02 07:00Z", to: "2026-11-02 11:00Z")
        try await fixture.shift("Marc", role: "picker", from: "2026-11-02 08:00Z", to: "2026-11-02 10:00Z")
        try await fixture.shift("Léa", role: "picker", from: "2026-11-03 07:30Z", to: "2026-11-03 09:30Z")
        try await fixture.shift("Nina", role: "handover", from: "2026-11-02 08:30Z", to: "2026-11-02 12:00Z")
        try await fixture.shift("Léa", role: "picker", from: "2026-11-16 08:00Z", to: "2026-11-16 12:00Z")
        try await fixture.shift("Nina", role: "handover", from: "2026-11-16 09:00Z", to: "2026-11-16 10:00Z")

        try await fixture.hour("2026-11-02 09:00Z", forecast: (100, 80, 120), observed: [("door", 110), ("pickups", 4)])
        try await fixture.hour("2026-11-02 10:00Z", forecast: (50, 40, 60), observed: [("door", 70)])
        try await fixture.hour("2026-11-02 11:00Z", forecast: nil, observed: [("door", 30)])
        try await fixture.hour("2026-11-02 12:00Z", forecast: (20, 10, 30), observed: [])
        try await fixture.hour("2026-11-04 09:00Z", forecast: (90, 70, 110), observed: [("door", 95)])
        return fixture
    }
}
