import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Postgres
import Staff

/// Turns every error into a problem+json answer (or a readable page for a
/// browser), so no handler formats errors itself and nothing internal leaks:
/// an unexpected error is logged in full and answered with a bare 500.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Self.problem(for: error, logger: context.logger)
            if Self.wantsHTML(request) {
                return HTMLErrorPage(problem: problem).response()
            }
            return try problem.response(from: request, context: context)
        }
    }

    static func problem(for error: any Error, logger: Logger) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case StaffError.tooManyAttempts(let seconds):
            // DomainErrorKind has no "too many requests"; this one refusal needs its own status.
            var headers = HTTPFields()
            headers[.retryAfter] = String(seconds)
            let error = StaffError.tooManyAttempts(retryAfter: seconds)
            return Problem(.tooManyRequests, type: error.code, title: "Trop de tentatives", detail: error.detail, headers: headers)
        case let error as any DomainError:
            return Problem(
                error.kind.status, type: error.code, detail: error.detail,
                extensions: error.facts.mapValues { .strings($0) }
            )
        case let error as PostgresError where error.isUnavailable:
            logger.warning("database unavailable: \(error)")
            return .unavailable(error)
        case let error as HTTPError:
            return Problem(error.status, detail: error.body ?? error.status.reasonPhrase, headers: error.headers)
        case let error as any HTTPResponseError:
            return Problem(error.status, detail: error.status.reasonPhrase)
        case is DecodingError:
            return Problem(.badRequest, type: "invalid-body", detail: "The request body is not valid JSON for this operation.")
        default:
            logger.error("unexpected error: \(String(reflecting: error))")
            return Problem(.internalServerError, detail: "Something went wrong on our side; it has been logged.")
        }
    }

    /// Browsers asking for a page get a page; API clients get JSON.
    static func wantsHTML(_ request: Request) -> Bool {
        guard !request.uri.path.hasPrefix("/api/") else { return false }
        return request.headers[.accept]?.contains("text/html") == true
    }
}

struct HTMLErrorPage {
    var problem: Problem

    func response() -> Response {
        let html = """
            <!doctype html>
            <html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Markup.escape(problem.title))</title>
            <style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}</style>
            </head><body><h1>\(Markup.escape(problem.title))</h1><p>\(Markup.escape(problem.detail))</p><p><a href="/">Créneau</a></p></body></html>
            """
        var headers = problem.headers
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: problem.status, headers: headers, body: .init(byteBuffer: .init(string: html)))
    }
}

extension DomainErrorKind {
    var status: HTTPResponse.Status {
        switch self {
        case .invalid: .badRequest
        case .notFound: .notFound
        case .conflict: .conflict
        case .unprocessable: .unprocessableContent
        case .gone: .gone
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        }
    }
}
