import Domain
import Foundation

public enum StaffRole: String, Sendable, Codable, CaseIterable, Comparable {
    case picker, handover, manager

    public static func < (lhs: StaffRole, rhs: StaffRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// In French, for pages.
    public var label: String {
        switch self {
        case .picker: "préparateur"
        case .handover: "remise au client"
        case .manager: "responsable"
        }
    }
}

public struct StaffMember: Sendable, Equatable {
    public var id: Int64
    public var email: String
    public var displayName: String
    public var isAdmin: Bool

    /// How picking records who holds a task: readable, and unique by the id.
    public var workName: String { "\(displayName.prefix(80)) #\(id)" }

    public init(id: Int64, email: String, displayName: String, isAdmin: Bool) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.isAdmin = isAdmin
    }
}

/// A store a member of staff may act in, and as what. An admin holds every
/// role in every store.
public struct StoreAccess: Sendable, Equatable {
    public var storeID: Int64
    public var slug: String
    public var name: String
    /// Times on staff pages are the store's local times.
    public var timeZone: String
    public var roles: Set<StaffRole>
}

/// A valid session: who, and the token every state-changing form must carry.
public struct StaffSession: Sendable, Equatable {
    public var staff: StaffMember
    public var csrfToken: String
}

/// What signing in gives: the cookie's secret (shown once, stored only hashed).
public struct NewSession: Sendable {
    public var token: String
    public var session: StaffSession
}

public struct SessionPolicy: Sendable {
    public var idle: Duration
    public var absolute: Duration

    public init(idle: Duration = .seconds(8 * 3600), absolute: Duration = .seconds(7 * 24 * 3600)) {
        self.idle = idle
        self.absolute = absolute
    }
}

public struct LoginLimits: Sendable {
    public var window: Duration
    public var perAccount: Int
    public var perAddress: Int

    public init(window: Duration = .seconds(15 * 60), perAccount: Int = 5, perAddress: Int = 20) {
        self.window = window
        self.perAccount = perAccount
        self.perAddress = perAddress
    }
}

public enum Secrets {
    /// Compares without stopping at the first difference, so timing tells nothing.
    public static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8), b = Array(rhs.utf8)
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0 && a.count == b.count
    }

    /// A password for a new account: 20 characters from an alphabet without look-alikes.
    public static func password(length: Int = 20) -> String {
        RandomText.make(length, from: Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"))
    }
}
