import Domain
import Foundation
import Notices
import Postgres
import Shelf
import Slots

public struct OrderEvent: Sendable, Codable, Equatable {
    public var kind: String
    public var at: Date
    public var detail: [String: String]
}

public struct OrderLine: Sendable, Codable, Equatable {
    public var lineNo: Int
    public var productID: Int64
    public var name: String
    public var brand: String
    public var sizeText: String
    public var temperatureZone: String
    public var quantity: Int
    public var unitPriceCents: Int
    public var lineTotalCents: Int
}

/// Everything the confirmation page shows, read through the order's secret link.
public struct OrderView: Sendable, Codable, Equatable {
    public var orderID: UUID
    public var orderNumber: String
    public var status: String
    public var pickupCode: String
    public var storeID: Int64
    public var storeSlug: String
    public var storeName: String
    public var storeAddress: String
    public var timeZone: String
    public var customerName: String?
    public var customerPhone: String?
    public var customerEmail: String?
    public var contactErased: Bool
    public var lines: [OrderLine]
    public var subtotalCents: Int
    public var feeCents: Int
    public var totalCents: Int
    public var slotID: Int64
    public var slotStart: Date
    public var slotEnd: Date
    public var placedAt: Date
    /// Changes and cancellation are possible until then.
    public var changeDeadline: Date
    public var changeable: Bool
    /// The store can no longer keep this slot; the customer is asked to choose another.
    public var atRisk: Bool
    public var events: [OrderEvent]
    /// What the customer was told ("ready", "at risk", "come now"), newest first, and whether it was e-mailed.
    public var notices: [OrderNotice]
}

extension OrderService {
    public static func isWellFormedLink(_ link: String) -> Bool { Tokens.isWellFormedSecret(link) }

    public func order(link: String, now: Date = WallClock.now()) async throws -> OrderView {
        guard Tokens.isWellFormedSecret(link) else { throw OrderError.unknownOrder }
        return try await pool.withConnection { session in
            guard let view = try await loadOrder(link: link, now: now, lock: false, in: session) else { throw OrderError.unknownOrder }
            return view
        }
    }

    /// Cancels before the cutoff: stock and slot capacity go back, and the timeline says so.
    public func cancel(link: String, now: Date = WallClock.now()) async throws -> OrderView {
        guard Tokens.isWellFormedSecret(link) else { throw OrderError.unknownOrder }
        return try await pool.withTransaction { tx in
            let order = try await changeableOrder(link: link, now: now, in: tx)
            try await tx.query(StockMoves.update(
                storeID: order.storeID,
                source: """
                    (SELECT product_id, sum(quantity)::int AS quantity FROM order_lines
                      WHERE store_id = \(order.storeID) AND order_id = \(order.orderID)
                      GROUP BY product_id) given
                    """,
                set: "reserved = sp.reserved - m.quantity"
            ))
            try await slots.cancelBooking(storeID: order.storeID, orderID: order.orderID, in: tx)
            try await tx.query("""
                UPDATE orders SET status = 'cancelled', cancelled_at = \(now) WHERE store_id = \(order.storeID) AND order_id = \(order.orderID)
                """)
            try await OrderTimeline.append(storeID: order.storeID, orderID: order.orderID, kind: "cancelled", at: now, in: tx)
            guard let view = try await loadOrder(link: link, now: now, lock: false, in: tx) else { throw OrderError.unknownOrder }
            return view
        }
    }

    /// Moves the order to another slot before the cutoff. The new slot's
    /// capacity is held first; the swap itself is one transaction.
    public func changeSlot(link: String, slotID: Int64, now: Date = WallClock.now()) async throws -> OrderView {
        let current = try await order(link: link, now: now)
        guard current.changeable else { throw current.status == "placed" ? OrderError.tooLateToChange : OrderError.notChangeable(status: current.status) }
        guard slotID != current.slotID else { return current }
        let sizing = try await pool.query("""
            SELECT basket_id, picking_minutes FROM orders WHERE store_id = \(current.storeID) AND order_id = \(current.orderID)
            """).single()
        let hold = try await slots.hold(
            storeID: current.storeID, slotID: slotID, basketID: try sizing.decode(UUID.self, "basket_id"),
            pickingMinutes: try sizing.decode(Double.self, "picking_minutes"), now: now
        )
        do {
            return try await pool.withTransaction { tx in
                let order = try await changeableOrder(link: link, now: now, in: tx)
                try await slots.cancelBooking(storeID: order.storeID, orderID: order.orderID, in: tx)
                let booking = try await slots.book(storeID: order.storeID, holdID: hold.holdID, orderID: order.orderID, in: tx, now: now)
                try await tx.query("""
                    UPDATE orders SET slot_id = \(booking.slotID), slot_starts_at = \(booking.start), slot_ends_at = \(booking.end)
                    WHERE store_id = \(order.storeID) AND order_id = \(order.orderID)
                    """)
                try await OrderTimeline.append(storeID: order.storeID, orderID: order.orderID, kind: "slot_changed", at: now, detail: [
                    "from": DateText.iso8601(order.slotStart), "to": DateText.iso8601(booking.start),
                ], in: tx)
                guard let view = try await loadOrder(link: link, now: now, lock: false, in: tx) else { throw OrderError.unknownOrder }
                return view
            }
        } catch {
            try? await slots.releaseHold(storeID: current.storeID, holdID: hold.holdID)
            throw error
        }
    }

    /// The customer's personal data for this order, as a JSON-ready value.
    public func personalData(link: String) async throws -> OrderView {
        let view = try await order(link: link)
        guard !view.contactErased else { throw OrderError.personalDataErased }
        return view
    }

