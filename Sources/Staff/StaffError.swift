import Domain
import Foundation

/// Refusals about staff accounts and sign-in. Nothing has changed when one is
/// thrown. Sign-in failures never say whether the email exists.
public enum StaffError: DomainError, Equatable {
    case invalidEmail
    case invalidName
    case passwordTooShort(minimum: Int)
    case emailTaken
    case unknownStaff
    case unknownStore
    case invalidRole(String)
    /// Wrong email or password (the same answer for both).
    case badCredentials
    /// Too many failed sign-ins from this account or address; try again after `retryAfter` seconds.
    case tooManyAttempts(retryAfter: Int)

    public var kind: DomainErrorKind {
        switch self {
        case .invalidEmail, .invalidName, .passwordTooShort, .invalidRole: .invalid
        case .emailTaken: .conflict
        case .unknownStaff, .unknownStore: .notFound
        case .badCredentials: .unauthenticated
        // DomainErrorKind has no "too many requests": the web layer answers 429 itself.
        case .tooManyAttempts: .forbidden
        }
    }

    public var code: String {
        switch self {
        case .invalidEmail: "invalid-email"
        case .invalidName: "invalid-name"
        case .passwordTooShort: "password-too-short"
        case .emailTaken: "email-taken"
        case .unknownStaff: "unknown-staff"
        case .unknownStore: "unknown-store"
        case .invalidRole: "invalid-role"
        case .badCredentials: "bad-credentials"
        case .tooManyAttempts: "too-many-attempts"
        }
    }

    public var detail: String {
        switch self {
        case .invalidEmail: "Adresse e-mail invalide."
        case .invalidName: "Le nom doit faire de 1 à 100 caractères."
        case .passwordTooShort(let minimum): "Le mot de passe doit faire au moins \(minimum) caractères."
        case .emailTaken: "Un compte existe déjà avec cette adresse e-mail."
        case .unknownStaff: "Compte inconnu."
        case .unknownStore: "Magasin inconnu."
        case .invalidRole(let role): "Rôle inconnu « \(role) » (picker, handover ou manager)."
        case .badCredentials: "E-mail ou mot de passe incorrect."
        case .tooManyAttempts(let seconds):
            "Trop de tentatives de connexion. Réessayez dans \(max(1, (seconds + 59) / 60)) minute\(seconds > 60 ? "s" : "")."
        }
    }
}
