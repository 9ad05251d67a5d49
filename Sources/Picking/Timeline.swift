import Foundation
import Postgres

/// The customer's timeline (order_events), written in the transaction of the
/// change it records. `detail` is a string map with a human `note`, which the
/// order page shows under the event's label.
enum Timeline {
    static func append(storeID: Int64, orderID: UUID, kind: String, at: Date, detail: [String: String], in tx: PostgresSession) async throws {
        try await tx.query("""
            INSERT INTO order_events (store_id, order_id, kind, at, detail)
            VALUES (\(storeID), \(orderID), \(kind), \(at), \(JSONColumn(detail)))
            """)
    }

    /// "2,49 €" (decimal comma, no-break space before the sign), as the order page writes prices.
    static func euros(_ cents: Int) -> String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return sign + String(magnitude / 100) + "," + (fraction < 10 ? "0" : "") + String(fraction) + "\u{A0}€"
    }

    static func iso(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
