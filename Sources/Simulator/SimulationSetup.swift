import Domain
import Forecast
import Foundation
import Logging
import Postgres
import Shelf
import Slots
import Staff

/// What the simulator needs that no customer or picker would do through the API: the
/// store's facts, the morning delivery, the day's slots, the staff accounts of the people on
/// the roster, and the door counter's hourly counts. Everything else goes through HTTP.
public struct SimulationSetup: Sendable {
    let pool: PostgresPool
    let shelves: ShelfService
    let slots: SlotService
    let staff: StaffService

    /// Simulated staff sign in with random passwords nobody sees; the cheapest bcrypt cost is
    /// enough for a 32-character random secret, and keeps a week's sign-ins quick.
    static let accountBcryptCost: UInt8 = 4
    /// Units of each product on the shelf after the morning delivery, beyond what orders hold.
    static let morningStock = 40

    public init(pool: PostgresPool, shelves: ShelfService, slots: SlotService, logger: Logger) {
        self.pool = pool
        self.shelves = shelves
        self.slots = slots
        self.staff = StaffService(pool: pool, logger: logger, bcryptCost: Self.accountBcryptCost)
    }

    struct StoreFacts: Sendable {
        var id: Int64
        var slug: String
        var timeZone: String
        var posterCodes: [(code: String, productID: Int64)]
        var productIDs: [Int64]
    }

    struct DayFacts: Sendable {
        var opens: Date?
        var closes: Date?
        var cutoffMinutes: Int
        var shifts: [RosterShift]
        /// The instant each local hour of the day starts, 0 to 23.
        var hourStarts: [Date]

        func hourStart(_ hour: Int) -> Date? { hourStarts.indices.contains(hour) ? hourStarts[hour] : nil }
    }

    func store(slug: String) async throws -> StoreFacts {
        let store = try await shelves.store(slug: slug)
        var codes: [(String, Int64)] = []
        for shelf in try await shelves.shelves(store: store) {
            codes += try await shelves.shelf(store: store, slug: shelf.slug).items.map { ($0.code, $0.product.productID) }
        }
        guard !codes.isEmpty else { throw SimulationError("\(slug) has no poster to scan.") }
        let products = try await pool.query("""
            SELECT product_id FROM store_products WHERE store_id = \(store.id) AND active ORDER BY product_id
            """).map { try $0.decode(Int64.self, "product_id") }
        return StoreFacts(id: store.id, slug: store.slug, timeZone: store.timeZone, posterCodes: codes, productIDs: products)
    }

    /// The morning delivery, the day's slots (generated as the allocator would have, if the
    /// day has none yet), its opening hours and roster.
    func prepareDay(store: StoreFacts, day: LocalDate) async throws -> DayFacts {
        try await pool.query("""
            UPDATE store_products SET stock_on_hand = greatest(stock_on_hand, reserved + \(Self.morningStock))
             WHERE store_id = \(store.id) AND active
            """)
        let rows = try await pool.query("""
            SELECT (min(h.opens) + \(day.description)::date) AT TIME ZONE st.time_zone AS opens,
                   (max(h.closes) + \(day.description)::date) AT TIME ZONE st.time_zone AS closes,
                   coalesce((SELECT cutoff_minutes FROM slot_templates t WHERE t.store_id = st.store_id), 120) AS cutoff,
                   (SELECT count(*) FROM slots s WHERE s.store_id = st.store_id
                       AND s.starts_at >= \(day.description)::timestamp AT TIME ZONE st.time_zone
                       AND s.starts_at < (\(day.description)::date + 1)::timestamp AT TIME ZONE st.time_zone)::int AS slots,
                   array(SELECT (\(day.description)::timestamp + make_interval(hours => g)) AT TIME ZONE st.time_zone
                           FROM generate_series(0, 23) g ORDER BY g) AS hour_starts
              FROM stores st
              LEFT JOIN store_hours h ON h.store_id = st.store_id AND h.weekday = extract(isodow FROM \(day.description)::date)
                   AND NOT EXISTS (SELECT 1 FROM store_closures c WHERE c.store_id = st.store_id AND c.day = \(day.description)::date)
             WHERE st.store_id = \(store.id)
             GROUP BY st.store_id
            """)
        let row = try rows.single()
        let opens = try row.decode(Date?.self, "opens"), closes = try row.decode(Date?.self, "closes")
        let hourStarts = try row.decode([Date].self, "hour_starts")
        var facts = DayFacts(
            opens: opens, closes: closes, cutoffMinutes: try row.decode(Int.self, "cutoff"), shifts: [],
            hourStarts: hourStarts
        )
        guard let opens, let closes else { return facts }
        facts.shifts = try await slots.roster(storeID: store.id, from: opens.addingTimeInterval(-6 * 3600), to: closes.addingTimeInterval(3600))
        guard facts.shifts.contains(where: { $0.role == .picker }), facts.shifts.contains(where: { $0.role == .handover }) else {
            throw SimulationError("No pickers or no handover staff on the roster of \(store.slug) on \(day): import one first (creneau roster import).")
        }
        if try row.decode(Int.self, "slots") == 0 {
            // The allocator sells a day from two weeks ahead; a day without slots gets them as of its eve.
            try await slots.generateSlots(storeID: store.id, days: 1, now: hourStarts[0])
        }
        return facts
    }

    /// The door counter's hours, as `creneau observations import` would load them.
    func recordDoorCounts(store: StoreFacts, _ counts: [(localHour: String, count: Int)]) async throws {
        let csv = ([FootfallCSV.header] + counts.map { "\($0.localHour),\($0.count)" }).joined(separator: "\n")
        try await slots.importObservations(storeID: store.id, csv: csv, source: .door)
    }

    /// The account a rostered person signs in with during simulations: created the first
    /// time, given a fresh random password every run.
    func simulationAccount(store: StoreFacts, name: String, role: Slots.StaffRole) async throws -> (email: String, password: String) {
        let local = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
            .lowercased().filter { $0.isLetter || $0.isNumber }
        let email = "\(local).\(role.rawValue)@\(store.slug).simulation.invalid"
        let password = RandomText.make(32, from: RandomText.urlSafe)
        if let existing = try await staff.staff(email: email) {
            try await staff.setPassword(staffID: existing.id, password: password)
        } else {
            let member = try await staff.addStaff(email: email, displayName: "\(name) (simulation)", password: password)
            try await staff.grant(staffID: member.id, storeSlug: store.slug, role: role == .picker ? .picker : .handover)
        }
        return (email, password)
    }
}
