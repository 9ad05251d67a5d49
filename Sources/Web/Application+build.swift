import Foundation
import Domain
import Hummingbird
import Logging
import NIOPosix
import Orders
import Picking
import Postgres
import Reports
import Shelf
import NIOCore
import Notices
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
    public let notices: NoticeService
    public let reports: ReportService
}

extension AppDependencies {
    /// `sessionDatabase` (default: `database`) is where the LISTEN connection goes:
    /// PostgreSQL itself, not a pooler in transaction mode.
    static func make(
        _ config: AppConfig, database: PostgresConfiguration, sessionDatabase: PostgresConfiguration? = nil, logger: Logger
    ) async throws -> AppDependencies {
        let pool = PostgresPool(database, logger: logger)
        let slots = SlotService(pool: pool, logger: logger)
        let listener = PostgresListener(sessionDatabase ?? database, logger: logger)
        return AppDependencies(
            config: config,
            pool: pool,
            listener: listener,
            pages: try await Pages.load(),
            slots: slots,
            orders: OrderService(pool: pool, slots: slots, logger: logger),
            picking: PickingService(pool: pool, slots: slots, logger: logger, claimTimeout: config.claimTimeout),
            shelves: ShelfService(pool: pool, publicBaseURL: config.publicBaseURL),
            staff: StaffService(pool: pool, logger: logger, bcryptCost: config.bcryptCost, listener: listener),
            notices: NoticeService(pool: pool, logger: logger),
            reports: ReportService(pool: pool, slots: slots)
        )
    }

    /// For tests: the dependencies on a given database.
    static func make(_ config: AppConfig, conninfo: String, logger: Logger) async throws -> AppDependencies {
        try await make(config, database: PostgresConfiguration(conninfo: conninfo, maxConnections: 2), logger: logger)
    }
}

/// Builds the whole server from its configuration. The services run in one
/// ServiceGroup in this order: embedded database, pool, listener, the periodic jobs
/// (hold sweeper, picking sweeper, notice delivery), HTTP server;
/// shutdown runs in reverse, so requests in flight finish before the pool and
/// then the database close.
public func buildApplication(_ config: AppConfig, logger baseLogger: Logger? = nil) async throws -> some ApplicationProtocol {
    try await buildServer(config, logger: baseLogger).app
}

/// The server and its periodic jobs, for a caller that runs the jobs itself (the day
/// simulator, with `config.runsPeriodicJobs` off).
public func buildServer(
    _ config: AppConfig, logger baseLogger: Logger? = nil
) async throws -> (app: some ApplicationProtocol, jobs: ServerJobs) {
    var logger = baseLogger ?? Logger(label: "creneau")
    logger.logLevel = config.logLevel
    _ = MetricsRegistry.prometheus

    let mailer = try config.mailer()
    var services: [any Service] = []
    let conninfo: String
    if let url = config.databaseURL {
        conninfo = url
    } else {
        let embedded = try await startEmbeddedDatabase(in: config.dataDirectory, logger: logger)
        services.append(EmbeddedPostgresService(embedded, logger: logger))
        conninfo = embedded.conninfo
    }
    let (database, sessionDatabase) = databaseConfigurations(config, conninfo: conninfo)
    let dependencies = try await AppDependencies.make(config, database: database, sessionDatabase: sessionDatabase, logger: logger)
    let jobs = ServerJobs(dependencies, mailer: mailer, logger: logger)
    services += [dependencies.pool, dependencies.listener]
    if config.runsPeriodicJobs { services += jobs.services }

    var app = Application(
        router: buildRouter(dependencies),
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "creneau"),
        onServerRunning: { [logger] channel in
            let port = channel.localAddress?.port ?? config.port
            logger.notice("Créneau is serving on http://\(config.host):\(port)")
            config.serverRunning?(port)
        },
        logger: logger
    )
    app.addServices(services)
    if config.migrateOnStart {
        let migrator = try Migrator(directory: Migrator.defaultDirectory(), logger: logger)
        app.beforeServerStarts { [logger] in
            if sessionDatabase.conninfo == database.conninfo {
                try await migrator.migrate(dependencies.pool)
            } else {
                let direct = PostgresPool(PostgresConfiguration(conninfo: sessionDatabase.conninfo, maxConnections: 1), logger: logger)
                do {
                    try await migrator.migrate(direct)
                    try await direct.close()
                } catch {
                    try? await direct.close()
                    throw error
                }
            }
        }
    }
    return (app, jobs)
}

/// The pool's database, and the one for work that needs a session of its own
/// (LISTEN, the migrator's advisory lock): CRENEAU_DB_DIRECT_URL when set, so
/// that it bypasses a pooler in transaction mode; otherwise the same.
func databaseConfigurations(_ config: AppConfig, conninfo: String) -> (pool: PostgresConfiguration, session: PostgresConfiguration) {
    let pool = PostgresConfiguration(
        conninfo: conninfo,
        maxConnections: config.databasePoolSize,
        acquireTimeout: config.databaseAcquireTimeout,
        usePreparedStatements: config.usePreparedStatements
    )
    var session = pool
    if config.databaseURL != nil, let direct = config.databaseDirectURL { session.conninfo = direct }
    return (pool, session)
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
    router.middlewares.add(AccessLogMiddleware(level: .info))
    router.middlewares.add(RequestMetricsMiddleware())
    // Outside ProblemMiddleware, so error answers (404, 403, 5xx pages) carry the headers too.
    router.middlewares.add(SecurityHeadersMiddleware(
        strictTransport: dependencies.config.publicBaseURL.lowercased().hasPrefix("https://")
    ))
    router.middlewares.add(ProblemMiddleware())
    router.middlewares.add(ClockMiddleware(clock: dependencies.config.clock))
    let routes = RouteTable()
    router.middlewares.add(MethodNotAllowedMiddleware(table: routes))
    router.middlewares.add(FileMiddleware(Pages.staticDirectory, urlBasePath: "/static", searchForIndexHtml: false))
    HealthController(pool: dependencies.pool).addRoutes(to: router)
    addSlotRoutes(to: router, dependencies)
    addIntakeRoutes(to: router, dependencies)
    addStaffRoutes(to: router, dependencies)
    addConsoleRoutes(to: router, dependencies)
    addReportRoutes(to: router, dependencies)
    routes.fill(from: router.routes)
    return router
}
