import Domain
import Foundation
import Postgres

public enum StaffRole: String, Sendable, Codable, CaseIterable {
    case picker, handover
}

public struct RosterShift: Sendable, Codable, Equatable {
    public var shiftID: Int64
    public var staffName: String
    public var role: StaffRole
    public var startsAt: Date
    public var endsAt: Date
}

extension SlotService {
    /// The longest shift accepted; anything longer is a typo (a date off by a day).
    public static let maxShiftHours = 16

    /// Adds a shift and re-plans the store's future slots in the same transaction.
    public func addShift(
        storeID: Int64, staffName: String, role: StaffRole, startsAt: Date, endsAt: Date, now: Date = WallClock.now()
    ) async throws -> RosterShift {
        let name = try Self.validStaffName(staffName)
        try Self.validateShiftLength(minutes: endsAt.timeIntervalSince(startsAt) / 60, line: nil)
        return try await pool.withTransaction { session in
            let rows = try await Self.insertingShifts(session) {
                try await session.query("""
                    INSERT INTO roster_shifts (store_id, staff_name, role, starts_at, ends_at)
                    SELECT store_id, \(name), \(role.rawValue), \(startsAt), \(endsAt) FROM stores WHERE store_id = \(storeID)
                    RETURNING shift_id
                    """)
            }
            guard let row = rows.first else { throw SlotError.unknownStore }
            try await Self.replan(storeID: storeID, now: now, in: session)
            return RosterShift(
                shiftID: try row.decode(Int64.self, "shift_id"), staffName: name, role: role, startsAt: startsAt, endsAt: endsAt
            )
        }
    }

    /// Removes a shift (someone called in sick) and re-plans: the slots it served lose
    /// capacity and bookings that no longer fit are flagged at risk.
    @discardableResult
    public func removeShift(storeID: Int64, shiftID: Int64, now: Date = WallClock.now()) async throws -> ReplanSummary {
        try await pool.withTransaction { session in
            let removed = try await session.query(
                "DELETE FROM roster_shifts WHERE store_id = \(storeID) AND shift_id = \(shiftID) RETURNING shift_id"
            )
            guard !removed.isEmpty else { throw SlotError.invalid("There is no shift \(shiftID) at this store.") }
            return try await Self.replan(storeID: storeID, now: now, in: session)
        }
    }

    /// Imports `staff,role,starts_at,ends_at` CSV with local times (`YYYY-MM-DD HH:MM`) in the
    /// store's zone. All lines or none: the first bad line is reported and nothing changes.
    /// Re-plans after the import. Returns the number of shifts added.
    @discardableResult
    public func importRoster(storeID: Int64, csv: String, now: Date = WallClock.now()) async throws -> Int {
        let lines = try RosterCSV.parse(csv)
        for line in lines {
            _ = try Self.validStaffName(line.staffName, line: line.number)
            try Self.validateShiftLength(minutes: Double(line.ends.minutes - line.starts.minutes), line: line.number)
        }
        return try await pool.withTransaction { session in
            let inserted = try await Self.insertingShifts(session) {
                try await session.query("""
                    INSERT INTO roster_shifts (store_id, staff_name, role, starts_at, ends_at)
                    SELECT st.store_id, v.name, v.role,
                           v.starts::timestamp AT TIME ZONE st.time_zone, v.ends::timestamp AT TIME ZONE st.time_zone
                      FROM stores st,
                           unnest(\(lines.map(\.staffName)), \(lines.map(\.role.rawValue)),
                                  \(lines.map(\.starts.text)), \(lines.map(\.ends.text))) AS v(name, role, starts, ends)
                     WHERE st.store_id = \(storeID)
                    RETURNING shift_id
                    """)
            }.count
            if inserted == 0, !lines.isEmpty { throw SlotError.unknownStore }
            try await Self.replan(storeID: storeID, now: now, in: session)
            return inserted
        }
    }

    /// Shifts overlapping [from, to), earliest first.
    public func roster(storeID: Int64, from: Date, to: Date) async throws -> [RosterShift] {
        try await pool.query("""
            SELECT shift_id, staff_name, role, starts_at, ends_at FROM roster_shifts
             WHERE store_id = \(storeID) AND starts_at < \(to) AND ends_at > \(from)
             ORDER BY starts_at, shift_id
            """).map { row in
            RosterShift(
                shiftID: try row.decode(Int64.self, "shift_id"),
                staffName: try row.decode(String.self, "staff_name"),
                role: StaffRole(rawValue: try row.decode(String.self, "role")) ?? .picker,
                startsAt: try row.decode(Date.self, "starts_at"),
                endsAt: try row.decode(Date.self, "ends_at")
            )
        }
    }

    /// The CHECKs in 003_slots.sql back the checks made here; if one still fires (a shift
    /// that a time-zone change stretched past 16 hours) it becomes the same clear error.
    private static func insertingShifts(_ session: PostgresSession, _ insert: () async throws -> PostgresRows) async throws -> PostgresRows {
        do {
            return try await insert()
        } catch let error as PostgresError where error.code == .checkViolation {
            throw SlotError.invalid("A shift must end after it starts and last at most \(maxShiftHours) hours.")
        }
    }

    static func validStaffName(_ name: String, line: Int? = nil) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard (1...100).contains(trimmed.count) else {
            throw SlotError.invalid(RosterCSV.prefix(line) + "The staff name must have 1 to 100 characters.")
        }
        return trimmed
    }

    static func validateShiftLength(minutes: Double, line: Int?) throws {
        guard minutes.isFinite, minutes > 0, minutes <= Double(maxShiftHours * 60) else {
            throw SlotError.invalid(RosterCSV.prefix(line) + "A shift must end after it starts and last at most \(maxShiftHours) hours.")
        }
    }
}
