import Domain
import Hummingbird
import Logging

/// One log line per request, once its answer is known: the method, the route as
/// declared (`/o/{link}`), the status and the time taken. Never the URL itself: an
/// order's link is the secret that opens the order and its personal data (only its
/// SHA-256 is stored), and a log line would keep it in clear wherever logs go.
/// A file under /static is logged as Hummingbird names it (FileMiddleware), a
/// request no route declares as "(no route)".
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let level: Logger.Level

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.logger.logLevel <= level else { return try await next(request, context) }
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context, status: Int(response.status.code), since: started)
            return response
        } catch {
            // Errors are answered by ProblemMiddleware, inside this one; what reaches here is Hummingbird's own.
            log(request, context, status: Int((error as? any HTTPResponseError)?.status.code ?? 500), since: started)
            throw error
        }
    }

    private func log(_ request: Request, _ context: Context, status: Int, since started: ContinuousClock.Instant) {
        let milliseconds = (ContinuousClock.now - started).inMilliseconds
        context.logger.log(level: level, "request", metadata: [
            "method": .string(request.method.rawValue),
            "route": .string(Self.route(context.endpointPath)),
            "status": .stringConvertible(status),
            "ms": .stringConvertible((milliseconds * 10).rounded() / 10),
        ])
    }

    /// The matched route's template, or "(no route)": never a path a client sent.
    static func route(_ endpointPath: String?) -> String {
        guard let endpointPath, endpointPath != "NotFound" else { return "(no route)" }
        return endpointPath
    }
}
