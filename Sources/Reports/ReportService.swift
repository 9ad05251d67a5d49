import Domain
import Forecast
import Foundation
import Logging
import Postgres
import Slots
import Synchronization

/// A range of the store's local calendar days, both ends included.
public struct ReportRange: Sendable, Codable, Equatable {
    /// YYYY-MM-DD, local to the store.
    public let from: String
    public let to: String

    /// A year and a day: a leap year's whole range, and never an unbounded scan.
    public static let maxDays = 366

    public init(from: String, to: String) throws(ReportError) {
        guard let first = LocalDate(parsing: from), first.description == from else {
            throw .invalid("The start date must be a calendar date written YYYY-MM-DD, not \"\(from.prefix(40))\".")
        }
        guard let last = LocalDate(parsing: to), last.description == to else {
            throw .invalid("The end date must be a calendar date written YYYY-MM-DD, not \"\(to.prefix(40))\".")
        }
        guard first <= last else { throw .invalid("The start date (\(from)) comes after the end date (\(to)).") }
        guard last.dayIndex - first.dayIndex < Self.maxDays else {
            throw .invalid("A report covers at most \(Self.maxDays) days; \(from) to \(to) is \(last.dayIndex - first.dayIndex + 1).")
        }
        self.from = from
        self.to = to
    }

    public var days: Int { LocalDate(parsing: to)!.dayIndex - LocalDate(parsing: from)!.dayIndex + 1 }

    /// The store's calendar day at `now`.
    public static func today(timeZone: String, now: Date = WallClock.now()) -> LocalDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "Europe/Paris")!
        let day = calendar.dateComponents([.year, .month, .day], from: now)
        return LocalDate(year: day.year!, month: day.month!, day: day.day!)!
    }
}

extension ReportKind {
    /// What a report shows first: the 7 days ending `today`, or for capacity planning,
    /// Monday to Sunday of the following week.
    public func defaultRange(today: LocalDate) -> ReportRange {
        guard looksAhead else { return try! ReportRange(from: today.adding(days: -6).description, to: today.description) }
        let monday = today.adding(days: 7 - today.weekday.rawValue)
        return try! ReportRange(from: monday.description, to: monday.adding(days: 6).description)
    }
}

public enum ReportError: DomainError, Equatable {
    case unknownStore
    case invalid(String)

    public var kind: DomainErrorKind {
        switch self {
        case .unknownStore: .notFound
        case .invalid: .invalid
        }
    }

    public var code: String {
        switch self {
        case .unknownStore: "unknown-store"
        case .invalid: "invalid-report-request"
        }
    }

    public var detail: String {
        switch self {
        case .unknownStore: "This store does not exist."
        case .invalid(let why): why
        }
    }
}

/// Where the plans of a report's statements go when asked (`creneau report --explain`, the
/// benchmark): each statement is run once under EXPLAIN ANALYZE before it is run for real,
/// so the plans shown are those of the very SQL the report sends.
public final class PlanLog: Sendable {
    private let plans = Mutex<[String]>([])

    public init() {}

    public var all: [String] { plans.withLock { $0 } }

    func record(_ plan: String) { plans.withLock { $0.append(plan) } }
}

/// The capacity reports: one method per report, each for one store and a range of its local
/// days, returning plain values (tables and charts come from them, see `Report`). Every
/// statement filters by `store_id` and by the range's instants, on indexes (sql/009_reports.sql).
public struct ReportService: Sendable {
    let pool: PostgresPool
    let slots: SlotService
    let plans: PlanLog?

    public init(pool: PostgresPool, slots: SlotService, plans: PlanLog? = nil) {
        self.pool = pool
        self.slots = slots
        self.plans = plans
    }

    /// The range as instants of the store's zone: [lo, hi) from local midnight of `from`
    /// to local midnight after `to`. Read once, so every later statement compares its
    /// timestamps with bound values, which the planner matches to the indexes directly.
    struct Bounds: Sendable {
        var lo: Date
        var hi: Date
        var timeZone: String
    }

    func bounds(storeID: Int64, _ range: ReportRange) async throws -> Bounds {
        let rows = try await pool.query("""
            SELECT time_zone,
                   \(range.from)::date::timestamp AT TIME ZONE time_zone AS lo,
                   (\(range.to)::date + 1)::timestamp AT TIME ZONE time_zone AS hi
              FROM stores WHERE store_id = \(storeID)
            """)
        guard let row = rows.first else { throw ReportError.unknownStore }
        return Bounds(lo: try row.decode(Date.self, "lo"), hi: try row.decode(Date.self, "hi"), timeZone: try row.decode(String.self, "time_zone"))
    }

    /// Every report statement goes through here (see `PlanLog`).
    func rows(_ sql: SQL) async throws -> PostgresRows {
        if let plans {
            let explained = try await pool.query(SQL(unsafeText: "EXPLAIN (ANALYZE, BUFFERS) " + sql.text, bindings: sql.bindings))
            plans.record(explained.map { $0.text(0) ?? "" }.joined(separator: "\n"))
        }
        return try await pool.query(sql)
    }

    /// One report by kind, for the routes and the command line.
    public func report(_ kind: ReportKind, storeID: Int64, range: ReportRange, now: Date = WallClock.now()) async throws -> any Report {
        switch kind {
        case .utilization: try await utilization(storeID: storeID, range: range)
        case .traffic: try await traffic(storeID: storeID, range: range)
        case .promises: try await promises(storeID: storeID, range: range, now: now)
        case .waits: try await waits(storeID: storeID, range: range)
        case .picking: try await picking(storeID: storeID, range: range)
        case .posters: try await posters(storeID: storeID, range: range)
        case .capacity: try await capacityPlan(storeID: storeID, range: range, now: now)
        }
    }
}
