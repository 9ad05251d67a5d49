import Foundation
import Postgres

/// The customer's timeline (order_events), written in the transaction of the
/// change it records, by intake and by picking alike. `detail` is a string map;
/// a human `note` in it is shown under the event's label on the order page.
public enum OrderTimeline {
    public static func append(
        storeID: Int64, orderID: UUID, kind: String, at: Date, detail: [String: String] = [:], in tx: PostgresSession
    ) async throws {
        try await tx.query(insert(storeID: storeID, orderID: orderID, kind: kind, at: at, detail: detail))
    }

    /// The INSERT of one event, for a statement that writes it beside other changes
    /// (as a WITH clause) instead of in a round trip of its own.
    public static func insert(storeID: Int64, orderID: UUID, kind: String, at: Date, detail: [String: String] = [:]) -> SQL {
        """
        INSERT INTO order_events (store_id, order_id, kind, at, detail) VALUES (\(storeID), \(orderID), \(kind), \(at), \(JSONColumn(detail)))
        """
    }
}
