import Dispatch
import HTTPTypes
import Hummingbird
import Metrics
import Synchronization

/// Request counts, durations and errors per route, status and method, under the
/// names Hummingbird's `MetricsMiddleware` uses (`hb_requests`,
/// `http_server_request_duration`, `hb_request_errors`,
/// `http_server_active_requests`), so dashboards read the same series.
///
/// Unlike Hummingbird's, an answer whose body is already whole (every page and
/// JSON answer here; Hummingbird's body types give it a length) is counted when
/// the handler returns it, not after it is written: wrapping a body in a closure
/// makes Hummingbird send it as three writes (head, body, end), each a hop to the
/// event loop, instead of one. A stream (server-sent events: no length) is still
/// counted once written, since its duration is the stream's.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let cache = MetricsCache()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        let active = cache.active(request.method)
        active.increment()
        do {
            var response = try await next(request, context)
            let metrics = cache.endpoint(.init(route: context.endpointPath ?? "Unknown", method: request.method, status: response.status))
            guard response.body.contentLength == nil else {
                metrics.record(since: started, active: active)
                return response
            }
            let body = response.body
            response.body = ResponseBody { writer in
                defer { metrics.record(since: started, active: active) }
                try await body.write(writer)
            }
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let metrics = cache.endpoint(.init(route: context.endpointPath ?? "NotFound", method: request.method, status: status))
            metrics.errors.increment()
            metrics.record(since: started, active: active)
            throw error
        }
    }
}

/// The metric objects of each route, method and status, made once: asking the
/// factory for them takes its lock and builds their labels every time.
private final class MetricsCache: Sendable {
    struct Key: Hashable {
        var route: String
        var method: HTTPRequest.Method
        var status: HTTPResponse.Status
    }

    struct Endpoint: Sendable {
        let requests: Counter
        let duration: Timer
        let errors: Counter

        init(_ key: Key) {
            let dimensions = [
                ("http.route", key.route),
                ("http.request.method", key.method.rawValue),
                ("http.response.status_code", String(key.status.code)),
            ]
            requests = Counter(label: "hb.requests", dimensions: dimensions)
            duration = Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds)
            errors = Counter(label: "hb.request.errors", dimensions: [
                ("http.route", key.route), ("http.request.method", key.method.rawValue), ("error.type", String(key.status.code)),
            ])
        }

        func record(since started: UInt64, active: Meter) {
            requests.increment()
            duration.recordNanoseconds(DispatchTime.now().uptimeNanoseconds - started)
            active.decrement()
        }
    }

    private let endpoints = Mutex<[Key: Endpoint]>([:])
    private let actives = Mutex<[HTTPRequest.Method: Meter]>([:])

    func endpoint(_ key: Key) -> Endpoint {
        endpoints.withLock { found in
            if let endpoint = found[key] { return endpoint }
            let endpoint = Endpoint(key)
            found[key] = endpoint
            return endpoint
        }
    }

    func active(_ method: HTTPRequest.Method) -> Meter {
        actives.withLock { found in
            if let meter = found[method] { return meter }
            let meter = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method.rawValue)])
            found[method] = meter
            return meter
        }
    }
}
