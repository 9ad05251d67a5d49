import Foundation
import Hummingbird
import Logging
import NIOPosix
import Orders
import Picking
import Postgres
import Reports
import Shelf
import NIOCore
import Slots
import ServiceLifecycle
import Staff

/// Every route's context: Hummingbird's basic one plus the client's address
/// (for the staff sign-in rate limit; nil in router tests).
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}

/// The running pieces the routes share.
public struct AppDependencies: Sendable {
    public let config: AppConfig
    public let pool: PostgresPool
    public let listener: PostgresListener
    public let pages: Pages
    public let slots: SlotService
    public let orders: OrderService
    public let picking: PickingService
    public let shelves: ShelfService
    public let staff: StaffService
    public let reports: ReportService
}

extension AppDependencies {
    static func make(_ config: AppConfig, database: PostgresConfiguration, logger: Logger) async throws -> AppDependencies {
        let pool = PostgresPool(database, logger: logger)
        let slots = SlotService(pool: pool, logger: logger)
        return AppDependencies(
            config: config,
            pool: pool,
            listener: PostgresListener(database, logger: logger),
            pages: try await Pages.load(),
            slots: slots,
            orders: OrderService(pool: pool, slots: slots, logger: logger),
            picking: PickingService(pool: pool, slots: slots, logger: logger, claimTimeout: config.claimTimeout),
            shelves: ShelfService(pool: pool, publicBaseURL: config.publicBaseURL),
            staff: StaffService(pool: pool, logger: logger, bcryptCost: config.bcryptCost),
            reports: ReportService(pool: pool, slots: slots)
        )
    }

    /// For tests: the dependencies on a given database.
    static func make(_ config: AppConfig, conninfo: String, logger: Logger) async throws -> AppDependencies {
        try await make(config, database: PostgresConfiguration(conninfo: conninfo, maxConnections: 2), logger: logger)
    }
}

/// Builds the whole server from its configuration. The services run in one
/// ServiceGroup in this order: embedded database, pool, listener, HTTP server;
/// shutdown runs in reverse, so requests in flight finish before the pool and
/// then the database close.
public func buildApplication(_ config: AppConfig, logger baseLogger: Logger? = nil) async throws -> some ApplicationProtocol {
    var logger = baseLogger ?? Logger(label: "creneau")
    logger.logLevel = config.logLevel
    _ = MetricsRegistry.prometheus

    var services: [any Service] = []
    let conninfo: String
    if let url = config.databaseURL {
        conninfo = url
    } else {
        let embedded = try await startEmbeddedDatabase(in: config.dataDirectory, logger: logger)
        services.append(EmbeddedPostgresService(embedded, logger: logger))
        conninfo = embedded.conninfo
    }
    let database = PostgresConfiguration(
        conninfo: conninfo,
        maxConnections: config.databasePoolSize,
        acquireTimeout: config.databaseAcquireTimeout,
        usePreparedStatements: config.usePreparedStatements
    )
    let dependencies = try await AppDependencies.make(config, database: database, logger: logger)
    services += [
        dependencies.pool, dependencies.listener, HoldSweeper(slots: dependencies.slots, logger: logger),
        PickingSweeper(picking: dependencies.picking, shelves: dependencies.shelves, logger: logger),
    ]

    var app = Application(
        router: buildRouter(dependencies),
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "creneau"),
        onServerRunning: { [logger] channel in
            let port = channel.localAddress?.port ?? config.port
            logger.notice("Créneau is serving on http://\(config.host):\(port)")
        },
        logger: logger
    )
    app.addServices(services)
    if config.migrateOnStart {
        let migrator = try Migrator(directory: Migrator.defaultDirectory(), logger: logger)
        app.beforeServerStarts {
            try await migrator.migrate(dependencies.pool)
        }
    }
    return app
}

/// Starts (creating on first run) the private cluster; initdb and pg_ctl block,
/// so they run off the cooperative pool.
public func startEmbeddedDatabase(in dataDirectory: URL, logger: Logger) async throws -> EmbeddedPostgres {
    let embedded = try EmbeddedPostgres(directory: dataDirectory.appendingPathComponent("postgres").absoluteURL, logger: logger)
    let directory = embedded.directory
    try await embedded.start()
    logger.info("embedded PostgreSQL ready", metadata: ["socket": "\(directory.path)"])
    return embedded
}

public func buildRouter(_ dependencies: AppDependencies) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.middlewares.add(LogRequestsMiddleware(.info))
    router.middlewares.add(MetricsMiddleware())
    router.middlewares.add(ProblemMiddleware())
    router.middlewares.add(SecurityHeadersMiddleware())
    router.middlewares.add(FileMiddleware(Pages.staticDirectory, urlBasePath: "/static", searchForIndexHtml: false))
    HealthController(pool: dependencies.pool).addRoutes(to: router)
    addSlotRoutes(to: router, dependencies)
    addIntakeRoutes(to: router, dependencies)
    addStaffRoutes(to: router, dependencies)
    addConsoleRoutes(to: router, dependencies)
    addReportRoutes(to: router, dependencies)
    return router
}
