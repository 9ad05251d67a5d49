import Foundation
import Postgres

/// Stores, catalog and virtual shelves.
public struct ShelfService: Sendable {
    let pool: PostgresPool
    public let publicBaseURL: String

    public init(pool: PostgresPool, publicBaseURL: String) {
        self.pool = pool
        self.publicBaseURL = publicBaseURL
    }
}
