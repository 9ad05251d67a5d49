import Foundation
import Logging
import Postgres
import Slots
import Testing
import TestSupport

/// A store with opening hours, a template and a roster, built through the public API
/// wherever one exists, so tests exercise the same paths as the product.
///
/// Slot suites are `.serialized`: every test opens its own schema and pool, and running
/// all cases of every suite at once would exceed the test cluster's 100 connections.
struct SlotFixture {
    let pool: PostgresPool
    let service: SlotService
    let storeID: Int64

    /// Sunday 2026-01-11 12:00Z: the Monday after it is fully bookable (cutoff 120 minutes).
    static let now = instant("2026-01-11T12:00:00Z")
    static let monday = "2026-01-12"

    static func instant(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text)!
    }

    static var logger: Logger {
        var logger = Logger(label: "creneau.test.slots")
        logger.logLevel = .warning
        return logger
    }

    /// A store open every day from `opens` to `closes` local time, with a template.
    static func make(
        _ pool: PostgresPool, slug: String = "test-store", timeZone: String = "Europe/Paris",
        opens: String = "08:00", closes: String = "20:00", template: SlotTemplate = SlotTemplate(feeCents: 150)
    ) async throws -> SlotFixture {
        let storeID = try await pool.query("""
            INSERT INTO stores (slug, name, time_zone, slot_fee_cents) VALUES (\(slug), \(slug), \(timeZone), 150)
            RETURNING store_id
            """).single().decode(Int64.self, "store_id")
        for weekday in Int32(1)...7 {
            try await pool.query("""
                INSERT INTO store_hours (store_id, weekday, opens, closes)
                VALUES (\(storeID), \(weekday), \(opens)::time, \(closes)::time)
                """)
        }
        let service = SlotService(pool: pool, logger: logger)
        try await service.setTemplate(storeID: storeID, template)
        return SlotFixture(pool: pool, service: service, storeID: storeID)
    }

    /// `pickers` pickers and `counters` handover staff on shift all of `day` (local 06:00–21:00).
    func staff(day: String = SlotFixture.monday, pickers: Int, counters: Int) async throws {
        var csv = "staff,role,starts_at,ends_at\n"
        for index in 0..<pickers { csv += "Picker \(index),picker,\(day) 06:00,\(day) 21:00\n" }
        for index in 0..<counters { csv += "Counter \(index),handover,\(day) 06:00,\(day) 21:00\n" }
        try await service.importRoster(storeID: storeID, csv: csv, now: Self.now)
    }

    /// The slot starting at local `time` of `day`.
    func slotID(_ time: String, day: String = SlotFixture.monday) async throws -> Int64 {
        try await pool.query("""
            SELECT s.slot_id FROM slots s JOIN stores st ON st.store_id = s.store_id
             WHERE s.store_id = \(storeID) AND s.starts_at = (\(day + " " + time)::timestamp AT TIME ZONE st.time_zone)
            """).single().decode(Int64.self, "slot_id")
    }

    struct SlotState: Equatable {
        var reservedOrders: Int
        var reservedMinutes: Double
        var capacityOrders: Int
        var capacityMinutes: Double
        var plannedOrders: Int
        var plannedMinutes: Double
    }

    func state(_ slotID: Int64) async throws -> SlotState {
        let row = try await pool.query("""
            SELECT reserved_orders, reserved_minutes, capacity_orders, capacity_minutes, planned_orders, planned_minutes
              FROM slots WHERE store_id = \(storeID) AND slot_id = \(slotID)
            """).single()
        return SlotState(
            reservedOrders: try row.decode(Int.self, "reserved_orders"),
            reservedMinutes: try row.decode(Double.self, "reserved_minutes"),
            capacityOrders: try row.decode(Int.self, "capacity_orders"),
            capacityMinutes: try row.decode(Double.self, "capacity_minutes"),
            plannedOrders: try row.decode(Int.self, "planned_orders"),
            plannedMinutes: try row.decode(Double.self, "planned_minutes")
        )
    }

    /// Holds then books in one transaction, the way checkout does.
    func holdAndBook(_ slotID: Int64, minutes: Double = 9, now: Date = SlotFixture.now) async throws -> SlotBooking {
        let hold = try await service.hold(storeID: storeID, slotID: slotID, basketID: UUID(), pickingMinutes: minutes, now: now)
        return try await pool.withTransaction { tx in
            try await service.book(storeID: storeID, holdID: hold.holdID, orderID: UUID(), in: tx, now: now)
        }
    }
}

/// Every slot's reservations recounted from the rows that hold them: holds not yet released
/// plus bookings not cancelled. Any difference is leaked or double-counted capacity.
func expectNoLeakOrOverbooking(_ pool: PostgresPool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let rows = try await pool.query("""
        SELECT s.slot_id, s.reserved_orders, s.reserved_minutes, s.capacity_orders, s.capacity_minutes,
               COALESCE(h.orders, 0) + COALESCE(b.orders, 0) AS counted_orders,
               COALESCE(h.minutes, 0) + COALESCE(b.minutes, 0) AS counted_minutes
          FROM slots s
          LEFT JOIN (SELECT store_id, slot_id, count(*) AS orders, sum(minutes) AS minutes FROM slot_holds
                      GROUP BY store_id, slot_id) h ON h.store_id = s.store_id AND h.slot_id = s.slot_id
          LEFT JOIN (SELECT store_id, slot_id, count(*) AS orders, sum(minutes) AS minutes FROM slot_bookings
                      WHERE status <> 'cancelled' GROUP BY store_id, slot_id) b ON b.store_id = s.store_id AND b.slot_id = s.slot_id
        """)
    for row in rows {
        let slot = try row.decode(Int64.self, "slot_id")
        let reserved = try row.decode(Int.self, "reserved_orders")
        #expect(reserved == (try row.decode(Int.self, "counted_orders")), "slot \(slot) orders", sourceLocation: sourceLocation)
        #expect(try row.decode(Double.self, "reserved_minutes") == (try row.decode(Double.self, "counted_minutes")),
                "slot \(slot) minutes", sourceLocation: sourceLocation)
        #expect(reserved <= (try row.decode(Int.self, "capacity_orders")), "slot \(slot) overbooked", sourceLocation: sourceLocation)
    }
}

