import Foundation

extension StaffService {
    public struct DemoAccount: Sendable {
        public var role: String
        public var email: String
        public var password: String
    }

    /// One account per role at the demo store, plus an admin, each with a
    /// freshly generated password that the caller prints once.
    public func seedDemo(storeSlug: String) async throws -> [DemoAccount] {
        var accounts: [DemoAccount] = []
        let people: [(StaffRole?, String, String)] = [
            (.picker, "picker", "Préparateur démo"),
            (.handover, "handover", "Remise démo"),
            (.manager, "manager", "Responsable démo"),
            (nil, "admin", "Administrateur démo"),
        ]
        for (role, key, name) in people {
            let email = "\(key)@\(storeSlug).creneau.example"
            let password = Secrets.password()
            let member = try await addStaff(email: email, displayName: name, password: password, isAdmin: role == nil)
            if let role { try await grant(staffID: member.id, storeSlug: storeSlug, role: role) }
            accounts.append(DemoAccount(role: key, email: email, password: password))
        }
        return accounts
    }
}
