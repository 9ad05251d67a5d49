import Foundation
import Postgres
import Testing
import TestSupport

/// DESIGN.md, "Rules of the data": stores are the unit of scale-out, so a
/// store's rows must be placeable on one shard. Checked on the real schema
/// that sql/ produces, so a new migration cannot quietly break the rule.
@Suite("Schema rules")
struct SchemaRulesTests {
    /// Reference data shared by every store (a reference table when sharded) and bookkeeping.
    static let globalTables: Set<String> = [
        "products", "schema_migrations",
        // Staff accounts span stores (an admin, a person in two stores); their store roles are store-scoped.
        "staff", "staff_sessions", "staff_login_failures",
    ]

    /// Store-scoped tables whose primary key does not start with store_id.
    static func primaryKeyViolations(_ pool: PostgresPool) async throws -> (checked: Int, violations: [String]) {
        let rows = try await pool.query("""
            SELECT c.relname AS table_name,
                   (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = k.conkey[1]) AS first_key_column
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
            LEFT JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'p'
            WHERE c.relkind = 'r'
            """)
        var checked = 0
        var violations: [String] = []
        for row in rows {
            let table = try row.decode(String.self, "table_name")
            guard !globalTables.contains(table) else { continue }
            checked += 1
            if try row.decode(String?.self, "first_key_column") != "store_id" { violations.append(table) }
        }
        return (checked, violations.sorted())
    }

    /// Foreign keys between store-scoped tables that do not pair store_id with store_id.
    static func foreignKeyViolations(_ pool: PostgresPool) async throws -> (checked: Int, violations: [String]) {
        let rows = try await pool.query("""
            SELECT k.conname AS name, dst.relname AS target,
                   EXISTS (
                       SELECT 1 FROM unnest(k.conkey, k.confkey) AS pair(source_column, target_column)
                       JOIN pg_attribute sa ON sa.attrelid = k.conrelid AND sa.attnum = pair.source_column
                       JOIN pg_attribute ta ON ta.attrelid = k.confrelid AND ta.attnum = pair.target_column
                       WHERE sa.attname = 'store_id' AND ta.attname = 'store_id'
                   ) AS pairs_store_id
            FROM pg_constraint k
            JOIN pg_class src ON src.oid = k.conrelid
            JOIN pg_class dst ON dst.oid = k.confrelid
            JOIN pg_namespace n ON n.oid = src.relnamespace AND n.nspname = current_schema()
            WHERE k.contype = 'f'
            """)
        var checked = 0
        var violations: [String] = []
        for row in rows where !globalTables.contains(try row.decode(String.self, "target")) {
            checked += 1
            if !(try row.decode(Bool.self, "pairs_store_id")) { violations.append(try row.decode(String.self, "name")) }
        }
        return (checked, violations.sorted())
    }

    /// Unique keys of store-scoped tables without store_id: lookups that start from a link
    /// leaving the system (a poster's scan code, an order's confirmation link, a basket
    /// token). deploy/SCALING.md says how each is routed on a sharded deployment (Citus
    /// requires store_id in every unique key of a distributed table); a new one must be
    /// added there and here, deliberately. `stores(slug)` is the store directory itself
    /// (slug to store_id, a reference table when sharded).
    static let storeFreeLookupKeys: Set<String> = ["baskets(token_hash)", "orders(link_hash)", "shelf_items(code)", "stores(slug)"]

    static func uniqueKeysWithoutStore(_ pool: PostgresPool) async throws -> (checked: Int, keys: [String]) {
        let rows = try await pool.query("""
            SELECT c.relname AS table_name, string_agg(coalesce(a.attname, 'expression'), ',' ORDER BY k.ord) AS columns,
                   bool_or(a.attname = 'store_id') AS has_store
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indrelid AND c.relkind = 'r'
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
            CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
            WHERE i.indisunique AND NOT i.indisprimary
            GROUP BY i.indexrelid, c.relname
            """)
        var checked = 0
        var keys: [String] = []
        for row in rows {
            let table = try row.decode(String.self, "table_name")
            guard !globalTables.contains(table) else { continue }
            checked += 1
            if !(try row.decode(Bool?.self, "has_store") ?? false) {
                keys.append("\(table)(\(try row.decode(String.self, "columns")))")
            }
        }
        return (checked, keys.sorted())
    }

    @Test("unique keys of store-scoped tables carry store_id, except the store-free lookups of deploy/SCALING.md")
    func uniqueKeysCarryStore() async throws {
        try await TestDatabase.withSchema { db in
            let unique = try await Self.uniqueKeysWithoutStore(db.pool)
            #expect(Set(unique.keys) == Self.storeFreeLookupKeys)
            #expect(unique.checked >= 8)
            try await db.pool.query("CREATE UNIQUE INDEX slots_by_start ON slots (starts_at)")
            #expect(try await Self.uniqueKeysWithoutStore(db.pool).keys.contains("slots(starts_at)"))
        }
    }

    @Test("every store-scoped table leads its primary key with store_id, and every foreign key between them carries it")
    func repositorySchemaFollowsTheRule() async throws {
        try await TestDatabase.withSchema { db in
            let keys = try await Self.primaryKeyViolations(db.pool)
            #expect(keys.violations == [])
            #expect(keys.checked >= 15)
            let references = try await Self.foreignKeyViolations(db.pool)
            #expect(references.violations == [])
            #expect(references.checked >= 15)
        }
    }

    @Test("the check catches a table that breaks the rule")
    func checkCatchesViolations() async throws {
        try await TestDatabase.withSchema { db in
            try await db.pool.query("CREATE TABLE lonely (id bigint PRIMARY KEY, store_id bigint NOT NULL REFERENCES stores)")
            try await db.pool.query("CREATE TABLE stray (store_id bigint, line bigint, shelf_id bigint, PRIMARY KEY (store_id, line))")
            try await db.pool.query("CREATE UNIQUE INDEX stray_shelf ON shelves (shelf_id)")
            try await db.pool.query("ALTER TABLE stray ADD CONSTRAINT stray_shelf_fk FOREIGN KEY (shelf_id) REFERENCES shelves (shelf_id)")
            #expect(try await Self.primaryKeyViolations(db.pool).violations == ["lonely"])
            #expect(try await Self.foreignKeyViolations(db.pool).violations == ["stray_shelf_fk"])
        }
    }
}
