import Domain
import Foundation
import Postgres
import Synchronization

/// A store as the other modules need it.
public struct Store: Sendable, Codable, Equatable {
    public var id: Int64
    public var slug: String
    public var name: String
    public var address: String
    public var timeZone: String
    public var slotFeeCents: Int
    public var freshnessDays: Int
    public var changeCutoffMinutes: Int
    public var active: Bool

    static let columns: SQL = "store_id, slug, name, address, time_zone, slot_fee_cents, freshness_days, change_cutoff_minutes, active"

    /// `prefix` reads columns aliased in a join, e.g. `store_name` beside a product's `name`.
    init(row: PostgresRow, prefix: String = "") throws {
        id = try row.decode(Int64.self, prefix + "store_id")
        slug = try row.decode(String.self, prefix + "slug")
        name = try row.decode(String.self, prefix + "name")
        address = try row.decode(String.self, prefix + "address")
        timeZone = try row.decode(String.self, prefix + "time_zone")
        slotFeeCents = try row.decode(Int.self, prefix + "slot_fee_cents")
        freshnessDays = try row.decode(Int.self, prefix + "freshness_days")
        changeCutoffMinutes = try row.decode(Int.self, prefix + "change_cutoff_minutes")
        active = try row.decode(Bool.self, prefix + "active")
    }
}

public enum ShelfError: DomainError, Equatable {
    case unknownStore(String)

    public var kind: DomainErrorKind { .notFound }
    public var code: String { "unknown-store" }
    public var detail: String {
        switch self {
        case .unknownStore(let slug): "There is no store \"\(slug)\"."
        }
    }
}

/// Stores by slug for a few seconds: every customer request names its store in
/// the URL, and a store's row changes a few times a year. A change (fee, name,
/// closing) is seen within `lifetime`; an unknown slug is never remembered, so
/// made-up URLs cannot fill it.
final class StoreDirectory: Sendable {
    static let lifetime: TimeInterval = 5
    static let capacity = 10_000
    private let entries = Mutex<[String: (store: Store, until: Date)]>([:])

    func store(slug: String, now: Date = Date()) -> Store? {
        entries.withLock { entries in
            guard let entry = entries[slug], entry.until > now else { return nil }
            return entry.store
        }
    }

    func remember(_ store: Store, now: Date = Date()) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[store.slug] = (store, now.addingTimeInterval(Self.lifetime))
        }
    }
}

/// Stores, catalog and virtual shelves.
public struct ShelfService: Sendable {
    let pool: PostgresPool
    public let publicBaseURL: String
    let directory = StoreDirectory()

    public init(pool: PostgresPool, publicBaseURL: String) {
        self.pool = pool
        // Without a trailing slash, so every link is `publicBaseURL + "/path"`.
        self.publicBaseURL = publicBaseURL.hasSuffix("/") ? String(publicBaseURL.dropLast()) : publicBaseURL
    }

    /// The store a URL names (as it was at most `StoreDirectory.lifetime` ago); unknown slugs are a 404.
    public func store(slug: String, now: Date = Date()) async throws -> Store {
        if let known = directory.store(slug: slug, now: now) { return known }
        let rows = try await pool.query("SELECT \(Store.columns) FROM stores WHERE slug = \(slug)")
        guard let row = rows.first else { throw ShelfError.unknownStore(slug) }
        let store = try Store(row: row)
        directory.remember(store, now: now)
        return store
    }

    public func stores() async throws -> [Store] {
        try await pool.query("SELECT \(Store.columns) FROM stores WHERE active ORDER BY name").map { try Store(row: $0) }
    }

    public func store(id: Int64) async throws -> Store? {
        try await pool.query("SELECT \(Store.columns) FROM stores WHERE store_id = \(id)").first.map { try Store(row: $0) }
    }
}
