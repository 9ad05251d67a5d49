import Forecast
import Foundation
import Postgres

enum BusynessScaleQuery {
    /// The store's yardstick from its stored forecasts, restricted to opening hours (closed
    /// night hours would make every open hour look busy). The stored forecast is level ×
    /// weekly profile, so its open hours are the store's typical open week.
    /// Nil when the store has no forecast yet.
    static func load(storeID: Int64, in session: PostgresSession) async throws -> BusynessScale? {
        let rows = try await session.query("""
            SELECT f.mean
              FROM busyness_forecasts f JOIN stores st ON st.store_id = f.store_id
             WHERE f.store_id = \(storeID)
               AND EXISTS (
                   SELECT 1 FROM store_hours h
                    WHERE h.store_id = f.store_id
                      AND h.weekday = extract(isodow FROM f.hour AT TIME ZONE st.time_zone)
                      AND (f.hour AT TIME ZONE st.time_zone)::time >= h.opens
                      AND (f.hour AT TIME ZONE st.time_zone)::time < h.closes)
            """)
        return BusynessScale(typicalValues: try rows.map { try $0.decode(Double.self, "mean") })
    }
}
