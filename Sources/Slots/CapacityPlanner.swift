import Forecast
import Foundation
import Postgres

/// Turns what the database knows about each future slot (roster, forecast, hours) into its
/// planned capacity with `Forecast.SlotCapacityModel`. Pure apart from `load`.
struct CapacityPlanner {
    /// Expected waits above this are shown as this: beyond an hour the number only means
    /// "do not come", and the counter is overloaded by walk-ins alone (no finite wait).
    static let maxShownWaitMinutes = 60.0
    /// Used when the store's catalog is empty: the capacity model's own default.
    static let defaultSecondsPerLine = SlotCapacityModel.Parameters().secondsPerLine

    struct SlotInputs {
        var slotID: Int64
        var isOpen: Bool
        /// Picker-minutes rostered in the picking window before the slot.
        var pickerWindowMinutes: Double
        var handoverStaff: Int
        var slotFootfall: Double?
        var pickingFootfall: Double?
    }

    struct Plan: Equatable {
        var slotID: Int64
        var status: String
        var orders: Int
        var minutes: Double
        var busyness: String
        var expectedWaitMinutes: Double
        var binding: String
    }

    let template: SlotTemplate
    let model: SlotCapacityModel
    let scale: BusynessScale?

    /// - Parameter secondsPerLine: average picking seconds of the store's active catalog.
    ///   A typical order is `template.linesPerOrder` such lines plus the model's fixed
    ///   per-order overhead (3 minutes by default): 12 lines × 30 s + 3 min = 9 minutes.
    init(template: SlotTemplate, secondsPerLine: Double, scale: BusynessScale?) throws {
        var parameters = SlotCapacityModel.Parameters()
        parameters.secondsPerLine = secondsPerLine
        parameters.promiseMinutes = template.promiseMinutes
        do {
            self.model = try SlotCapacityModel(parameters: parameters)
        } catch {
            throw SlotError.invalid("The capacity settings are not valid: \(error).")
        }
        self.template = template
        self.scale = scale
    }

    /// The picking window is the lead time (at least one slot long). Each picker-minute in it
    /// is shared by every slot whose window covers it, window ÷ slot length of them, so a slot
    /// gets its share: the window's picker-minutes × slot length ÷ window. One picker on all
    /// day gives each 15-minute slot 15 picker-minutes whatever the lead time.
    var windowMinutes: Int { max(template.leadMinutes, template.slotMinutes) }

    func plan(_ slot: SlotInputs) throws -> Plan {
        let busyness = slot.slotFootfall.flatMap { scale?.level($0) } ?? .medium
        guard slot.isOpen else {
            return Plan(slotID: slot.slotID, status: "closed", orders: 0, minutes: 0, busyness: busyness.rawValue, expectedWaitMinutes: 0, binding: "picking")
        }
        let share = Double(template.slotMinutes) / Double(windowMinutes)
        let inputs = SlotCapacityModel.Slot(
            pickerMinutes: slot.pickerWindowMinutes * share,
            // No forecast: typical busyness, the model's neutral point.
            pickingBusyness: (slot.pickingFootfall ?? slot.slotFootfall).flatMap { scale?.ratio($0) } ?? 1,
            linesPerOrder: template.linesPerOrder,
            handoverStaff: slot.handoverStaff,
            slotMinutes: Double(template.slotMinutes),
            footfallPerHour: slot.slotFootfall ?? 0
        )
        let capacity: SlotCapacityModel.SlotCapacity
        do {
            capacity = try model.capacity(for: inputs)
        } catch {
            throw SlotError.invalid("Slot \(slot.slotID) has capacity inputs out of range: \(error).")
        }
        return Plan(
            slotID: slot.slotID,
            status: "open",
            orders: capacity.orders,
            // Minutes sell only alongside orders: a slot the counter cannot serve sells nothing.
            minutes: capacity.orders > 0 ? (capacity.picking.minutes * 100).rounded(.down) / 100 : 0,
            busyness: busyness.rawValue,
            expectedWaitMinutes: min(capacity.expectedHandoverWaitMinutes ?? Self.maxShownWaitMinutes, Self.maxShownWaitMinutes),
            binding: capacity.binding.rawValue
        )
    }
}