    /// Erases name, phone and e-mail; the order stays, anonymised, for the store's accounts.
    public func erasePersonalData(link: String, now: Date = WallClock.now()) async throws -> OrderView {
        guard Tokens.isWellFormedSecret(link) else { throw OrderError.unknownOrder }
        return try await pool.withTransaction { tx in
            guard let order = try await loadOrder(link: link, now: now, lock: true, in: tx) else { throw OrderError.unknownOrder }
            guard !order.contactErased else { throw OrderError.personalDataErased }
            try await tx.query("""
                UPDATE orders SET customer_name = NULL, customer_phone = NULL, customer_email = NULL, contact_erased_at = \(now)
                WHERE store_id = \(order.storeID) AND order_id = \(order.orderID)
                """)
            try await OrderTimeline.append(storeID: order.storeID, orderID: order.orderID, kind: "contact_erased", at: now, in: tx)
            guard let view = try await loadOrder(link: link, now: now, lock: false, in: tx) else { throw OrderError.unknownOrder }
            return view
        }
    }

    private func changeableOrder(link: String, now: Date, in tx: PostgresSession) async throws -> OrderView {
        guard let order = try await loadOrder(link: link, now: now, lock: true, in: tx) else { throw OrderError.unknownOrder }
        guard order.status == "placed" else { throw OrderError.notChangeable(status: order.status) }
        guard order.changeable else { throw OrderError.tooLateToChange }
        return order
    }

    func loadOrder(link: String, now: Date, lock: Bool, in session: PostgresSession) async throws -> OrderView? {
        let lockClause: SQL = lock ? "FOR UPDATE OF o" : ""
        let rows = try await session.query("""
            SELECT o.store_id, o.order_id, o.order_number, o.status, o.pickup_code, o.customer_name, o.customer_phone,
                   o.customer_email, o.contact_erased_at IS NOT NULL AS erased, o.subtotal_cents, o.fee_cents, o.total_cents,
                   o.slot_id, o.slot_starts_at, o.slot_ends_at, o.placed_at, s.slug, s.name, s.address, s.time_zone,
                   o.slot_starts_at - make_interval(mins => s.change_cutoff_minutes) AS deadline
            FROM orders o JOIN stores s ON s.store_id = o.store_id
            WHERE o.link_hash = sha256(convert_to(\(link), 'UTF8'))
            \(lockClause)
            """)
        guard let row = rows.first else { return nil }
        let storeID = try row.decode(Int64.self, "store_id")
        let orderID = try row.decode(UUID.self, "order_id")
        let lines = try await session.query("""
            SELECT line_no, product_id, name, brand, size_text, temperature_zone, quantity, unit_price_cents,
                   coalesce(charged_cents, quantity * unit_price_cents) AS line_total_cents
            FROM order_lines WHERE store_id = \(storeID) AND order_id = \(orderID) ORDER BY line_no
            """).map { line in
            let quantity = try line.decode(Int.self, "quantity")
            let price = try line.decode(Int.self, "unit_price_cents")
            // Once picked, a line costs what was charged (substitutes, missing units).
            return OrderLine(
                lineNo: try line.decode(Int.self, "line_no"), productID: try line.decode(Int64.self, "product_id"),
                name: try line.decode(String.self, "name"), brand: try line.decode(String.self, "brand"),
                sizeText: try line.decode(String.self, "size_text"), temperatureZone: try line.decode(String.self, "temperature_zone"),
                quantity: quantity, unitPriceCents: price, lineTotalCents: try line.decode(Int.self, "line_total_cents")
            )
        }
        let events = try await session.query("""
            SELECT kind, at, detail FROM order_events WHERE store_id = \(storeID) AND order_id = \(orderID) ORDER BY event_id
            """).map { event in
            OrderEvent(
                kind: try event.decode(String.self, "kind"), at: try event.decode(Date.self, "at"),
                detail: try event.decode(JSONColumn<[String: String]>.self, "detail").value
            )
        }
        let status = try row.decode(String.self, "status")
        let deadline = try row.decode(Date.self, "deadline")
        // The allocator flags a booking at risk when a re-plan leaves its slot short.
        let booking = try await slots.booking(storeID: storeID, orderID: orderID, in: session)
        return OrderView(
            orderID: orderID, orderNumber: try row.decode(String.self, "order_number"), status: status,
            pickupCode: try row.decode(String.self, "pickup_code"), storeID: storeID, storeSlug: try row.decode(String.self, "slug"),
            storeName: try row.decode(String.self, "name"), storeAddress: try row.decode(String.self, "address"),
            timeZone: try row.decode(String.self, "time_zone"), customerName: try row.decode(String?.self, "customer_name"),
            customerPhone: try row.decode(String?.self, "customer_phone"), customerEmail: try row.decode(String?.self, "customer_email"),
            contactErased: try row.decode(Bool.self, "erased"), lines: lines,
            subtotalCents: try row.decode(Int.self, "subtotal_cents"), feeCents: try row.decode(Int.self, "fee_cents"),
            totalCents: try row.decode(Int.self, "total_cents"), slotID: try row.decode(Int64.self, "slot_id"),
            slotStart: try row.decode(Date.self, "slot_starts_at"), slotEnd: try row.decode(Date.self, "slot_ends_at"),
            placedAt: try row.decode(Date.self, "placed_at"), changeDeadline: deadline,
            changeable: status == "placed" && now < deadline,
            atRisk: booking?.status == "at-risk" && status == "placed",
            events: events,
            notices: try await NoticeService.notices(storeID: storeID, orderID: orderID, in: session)
        )
    }
}
