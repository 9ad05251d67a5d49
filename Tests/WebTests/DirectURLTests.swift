import Postgres
import Testing
@testable import Web

@Suite("Direct database URL (behind a pooler in transaction mode)")
struct DirectURLTests {
    @Test("CRENEAU_DB_DIRECT_URL is read from the environment, empty means unset")
    func fromEnvironment() {
        let config = AppConfig.fromEnvironment([
            "DATABASE_URL": "postgresql://app@127.0.0.1:6432/creneau",
            "CRENEAU_DB_DIRECT_URL": "postgresql://app@127.0.0.1:5432/creneau",
            "CRENEAU_DB_PREPARED_STATEMENTS": "off",
        ])
        #expect(config.databaseURL == "postgresql://app@127.0.0.1:6432/creneau")
        #expect(config.databaseDirectURL == "postgresql://app@127.0.0.1:5432/creneau")
        #expect(!config.usePreparedStatements)
        #expect(AppConfig.fromEnvironment(["CRENEAU_DB_DIRECT_URL": ""]).databaseDirectURL == nil)
    }

    @Test("the listener and the migrator use the direct URL, the pool the pooler's")
    func sessionWorkGoesDirect() {
        let pooled = "postgresql://app@127.0.0.1:6432/creneau"
        let direct = "postgresql://app@127.0.0.1:5432/creneau"
        let both = databaseConfigurations(AppConfig(databaseURL: pooled, databaseDirectURL: direct, usePreparedStatements: false), conninfo: pooled)
        #expect(both.pool.conninfo == pooled)
        #expect(both.session.conninfo == direct)
        #expect(!both.pool.usePreparedStatements)
        let one = databaseConfigurations(AppConfig(databaseURL: pooled), conninfo: pooled)
        #expect(one.session.conninfo == pooled)
        // The embedded database has no pooler in front: the direct URL is ignored.
        let embedded = databaseConfigurations(AppConfig(databaseDirectURL: direct), conninfo: "host=/tmp/x dbname=creneau")
        #expect(embedded.session.conninfo == "host=/tmp/x dbname=creneau")
    }
}
