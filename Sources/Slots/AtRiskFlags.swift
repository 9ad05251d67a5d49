import Foundation
import Postgres

/// Which bookings of an over-committed slot cannot be kept, and by how many picking minutes.
///
/// Bookings are kept in the order they were made, so the earliest promises hold and the
/// latest are flagged: walking a slot's bookings by booked_at, a booking is at risk as soon
/// as the running total of orders or minutes exceeds the slot's planned capacity. Its
/// minutes_missing is the part of it beyond planned minutes (all of it when the order count
/// is what no longer fits). Bookings that fit again are set back to booked.
///
/// Both return the orders whose booking has just become at risk (it was not before), so
/// the caller can tell those customers once.
enum AtRiskFlags {
    static func reflag(storeID: Int64, after now: Date, in session: PostgresSession) async throws -> [UUID] {
        try await session.query(statement(storeID: storeID, slots: "s.starts_at > \(now)")).map { try $0.decode(UUID.self, "order_id") }
    }

    static func reflag(storeID: Int64, slotID: Int64, in session: PostgresSession) async throws -> [UUID] {
        try await session.query(statement(storeID: storeID, slots: "s.slot_id = \(slotID)")).map { try $0.decode(UUID.self, "order_id") }
    }

    private static func statement(storeID: Int64, slots filter: SQL) -> SQL {
        """
        WITH running AS (
            SELECT b.store_id, b.order_id, b.minutes, b.status AS was, s.planned_orders, s.planned_minutes,
                   sum(b.orders) OVER w AS orders_so_far, sum(b.minutes) OVER w AS minutes_so_far
              FROM slot_bookings b JOIN slots s ON s.store_id = b.store_id AND s.slot_id = b.slot_id
             WHERE b.store_id = \(storeID) AND b.status <> 'cancelled' AND b.handed_over_at IS NULL AND \(filter)
            WINDOW w AS (PARTITION BY b.slot_id ORDER BY b.booked_at, b.order_id ROWS UNBOUNDED PRECEDING)
        ),
        verdict AS (
            SELECT store_id, order_id, was,
                   CASE WHEN orders_so_far > planned_orders THEN minutes
                        ELSE LEAST(minutes, GREATEST(0, minutes_so_far - planned_minutes)) END AS missing
              FROM running
        ),
        changed AS (
            UPDATE slot_bookings b
               SET status = CASE WHEN v.missing > 0 THEN 'at-risk' ELSE 'booked' END,
                   minutes_missing = NULLIF(v.missing, 0)
              FROM verdict v
             WHERE b.store_id = v.store_id AND b.order_id = v.order_id
               AND (b.status, b.minutes_missing) IS DISTINCT FROM
                   (CASE WHEN v.missing > 0 THEN 'at-risk' ELSE 'booked' END, NULLIF(v.missing, 0))
            RETURNING b.order_id, b.status, v.was
        )
        SELECT order_id FROM changed WHERE status = 'at-risk' AND was <> 'at-risk' ORDER BY order_id
        """
    }
}
