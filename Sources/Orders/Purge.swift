import Domain
import Foundation
import Postgres

public struct PurgeReport: Sendable, Codable, Equatable {
    public var contactsErased: Int
    public var eventsDeleted: Int
    public var noticesDeleted: Int
    public var scansDeleted: Int
    public var idempotencyKeysDeleted: Int
    public var basketsDeleted: Int
}

extension OrderService {
    /// The nightly clean-up: contact details go `contactRetentionDays` after
    /// the pickup slot, timeline events, customer notices and scans after 12 months,
    /// replay records after a day, and abandoned baskets when they expire.
    public func purge(now: Date = WallClock.now(), contactRetentionDays: Int = 90) async throws -> PurgeReport {
        try await pool.withTransaction { tx in
            let erased = try await tx.query("""
                UPDATE orders SET customer_name = NULL, customer_phone = NULL, customer_email = NULL, contact_erased_at = \(now)
                WHERE contact_erased_at IS NULL AND slot_ends_at < \(now) - make_interval(days => \(Int32(contactRetentionDays)))
                  AND status IN ('handed_over', 'cancelled')
                """).affectedRows
            let events = try await tx.query("DELETE FROM order_events WHERE at < \(now) - interval '12 months'").affectedRows
            // Notices are part of the order's written trace, kept as long as its timeline.
            let notices = try await tx.query("DELETE FROM order_notices WHERE created_at < \(now) - interval '12 months'").affectedRows
            let scans = try await tx.query("DELETE FROM scans WHERE scanned_at < \(now) - interval '12 months'").affectedRows
            let keys = try await tx.query("DELETE FROM idempotency_keys WHERE created_at < \(now) - interval '1 day'").affectedRows
            let baskets = try await tx.query("DELETE FROM baskets WHERE order_id IS NULL AND expires_at < \(now)").affectedRows
            return PurgeReport(contactsErased: erased, eventsDeleted: events, noticesDeleted: notices, scansDeleted: scans, idempotencyKeysDeleted: keys, basketsDeleted: baskets)
        }
    }
}
