import Domain
import Foundation
import Orders
import Postgres

extension PickingService {
    /// The customer is here: "I'm here" on the order page (`via: .customer`, the
    /// page knows the order) or the pickup QR / code at the counter (`.counter`).
    /// Records the arrival and an `arrived` event once; checking in again only
    /// updates the parking bay when one is given.
    public func checkIn(
        storeID: Int64, order reference: OrderReference, parkingBay: String? = nil, via: ArrivalChannel, now: Date = WallClock.now()
    ) async throws -> Arrival {
        let bay = try Self.validParkingBay(parkingBay)
        let lookup: SQL
        switch reference {
        case .order(let orderID):
            lookup = "o.order_id = \(orderID)"
        case .pickupCode(let code):
            let code = code.trimmingCharacters(in: .whitespaces)
            guard code.count == 6, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber) else { throw PickingError.unknownOrder }
            lookup = "o.pickup_code = \(code) AND o.status NOT IN ('handed_over', 'cancelled')"
        }
        return try await pool.withTransaction { tx in
            guard let order = try await tx.query("""
                SELECT o.order_id, o.order_number, o.status FROM orders o
                 WHERE o.store_id = \(storeID) AND \(lookup)
                   FOR UPDATE
                """).first else { throw PickingError.unknownOrder }
            let orderID = try order.decode(UUID.self, "order_id")
            let orderNumber = try order.decode(String.self, "order_number")
            let status = try order.decode(String.self, "status")
            guard status != "handed_over", status != "cancelled" else { throw PickingError.orderClosed(status: status) }
            // The order's row lock makes this read-then-write safe: one arrival per order.
            if let existing = try await tx.query("""
                UPDATE arrivals SET parking_bay = coalesce(\(bay), parking_bay)
                 WHERE store_id = \(storeID) AND order_id = \(orderID)
                RETURNING arrived_at, parking_bay, via
                """).first {
                return Arrival(
                    orderID: orderID, orderNumber: orderNumber, arrivedAt: try existing.decode(Date.self, "arrived_at"),
                    parkingBay: try existing.decode(String?.self, "parking_bay"),
                    via: ArrivalChannel(rawValue: try existing.decode(String.self, "via")) ?? via, isNew: false
                )
            }
            try await tx.query("""
                INSERT INTO arrivals (store_id, order_id, arrived_at, parking_bay, via)
                VALUES (\(storeID), \(orderID), \(now), \(bay), \(via.rawValue))
                """)
            var note = via == .customer ? "Vous avez signalé votre arrivée" : "Code de retrait présenté au comptoir"
            if let bay { note += ", place \(bay)" }
            note += status == "ready" ? ". Nous arrivons avec votre commande." : ". Votre commande est encore en préparation."
            var detail = ["note": note, "via": via.rawValue]
            if let bay { detail["parking_bay"] = bay }
            try await OrderTimeline.append(storeID: storeID, orderID: orderID, kind: "arrived", at: now, detail: detail, in: tx)
            return Arrival(orderID: orderID, orderNumber: orderNumber, arrivedAt: now, parkingBay: bay, via: via, isNew: true)
        }
    }

    /// Arrived customers not served yet, first come first: with each zone's tote and where it is staged.
    public func handoverQueue(storeID: Int64) async throws -> [HandoverEntry] {
        try await pool.query("""
            SELECT a.order_id, o.order_number, o.customer_name, o.status, a.arrived_at, a.parking_bay, a.via, o.slot_starts_at,
                   coalesce(array_agg(t.zone ORDER BY t.zone_rank) FILTER (WHERE t.task_id IS NOT NULL), '{}') AS zones,
                   coalesce(array_agg(t.tote_label ORDER BY t.zone_rank) FILTER (WHERE t.task_id IS NOT NULL), '{}') AS totes,
                   coalesce(array_agg(t.status ORDER BY t.zone_rank) FILTER (WHERE t.task_id IS NOT NULL), '{}') AS statuses,
                   coalesce(array_agg(coalesce(t.staging_location, '') ORDER BY t.zone_rank) FILTER (WHERE t.task_id IS NOT NULL), '{}') AS locations
              FROM arrivals a
              JOIN orders o ON o.store_id = a.store_id AND o.order_id = a.order_id
              LEFT JOIN picking_tasks t ON t.store_id = a.store_id AND t.order_id = a.order_id
             WHERE a.store_id = \(storeID) AND a.handed_over_at IS NULL AND o.status NOT IN ('handed_over', 'cancelled')
             GROUP BY a.store_id, a.order_id, o.order_number, o.customer_name, o.status, a.arrived_at, a.parking_bay, a.via, o.slot_starts_at
             ORDER BY a.arrived_at, a.order_id
            """).map { row in
            let zones = try row.decode([String].self, "zones")
            let totes = try row.decode([String].self, "totes")
            let statuses = try row.decode([String].self, "statuses")
            let locations = try row.decode([String].self, "locations")
            return HandoverEntry(
                orderID: try row.decode(UUID.self, "order_id"), orderNumber: try row.decode(String.self, "order_number"),
                customerName: try row.decode(String?.self, "customer_name"), status: try row.decode(String.self, "status"),
                arrivedAt: try row.decode(Date.self, "arrived_at"), parkingBay: try row.decode(String?.self, "parking_bay"),
                via: ArrivalChannel(rawValue: try row.decode(String.self, "via")) ?? .counter,
                slotStart: try row.decode(Date.self, "slot_starts_at"),
                totes: zones.indices.map { index in
                    StagedTote(
                        zone: TemperatureZone(rawValue: zones[index]) ?? .ambient, toteLabel: totes[index],
                        status: TaskStatus(rawValue: statuses[index]) ?? .queued,
                        stagingLocation: locations[index].isEmpty ? nil : locations[index]
                    )
                }
            )
        }
    }

    static let parkingBayPattern = TextPattern("^[A-Za-z0-9][A-Za-z0-9 -]{0,9}$")

    static func validParkingBay(_ bay: String?) throws -> String? {
        guard let bay = bay?.trimmingCharacters(in: .whitespaces), !bay.isEmpty else { return nil }
        guard Self.parkingBayPattern.matches(bay) else {
            throw PickingError.invalid("A parking bay is up to 10 letters or digits, e.g. 12 or B4.")
        }
        return bay
    }
}