extension CapacityPlanner {
    /// Template, catalog picking speed and forecast scale of the store; nil without a template.
    static func load(storeID: Int64, in session: PostgresSession) async throws -> CapacityPlanner? {
        let rows = try await session.query("""
            SELECT \(SlotTemplate.columns),
                   (SELECT avg(p.picking_seconds)::float8 FROM store_products sp JOIN products p ON p.product_id = sp.product_id
                     WHERE sp.store_id = t.store_id AND sp.active) AS seconds_per_line
              FROM slot_templates t WHERE t.store_id = \(storeID)
            """)
        guard let row = rows.first else { return nil }
        return try CapacityPlanner(
            template: try SlotTemplate(row: row),
            secondsPerLine: try row.decode(Double?.self, "seconds_per_line") ?? defaultSecondsPerLine,
            scale: try await BusynessScaleQuery.load(storeID: storeID, in: session)
        )
    }

    /// Everything capacity depends on, for every slot of the store starting after `now`,
    /// in one statement.
    func slotInputs(storeID: Int64, after now: Date, in session: PostgresSession) async throws -> [SlotInputs] {
        let window = Int32(windowMinutes)
        // No shift is longer than this (CHECK in 003_slots.sql), which bounds the roster
        // index range each slot reads however long the roster's history grows.
        let longest = "\(SlotService.maxShiftHours) hours"
        let rows = try await session.query("""
            SELECT s.slot_id,
                   (NOT EXISTS (SELECT 1 FROM store_closures c
                                 WHERE c.store_id = s.store_id AND c.day = (s.starts_at AT TIME ZONE st.time_zone)::date)
                    AND EXISTS (SELECT 1 FROM store_hours h
                                 WHERE h.store_id = s.store_id
                                   AND h.weekday = extract(isodow FROM s.starts_at AT TIME ZONE st.time_zone)
                                   AND s.starts_at AT TIME ZONE st.time_zone >= (s.starts_at AT TIME ZONE st.time_zone)::date + h.opens
                                   AND s.ends_at AT TIME ZONE st.time_zone <= (s.starts_at AT TIME ZONE st.time_zone)::date + h.closes)
                   ) AS is_open,
                   COALESCE((SELECT sum(extract(epoch FROM LEAST(r.ends_at, s.starts_at)
                                               - GREATEST(r.starts_at, s.starts_at - make_interval(mins => \(window)))) / 60)
                               FROM roster_shifts r
                              WHERE r.store_id = s.store_id AND r.role = 'picker'
                                AND r.starts_at < s.starts_at AND r.ends_at > s.starts_at - make_interval(mins => \(window))
                                AND r.starts_at > s.starts_at - make_interval(mins => \(window)) - \(longest)::interval
                            ), 0)::float8 AS picker_window_minutes,
                   (SELECT count(*) FROM roster_shifts r
                     WHERE r.store_id = s.store_id AND r.role = 'handover'
                       AND r.starts_at <= s.starts_at AND r.ends_at >= s.ends_at
                       AND r.starts_at >= s.ends_at - \(longest)::interval) AS handover_staff,
                   (SELECT f.mean FROM busyness_forecasts f
                     WHERE f.store_id = s.store_id AND f.hour <= s.starts_at AND f.hour > s.starts_at - interval '1 hour'
                   ) AS slot_footfall,
                   (SELECT avg(f.mean) FROM busyness_forecasts f
                     WHERE f.store_id = s.store_id AND f.hour < s.starts_at
                       AND f.hour > s.starts_at - make_interval(mins => \(window)) - interval '1 hour'
                   ) AS picking_footfall
              FROM slots s JOIN stores st ON st.store_id = s.store_id
             WHERE s.store_id = \(storeID) AND s.starts_at > \(now)
             ORDER BY s.starts_at
            """)
        return try rows.map { row in
            SlotInputs(
                slotID: try row.decode(Int64.self, "slot_id"),
                isOpen: try row.decode(Bool.self, "is_open"),
                pickerWindowMinutes: try row.decode(Double.self, "picker_window_minutes"),
                handoverStaff: try row.decode(Int.self, "handover_staff"),
                slotFootfall: try row.decode(Double?.self, "slot_footfall"),
                pickingFootfall: try row.decode(Double?.self, "picking_footfall")
            )
        }
    }
}

/// The allocator's capacity model of one store, for plans made outside the allocator (the
/// capacity-planning report), so that both count with the same numbers.
public struct StoreCapacityModel: Sendable {
    public let template: SlotTemplate
    public let model: SlotCapacityModel
    /// Nil while the store has no forecast.
    public let scale: BusynessScale?
}

extension SlotService {
    /// Nil without a slot template.
    public func capacityModel(storeID: Int64) async throws -> StoreCapacityModel? {
        try await pool.withConnection { session in
            try await CapacityPlanner.load(storeID: storeID, in: session).map {
                StoreCapacityModel(template: $0.template, model: $0.model, scale: $0.scale)
            }
        }
    }
}
