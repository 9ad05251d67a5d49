import Domain
import Foundation
import Postgres
import Shelf
import Slots

/// Only what pickup needs: a name, and a phone or an e-mail for the ready notice;
/// plus the one choice the store must respect while picking.
public struct Contact: Sendable, Codable, Equatable {
    public var name: String
    public var phone: String?
    public var email: String?
    /// A substitute may cost more than the item ordered (otherwise it is charged at most the ordered price).
    public var allowsDearerSubstitutes: Bool

    public init(name: String, phone: String?, email: String?, allowsDearerSubstitutes: Bool = false) {
        self.allowsDearerSubstitutes = allowsDearerSubstitutes
        self.name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        self.phone = phone.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        self.email = email.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    static let phonePattern = TextPattern(#"^\+?[0-9 ]{6,20}$"#)
    static let emailPattern = TextPattern(#"^[^@\s]+@[^@\s]+\.[^@\s]+$"#)

    func validate() throws {
        guard (1...100).contains(name.count) else { throw OrderError.invalidContact("Please give a name (up to 100 characters) for the pickup.") }
        guard phone != nil || email != nil else { throw OrderError.invalidContact("Please give a phone number or an e-mail address for the ready notice.") }
        if let phone, !Self.phonePattern.matches(phone) {
            throw OrderError.invalidContact("The phone number should hold 6 to 20 digits, optionally starting with +.")
        }
        if let email, email.count > 254 || !Self.emailPattern.matches(email) {
            throw OrderError.invalidContact("The e-mail address does not look valid.")
        }
    }
}

/// What a successful submission answers, and what a replay answers again.
/// Written by JSONWriting (below), read back by JSONDecoder.
public struct PlacedOrder: Sendable, Codable, Equatable, JSONWriting {
    public var orderID: UUID
    public var orderNumber: String
    /// The secret of the confirmation link (/o/<link>); shown to the customer only.
    public var link: String
    public var pickupCode: String
    public var status: String
    public var subtotalCents: Int
    public var feeCents: Int
    public var totalCents: Int
    public var slotStart: Date
    public var slotEnd: Date
}

extension PlacedOrder {
    public func writeJSON(to output: inout JSONOutput) {
        output.beginObject()
        output.field("feeCents", feeCents)
        output.field("link", link)
        output.field("orderID", orderID)
        output.field("orderNumber", orderNumber)
        output.field("pickupCode", pickupCode)
        output.field("slotEnd", slotEnd)
        output.field("slotStart", slotStart)
        output.field("status", status)
        output.field("subtotalCents", subtotalCents)
        output.field("totalCents", totalCents)
        output.endObject()
    }
}

public struct Submission: Sendable, Equatable {
    public var status: Int
    /// The exact JSON body sent the first time; a replay sends it byte for byte.
    public var body: String
    public var order: PlacedOrder
    public var replayed: Bool
}

extension OrderService {
    /// Takes a hold on `slotID` sized to the basket and remembers it on the basket,
    /// in one transaction: the basket is read (and locked, so two taps for one
    /// basket cannot leave two holds) in the same statement that sizes it.
    public func chooseSlot(storeID: Int64, token: String, slotID: Int64, now: Date = WallClock.now()) async throws -> SlotHold {
        try await pool.withTransaction { tx in
            guard let basket = try await tx.query("""
                SELECT b.basket_id, b.order_id, l.lines, l.picking_seconds
                  FROM baskets b
                 CROSS JOIN LATERAL (
                       SELECT count(*)::int AS lines, coalesce(sum(bl.quantity * p.picking_seconds), 0)::int AS picking_seconds
                         FROM basket_lines bl JOIN products p ON p.product_id = bl.product_id
                        WHERE bl.store_id = b.store_id AND bl.basket_id = b.basket_id) l
                 WHERE b.store_id = \(storeID) AND b.token_hash = sha256(convert_to(\(token), 'UTF8')) AND b.expires_at > \(now)
                   FOR UPDATE OF b
                """).first else { throw OrderError.unknownBasket }
            guard try basket.decode(UUID?.self, "order_id") == nil else { throw OrderError.basketAlreadyOrdered }
            guard try basket.decode(Int.self, "lines") > 0 else { throw OrderError.emptyBasket }
            let basketID = try basket.decode(UUID.self, "basket_id")
            let hold = try await slots.hold(
                storeID: storeID, slotID: slotID, basketID: basketID,
                pickingMinutes: Basket.pickingMinutes(seconds: try basket.decode(Int.self, "picking_seconds")), now: now, in: tx
            )
            try await tx.commit(after: """
                UPDATE baskets SET hold_id = \(hold.holdID), updated_at = \(now)
                WHERE store_id = \(storeID) AND basket_id = \(basketID)
                """)
            return hold
        }
    }

    public static func isValidIdempotencyKey(_ key: String) -> Bool {
        (8...200).contains(key.count) && key.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 32 && $0.value < 127 }
    }

    /// Places the basket's order exactly once per idempotency key: the key is
    /// claimed in the same transaction as the order, stock is reserved and
    /// the slot hold becomes a booking, or nothing happens at all.
    public func placeOrder(storeID: Int64, token: String, contact: Contact, idempotencyKey: String, now: Date = WallClock.now()) async throws -> Submission {
        guard Self.isValidIdempotencyKey(idempotencyKey) else { throw OrderError.invalidIdempotencyKey }
        guard Tokens.isWellFormedSecret(token) else { throw OrderError.unknownBasket }
        try contact.validate()
        var attempt = 1
        while true {
            do {
                return try await placeOrderOnce(storeID: storeID, token: token, contact: contact, key: idempotencyKey, now: now)
            } catch let error as PostgresError where error.code == .uniqueViolation && attempt < 20
                && (error.constraint == "orders_store_id_order_number_key" || error.constraint == "orders_open_pickup_code") {
                // A random order number or pickup code collided: draw again. Twenty draws, not five:
                // with 115,000 orders open among a million codes (the bench's soak), five collisions
                // in a row (p = 2e-5) failed one order of 78,913.
                attempt += 1
            }
        }
    }

    private func placeOrderOnce(storeID: Int64, token: String, contact: Contact, key idempotencyKey: String, now: Date) async throws -> Submission {
        let requestFingerprint = [token, contact.name, contact.phone ?? "", contact.email ?? "", contact.allowsDearerSubstitutes ? "dearer" : ""]
            .joined(separator: "\u{1F}")
        return try await pool.withTransaction { tx in
            // A second request with this key while the first is still running gets 409, not a wait.
            // The key is claimed only under its lock, in the same statement (one round trip).
            let claim = try await tx.query("""
                WITH attempt AS (SELECT pg_try_advisory_xact_lock(hashtextextended(\(idempotencyKey), \(storeID))) AS locked),
                claimed AS (
                    INSERT INTO idempotency_keys (store_id, key, request_hash)
                    SELECT \(storeID), \(idempotencyKey), sha256(convert_to(\(requestFingerprint), 'UTF8')) FROM attempt WHERE locked
                    ON CONFLICT (store_id, key) DO NOTHING
                    RETURNING key
                )
                SELECT locked, EXISTS (SELECT FROM claimed) AS claimed FROM attempt
                """).single()
            guard try claim.decode(Bool.self, "locked") else { throw OrderError.requestInFlight }
            guard try claim.decode(Bool.self, "claimed") else {
                return try await replay(storeID: storeID, key: idempotencyKey, fingerprint: requestFingerprint, in: tx)
            }

            guard let basket = try await loadBasket(storeID: storeID, token: token, lock: true, now: now, in: tx) else { throw OrderError.unknownBasket }
            guard basket.orderID == nil else { throw OrderError.basketAlreadyOrdered }
            let basketID = basket.basketID
            guard !basket.lines.isEmpty else { throw OrderError.emptyBasket }
            guard let holdID = basket.holdID else { throw OrderError.noSlotChosen }
            if let inactive = basket.lines.first(where: { !$0.active }) { throw OrderError.productUnavailable(name: inactive.name) }

            // The stock's locks are taken in the round trip that books the hold: held one round trip less.
            let orderID = RandomText.uuid()
            let (booking, reserved) = try await slots.book(
                storeID: storeID, holdID: holdID, orderID: orderID, in: tx, now: now,
                after: [Self.reserveStock(storeID: storeID, lines: basket.lines)]
            )
            try Self.requireReserved(basket.lines, reserved: reserved[0])
            let placed = PlacedOrder(
                orderID: orderID, orderNumber: Tokens.orderNumber(), link: Tokens.secret(), pickupCode: Tokens.pickupCode(),
                status: "placed", subtotalCents: basket.subtotalCents, feeCents: basket.feeCents, totalCents: basket.totalCents,
                slotStart: booking.start, slotEnd: booking.end
            )
            let body = Self.encode(placed)
            // The order, its lines, its first event, the basket marked ordered and the answer kept
            // on the key: five writes that read nothing of each other, in one statement. The lines'
            // and the event's foreign keys are checked at its end, when the order row is there.
            // It goes out with the COMMIT.
            try await tx.commit(after: """
                WITH placed AS (
                    INSERT INTO orders (store_id, order_id, order_number, link_hash, pickup_code, basket_id, customer_name,
                                        customer_phone, customer_email, allow_dearer_substitutes, slot_id, slot_starts_at, slot_ends_at,
                                        subtotal_cents, fee_cents, total_cents, picking_minutes, placed_at)
                    VALUES (\(storeID), \(orderID), \(placed.orderNumber), sha256(convert_to(\(placed.link), 'UTF8')), \(placed.pickupCode),
                            \(basketID), \(contact.name), \(contact.phone), \(contact.email), \(contact.allowsDearerSubstitutes), \(booking.slotID), \(booking.start), \(booking.end),
                            \(placed.subtotalCents), \(placed.feeCents), \(placed.totalCents), \(basket.pickingMinutes), \(now))
                ), lines AS (
                    INSERT INTO order_lines (store_id, order_id, line_no, product_id, name, brand, size_text, temperature_zone, quantity, unit_price_cents)
                    SELECT \(storeID), \(orderID), line.ordinality, line.product_id, line.name, line.brand, line.size_text, line.zone, line.quantity, line.price
                    FROM unnest(\(basket.lines.map { Int($0.productID) }), \(basket.lines.map(\.name)), \(basket.lines.map(\.brand)),
                                \(basket.lines.map(\.sizeText)), \(basket.lines.map(\.temperatureZone)), \(basket.lines.map(\.quantity)),
                                \(basket.lines.map(\.unitPriceCents)))
                         WITH ORDINALITY AS line(product_id, name, brand, size_text, zone, quantity, price, ordinality)
                ), event AS (
                    \(OrderTimeline.insert(storeID: storeID, orderID: orderID, kind: "placed", at: now, detail: [
                        "total": String(placed.totalCents), "slot_start": DateText.iso8601(booking.start),
                    ]))
                ), ordered AS (
                    UPDATE baskets SET order_id = \(orderID), hold_id = NULL, updated_at = \(now) WHERE store_id = \(storeID) AND basket_id = \(basketID)
                )
                UPDATE idempotency_keys SET response_status = 201, response_body = \(body) WHERE store_id = \(storeID) AND key = \(idempotencyKey)
                """)
            return Submission(status: 201, body: body, order: placed, replayed: false)
        }
    }

    private func replay(storeID: Int64, key: String, fingerprint: String, in tx: PostgresSession) async throws -> Submission {
        let stored = try await tx.query("""
            SELECT request_hash = sha256(convert_to(\(fingerprint), 'UTF8')) AS same, response_status, response_body
            FROM idempotency_keys WHERE store_id = \(storeID) AND key = \(key)
            """).single()
        guard try stored.decode(Bool.self, "same") else { throw OrderError.idempotencyKeyReused }
        let body = try stored.decode(String.self, "response_body")
        let order = try Self.decoder.decode(PlacedOrder.self, from: Data(body.utf8))
        return Submission(status: try stored.decode(Int.self, "response_status"), body: body, order: order, replayed: true)
    }

    /// One conditional UPDATE for every line (`StockMoves`, rows locked in product
    /// order): a line whose stock ran out is simply not updated (`requireReserved`
    /// then refuses the order), and the caller's transaction rolls back the rest.
    static func reserveStock(storeID: Int64, lines: [BasketLine]) -> SQL {
        StockMoves.update(
            storeID: storeID,
            source: "unnest(\(lines.map { Int($0.productID) }), \(lines.map(\.quantity))) AS w(product_id, quantity)",
            set: "reserved = sp.reserved + m.quantity",
            onlyIf: "AND sp.active AND sp.reserved + m.quantity <= sp.stock_on_hand",
            returning: "RETURNING sp.product_id"
        )
    }

    /// The lines `reserveStock` could not reserve, by name, refuse the order.
    static func requireReserved(_ lines: [BasketLine], reserved: PostgresRows) throws {
        let ok = Set(try reserved.map { try $0.decode(Int64.self, "product_id") })
        let missing = lines.filter { !ok.contains($0.productID) }.map(\.name)
        guard missing.isEmpty else { throw OrderError.outOfStock(products: missing) }
    }

    /// The answer kept on the key and sent, byte for byte, to every replay.
    static func encode(_ order: PlacedOrder) -> String {
        String(json: order)
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
