import HTTPTypes
import Hummingbird
import Synchronization

/// The routes' path templates and their methods, filled once every route is added
/// (the middleware that reads it has to be added before them).
final class RouteTable: Sendable {
    private struct Template {
        /// nil for a parameter segment.
        var segments: [String?]
        var methods: Set<String>
    }

    private let templates = Mutex<[Template]>([])

    func fill(from routes: [Router<AppRequestContext>.RouteDescription]) {
        var byPath: [String: Template] = [:]
        for route in routes {
            let path = route.path.description
            let segments = path.split(separator: "/").map { $0.hasPrefix("{") || $0.hasPrefix(":") ? nil : String($0) }
            byPath[path, default: Template(segments: segments, methods: [])].methods.insert(route.method.rawValue)
        }
        templates.withLock { $0 = Array(byPath.values) }
    }

    /// The methods served at `path`, or nil when no route has this path.
    func methods(at path: String) -> Set<String>? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return templates.withLock { templates in
            var found: Set<String>?
            for template in templates where template.segments.count == parts.count {
                if zip(template.segments, parts).allSatisfy({ $0.0 == nil || $0.0! == $0.1 }) {
                    found = (found ?? []).union(template.methods)
                }
            }
            return found
        }
    }
}

/// A path that exists asked with a method it does not serve gets 405 with the
/// methods it does serve in Allow, not the router's 404.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let table: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError where error.status == .notFound {
            // Only a 404 can be a path served with other methods; the table is read then, not on every request.
            // HEAD is answered like GET by the server.
            guard request.method != .head, let methods = table.methods(at: request.uri.path), !methods.contains(request.method.rawValue) else {
                throw error
            }
            var headers = HTTPFields()
            headers[.allow] = methods.sorted().joined(separator: ", ")
            throw Problem(.methodNotAllowed, detail: "This address does not accept \(request.method.rawValue).", headers: headers)
        }
    }
}
