import Domain
import Foundation
import Postgres

/// The event a notice comes from, with what only the event knows.
public enum NoticeEvent: Sendable, Equatable {
    /// The order became ready; `total` is the amount to pay, already written for people.
    case ready(total: String)
    /// A re-plan can no longer keep the order's slot; `alternatives` are slots it may move to.
    case atRisk(alternatives: [DateInterval])
    /// The order is ready and its slot starts soon (or started), and the customer is not here yet.
    case comeNow

    public var kind: NoticeKind {
        switch self {
        case .ready: .ready
        case .atRisk: .atRisk
        case .comeNow: .comeNow
        }
    }
}

/// Writes notices into the outbox (order_notices), always inside the transaction of the
/// event that causes them, so a notice exists exactly when its event committed.
public enum NoticeOutbox {
    /// At most this many other slots are offered in an at-risk notice.
    public static let maxAlternatives = 3

    /// Writes the notice of `event` for the order; false when the order does not exist at
    /// this store, cannot receive it (an at-risk notice for an order the customer can no
    /// longer change),
    /// or already has this notice for its current slot (one event never makes two notices).
    ///
    /// The address is not copied: the worker reads it when it delivers, so an erased
    /// contact is never written to. An order without an e-mail keeps its notice for the
    /// order page, with the status `no_address`.
    @discardableResult
    public static func enqueue(_ event: NoticeEvent, storeID: Int64, orderID: UUID, at now: Date, in tx: PostgresSession) async throws -> Bool {
        guard let row = try await tx.query("""
            SELECT o.order_number, o.status, o.slot_id, o.slot_starts_at, o.slot_ends_at, s.name, s.address, s.time_zone,
                   (o.customer_email IS NOT NULL AND o.contact_erased_at IS NULL) AS has_email,
                   o.status = 'placed' AND \(now) < o.slot_starts_at - make_interval(mins => s.change_cutoff_minutes) AS changeable
              FROM orders o JOIN stores s ON s.store_id = o.store_id
             WHERE o.store_id = \(storeID) AND o.order_id = \(orderID)
            """).first else { return false }
        // "Choose another slot" is only worth saying while the customer still can (the order
        // page's own rule); past that, the store deals with the slot it could not keep.
        if case .atRisk = event, try !row.decode(Bool.self, "changeable") { return false }
        let order = NoticeText.Order(
            number: try row.decode(String.self, "order_number"),
            slotStart: try row.decode(Date.self, "slot_starts_at"), slotEnd: try row.decode(Date.self, "slot_ends_at"),
            storeName: try row.decode(String.self, "name"), storeAddress: try row.decode(String.self, "address"),
            timeZone: try row.decode(String.self, "time_zone")
        )
        let text = NoticeText.compose(event, for: order)
        let delivery: DeliveryStatus = try row.decode(Bool.self, "has_email") ? .pending : .noAddress
        let nextAttempt: Date? = delivery == .pending ? now : nil
        let inserted = try await tx.query("""
            INSERT INTO order_notices (store_id, order_id, kind, slot_id, subject, body, created_at, status, next_attempt_at)
            VALUES (\(storeID), \(orderID), \(event.kind.rawValue), \(try row.decode(Int64.self, "slot_id")),
                    \(text.subject), \(text.body), \(now), \(delivery.rawValue), \(nextAttempt))
            ON CONFLICT (store_id, order_id, kind, slot_id) DO NOTHING
            """)
        return inserted.affectedRows == 1
    }
}

/// The words of each notice, in French like the pages. No personal data goes into them
/// (no name, no contact): erasing a customer's contact leaves nothing of it in notices.
enum NoticeText {
    struct Order {
        var number: String
        var slotStart: Date
        var slotEnd: Date
        var storeName: String
        var storeAddress: String
        var timeZone: String
    }

    static func compose(_ event: NoticeEvent, for order: Order) -> (subject: String, body: String) {
        let slot = DateText.slot(order.slotStart, order.slotEnd, timeZone: order.timeZone)
        let store = "\(order.storeName), \(order.storeAddress)"
        let signature = "\n\nÀ bientôt,\n\(order.storeName)\n\n(Message automatique, merci de ne pas y répondre. Le suivi de votre commande est sur la page reçue à la commande.)"
        switch event {
        case .ready(let total):
            return (
                "Votre commande \(order.number) est prête",
                "Bonjour,\n\nVotre commande \(order.number) est prête. Total : \(total).\n\nRetrait : \(slot)\n\(store)\n\nMontrez le QR code de votre page de commande ou donnez votre code de retrait au comptoir." + signature
            )
        case .atRisk(let alternatives):
            let offered = alternatives.prefix(NoticeOutbox.maxAlternatives)
                .map { "- " + DateText.slot($0.start, $0.end, timeZone: order.timeZone) }
            let choice = offered.isEmpty
                ? "Choisissez un autre créneau sur votre page de commande, sans frais."
                : "Ces créneaux sont encore libres, sans frais :\n" + offered.joined(separator: "\n") + "\n\nChoisissez-en un sur votre page de commande."
            return (
                "Votre créneau du \(DateText.day(order.slotStart, timeZone: order.timeZone)) est à risque",
                "Bonjour,\n\nLe magasin ne peut plus garantir votre créneau pour la commande \(order.number) : \(slot).\n\n\(choice)\nSans changement de votre part, nous ferons au mieux pour tenir ce créneau." + signature
            )
        case .comeNow:
            return (
                "Votre commande \(order.number) vous attend",
                "Bonjour,\n\nVotre commande \(order.number) est prête et votre créneau approche : \(slot).\n\nVous pouvez venir dès maintenant. En arrivant, signalez-vous sur votre page de commande ou donnez votre code de retrait au comptoir.\n\(store)" + signature
            )
        }
    }
}
