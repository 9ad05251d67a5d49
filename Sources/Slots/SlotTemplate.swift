import Foundation
import Postgres

/// How a store cuts its day into slots and what it promises in each.
public struct SlotTemplate: Sendable, Codable, Equatable {
    public var slotMinutes: Int
    /// Picking window before a slot: its orders are picked and staged during it.
    public var leadMinutes: Int
    /// A slot can be booked until this long before it starts.
    public var cutoffMinutes: Int
    public var feeCents: Int
    /// How many days ahead slots are offered.
    public var horizonDays: Int
    /// Size of a typical order in lines; with the catalog's picking seconds it gives the
    /// expected picking minutes of an order.
    public var linesPerOrder: Double
    /// The counter wait promised to 95% of customers.
    public var promiseMinutes: Double

    public init(
        slotMinutes: Int = 15, leadMinutes: Int = 60, cutoffMinutes: Int = 120, feeCents: Int = 0,
        horizonDays: Int = 14, linesPerOrder: Double = 12, promiseMinutes: Double = 5
    ) {
        self.slotMinutes = slotMinutes
        self.leadMinutes = leadMinutes
        self.cutoffMinutes = cutoffMinutes
        self.feeCents = feeCents
        self.horizonDays = horizonDays
        self.linesPerOrder = linesPerOrder
        self.promiseMinutes = promiseMinutes
    }

    static let columns: SQL = "slot_minutes, lead_minutes, cutoff_minutes, fee_cents, horizon_days, lines_per_order, promise_minutes"

    init(row: PostgresRow) throws {
        self.init(
            slotMinutes: try row.decode(Int.self, "slot_minutes"),
            leadMinutes: try row.decode(Int.self, "lead_minutes"),
            cutoffMinutes: try row.decode(Int.self, "cutoff_minutes"),
            feeCents: try row.decode(Int.self, "fee_cents"),
            horizonDays: try row.decode(Int.self, "horizon_days"),
            linesPerOrder: try row.decode(Double.self, "lines_per_order"),
            promiseMinutes: try row.decode(Double.self, "promise_minutes")
        )
    }

    func validate() throws {
        func check(_ ok: Bool, _ why: String) throws { if !ok { throw SlotError.invalid(why) } }
        try check((5...240).contains(slotMinutes), "Slot length must be 5 to 240 minutes.")
        try check((0...1440).contains(leadMinutes), "Lead time must be 0 to 1440 minutes.")
        try check((0...10080).contains(cutoffMinutes), "Cutoff must be 0 to 10080 minutes.")
        try check((0...10000).contains(feeCents), "The slot fee must be 0 to 100.00.")
        try check((1...60).contains(horizonDays), "The horizon must be 1 to 60 days.")
        try check(linesPerOrder.isFinite && linesPerOrder > 0 && linesPerOrder <= 500, "Lines per order must be 1 to 500.")
        try check(promiseMinutes.isFinite && promiseMinutes > 0 && promiseMinutes <= 60, "The wait promise must be 0 to 60 minutes.")
    }
}

extension SlotService {
    /// Creates or replaces the store's template. Existing slots keep their times;
    /// run `generateSlots` or `replan` to apply the new settings to capacity.
    public func setTemplate(storeID: Int64, _ template: SlotTemplate) async throws {
        try template.validate()
        let rows = try await pool.query("""
            INSERT INTO slot_templates (store_id, \(SlotTemplate.columns))
            SELECT store_id, \(Int32(template.slotMinutes)), \(Int32(template.leadMinutes)), \(Int32(template.cutoffMinutes)),
                   \(Int32(template.feeCents)), \(Int32(template.horizonDays)), \(template.linesPerOrder)::numeric,
                   \(template.promiseMinutes)::numeric
              FROM stores WHERE store_id = \(storeID)
            ON CONFLICT (store_id) DO UPDATE SET
                slot_minutes = EXCLUDED.slot_minutes, lead_minutes = EXCLUDED.lead_minutes,
                cutoff_minutes = EXCLUDED.cutoff_minutes, fee_cents = EXCLUDED.fee_cents,
                horizon_days = EXCLUDED.horizon_days, lines_per_order = EXCLUDED.lines_per_order,
                promise_minutes = EXCLUDED.promise_minutes
            RETURNING store_id
            """)
        if rows.isEmpty { throw SlotError.unknownStore }
    }

    public func template(storeID: Int64) async throws -> SlotTemplate? {
        try await pool.query("SELECT \(SlotTemplate.columns) FROM slot_templates WHERE store_id = \(storeID)")
            .first.map(SlotTemplate.init(row:))
    }
}
