import Domain
import Foundation
import Hummingbird
import Notices
import Orders
import Shelf
import Slots

/// How intake pages show money, times and the basket cookie.
enum Present {
    static func euros(_ cents: Int) -> String { PriceText.euros(cents: cents) }

    static func format(_ date: Date, _ pattern: String, timeZone: String) -> String { DateText.format(date, pattern, timeZone: timeZone) }

    /// "10:30"
    static func time(_ date: Date, timeZone: String) -> String { DateText.time(date, timeZone: timeZone) }

    /// "mardi 24 novembre"
    static func day(_ date: Date, timeZone: String) -> String { DateText.day(date, timeZone: timeZone) }

    /// "2026-11-24", the store's local date.
    static func isoDay(_ date: Date, timeZone: String) -> String { format(date, "yyyy-MM-dd", timeZone: timeZone) }

    static func slot(_ start: Date, _ end: Date, timeZone: String) -> String { DateText.slot(start, end, timeZone: timeZone) }

    /// Every store has its own basket cookie, so scanning posters of two stores keeps two baskets.
    static func basketCookieName(_ store: Store) -> String { "basket_\(store.id)" }

    static func basketCookie(_ store: Store, token: String, secure: Bool) -> Cookie {
        // SameSite=Lax: the cookie must arrive when a phone opens a poster link from its camera app.
        Cookie(name: basketCookieName(store), value: token, maxAge: 30 * 24 * 3600, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    static let eventLabels: [String: String] = [
        "placed": "Commande passée", "slot_changed": "Créneau modifié", "picking_started": "Préparation commencée",
        "substituted": "Produit remplacé", "missing": "Produit manquant", "ready": "Prête à retirer",
        "arrived": "Vous êtes arrivé", "handed_over": "Remise effectuée", "cancelled": "Commande annulée",
        "at_risk": "Créneau à risque", "contact_erased": "Coordonnées effacées",
    ]

    static let noticeDeliveryLabels: [DeliveryStatus: String] = [
        .pending: "E-mail en attente d’envoi", .sending: "E-mail en cours d’envoi", .sent: "Envoyé par e-mail",
        .failed: "L’e-mail n’a pas pu être envoyé", .noAddress: "Pas d’adresse e-mail : message affiché ici seulement",
    ]

    static let statusLabels: [String: String] = [
        "placed": "Confirmée", "picking": "En préparation", "ready": "Prête", "handed_over": "Retirée", "cancelled": "Annulée",
    ]
}
