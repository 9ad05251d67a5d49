import ArgumentParser
import Foundation
import Postgres
import Staff

struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff",
        abstract: "Staff accounts and their store roles.",
        subcommands: [StaffAdd.self]
    )
}

extension StaffRole: ExpressibleByArgument {}

struct StaffAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create a staff account with a role at a store.",
        discussion: """
            The password is read from CRENEAU_STAFF_PASSWORD (at least \(StaffService.minimumPasswordLength) characters); \
            without it a strong one is generated and printed once. Only its bcrypt hash is stored.
            """
    )

    @Option(help: "Email, used to sign in.") var email: String
    @Option(help: "Name shown on the console.") var name: String
    @Option(help: "Slug of the store.") var store: String
    @Option(help: "picker, handover or manager.") var role: StaffRole
    @Flag(help: "Also an admin: may act in every store, as a manager.") var admin = false
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let given = ProcessInfo.processInfo.environment["CRENEAU_STAFF_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        let password = given ?? Secrets.password()
        try await database.withPool { pool, _, logger in
            try await Migrator(directory: Migrator.defaultDirectory(), logger: logger).migrate(pool)
            let staff = StaffService(pool: pool, logger: logger)
            let member = try await staff.addStaff(email: email, displayName: name, password: password, isAdmin: admin)
            do {
                try await staff.grant(staffID: member.id, storeSlug: store, role: role)
            } catch {
                // No half-made account: without its store role it would be an account for nothing.
                _ = try? await pool.query("DELETE FROM staff WHERE staff_id = \(member.id)")
                throw error
            }
            print("Created \(member.email) (\(role.rawValue) at \(store)\(admin ? ", admin" : "")).")
            if given == nil { print("  password (shown once): \(password)") }
        }
    }
}
