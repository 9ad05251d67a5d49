import Domain
import Hummingbird
import Logging
import Notices
import ServiceLifecycle

/// The server's periodic work: slot holds swept, picking work enqueued and abandoned
/// claims released, "come now" reminders written and notices e-mailed. A server runs each
/// on its own timer; the day simulator, whose clock jumps, runs one round of all of them
/// at each simulated minute instead (`AppConfig.runsPeriodicJobs` off).
public struct ServerJobs: Sendable {
    let holds: HoldSweeper
    let picking: PickingSweeper
    let notices: NoticeDelivery

    init(_ dependencies: AppDependencies, mailer: Mailer?, logger: Logger) {
        let clock = dependencies.config.clock
        holds = HoldSweeper(slots: dependencies.slots, logger: logger, clock: clock)
        picking = PickingSweeper(picking: dependencies.picking, shelves: dependencies.shelves, logger: logger, clock: clock)
        notices = NoticeDelivery(notices: dependencies.notices, mailer: mailer, logger: logger, clock: clock)
    }

    var services: [any Service] { [holds, picking, notices] }

    /// One round of every job, on the configured clock; failures are logged, as on a timer.
    public func runOnce() async {
        await holds.sweep()
        await picking.sweep()
        await notices.round()
    }
}

/// Runs each request on the configured clock, so that everything a handler records
/// (and every `now:` a service defaults) reads the same time.
struct ClockMiddleware<Context: RequestContext>: RouterMiddleware {
    let clock: WallClock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await WallClock.$current.withValue(clock) { try await next(request, context) }
    }
}
