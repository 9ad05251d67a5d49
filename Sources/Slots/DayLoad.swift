import Forecast
import Foundation
import Postgres

/// One slot of a day as the store manager sees it: what is booked against
/// what the staff on the roster can do, and what is sold.
public struct SlotLoad: Sendable, Codable, Equatable {
    public var slotID: Int64
    public var start: Date
    public var end: Date
    /// "open" or "closed".
    public var status: String
    /// Orders booked (active or at risk), not counting holds of customers still checking out.
    public var bookedOrders: Int
    public var heldOrders: Int
    /// What the roster supports (the last re-plan).
    public var plannedOrders: Int
    /// What may be sold: the planned capacity, or what is already reserved if more.
    public var capacityOrders: Int
    public var reservedMinutes: Double
    public var capacityMinutes: Double
    public var atRiskOrders: Int
    /// "picking" or "handover": which of the two limits the slot.
    public var bindingConstraint: String
}

extension SlotService {
    /// Every slot of the store's local `date` (YYYY-MM-DD) with its load, in time order.
    public func dayLoad(storeID: Int64, date: String) async throws -> [SlotLoad] {
        guard LocalDate(parsing: date) != nil else {
            throw SlotError.invalid("The date must be a calendar date written YYYY-MM-DD, not \"\(date)\".")
        }
        return try await pool.query("""
            SELECT s.slot_id, s.starts_at, s.ends_at, s.status, s.planned_orders, s.capacity_orders,
                   s.reserved_orders, s.reserved_minutes, s.capacity_minutes, s.binding_constraint,
                   coalesce(b.booked, 0) AS booked, coalesce(b.at_risk, 0) AS at_risk
              FROM stores st
              JOIN slots s
                ON s.store_id = st.store_id
               AND s.starts_at >= (\(date)::date::timestamp AT TIME ZONE st.time_zone)
               AND s.starts_at < ((\(date)::date + 1)::timestamp AT TIME ZONE st.time_zone)
              LEFT JOIN LATERAL (
                   SELECT count(*) FILTER (WHERE sb.status <> 'cancelled')::int AS booked,
                          count(*) FILTER (WHERE sb.status = 'at-risk')::int AS at_risk
                     FROM slot_bookings sb WHERE sb.store_id = s.store_id AND sb.slot_id = s.slot_id
              ) b ON true
             WHERE st.store_id = \(storeID)
             ORDER BY s.starts_at
            """).map { row in
            let booked = try row.decode(Int.self, "booked")
            return SlotLoad(
                slotID: try row.decode(Int64.self, "slot_id"), start: try row.decode(Date.self, "starts_at"),
                end: try row.decode(Date.self, "ends_at"), status: try row.decode(String.self, "status"),
                bookedOrders: booked, heldOrders: max(0, try row.decode(Int.self, "reserved_orders") - booked),
                plannedOrders: try row.decode(Int.self, "planned_orders"), capacityOrders: try row.decode(Int.self, "capacity_orders"),
                reservedMinutes: try row.decode(Double.self, "reserved_minutes"), capacityMinutes: try row.decode(Double.self, "capacity_minutes"),
                atRiskOrders: try row.decode(Int.self, "at_risk"), bindingConstraint: try row.decode(String.self, "binding_constraint")
            )
        }
    }
}
