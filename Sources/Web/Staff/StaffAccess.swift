import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Postgres
import Staff

/// How staff requests are signed in and guarded. Every staff route goes
/// through one of the wrappers here, which decide, before the handler runs:
/// signed in or not (logged out: a redirect to the login page, or 401
/// problem+json under /api/staff), the store and role when the route names a
/// store (403 otherwise, the same for a store that does not exist, so other
/// stores stay invisible), and for every POST the origin and the CSRF token.
struct StaffAccess: Sendable {
    let dependencies: AppDependencies
    /// Both from the configured public URL, worked out once: every staff request asks.
    let secureCookies: Bool
    let expectedOrigin: String

    init(dependencies: AppDependencies) {
        self.dependencies = dependencies
        secureCookies = !Self.isLocalPlainHTTP(dependencies.config.publicBaseURL)
        expectedOrigin = Self.origin(of: dependencies.config.publicBaseURL)
    }

    var service: StaffService { dependencies.staff }

    /// The signed-in request a handler receives.
    struct Signed: Sendable {
        var session: StaffSession
        var token: String
        /// What the session may do in the store the route names, read with the session itself.
        var store: StoreAccess?
    }

    typealias Handler = @Sendable (Request, AppRequestContext) async throws -> Response

    // MARK: Cookies

    /// `Secure` (and so the `__Host-` prefix, which requires it) is dropped
    /// only when the public URL is plain http on loopback: a local run.
    static func isLocalPlainHTTP(_ baseURL: String) -> Bool {
        guard let url = URLComponents(string: baseURL), url.scheme?.lowercased() == "http", let host = url.host?.lowercased() else {
            return false
        }
        return host == "127.0.0.1" || host == "localhost" || host == "[::1]" || host == "::1"
    }

    var sessionCookieName: String { secureCookies ? "__Host-creneau_staff" : "creneau_staff" }
    var loginCookieName: String { secureCookies ? "__Host-creneau_login" : "creneau_login" }

    func cookie(_ name: String, value: String, maxAge: Int) -> Cookie {
        // Path=/ and no Domain: what the __Host- prefix demands.
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict)
    }

    func sessionCookie(_ token: String) -> Cookie {
        cookie(sessionCookieName, value: token, maxAge: Int(service.sessionPolicy.absolute.components.seconds))
    }

    // MARK: Origin and CSRF

    /// scheme://host[:port] of the configured public URL: what Origin must say.
    static func origin(of baseURL: String) -> String {
        guard let url = URLComponents(string: baseURL), let scheme = url.scheme, let host = url.host else {
            return baseURL
        }
        return "\(scheme.lowercased())://\(host.lowercased())" + (url.port.map { ":\($0)" } ?? "")
    }

    /// A POST whose browser says it comes from elsewhere is refused, whatever it carries.
    /// (The CSRF token is checked as well; this refuses earlier and in the login form too.)
    func checkSameOrigin(_ request: Request, _ context: AppRequestContext) throws {
        let site = request.headers[.secFetchSite]?.lowercased()
        let origin = request.headers[.origin]?.lowercased()
        // Sec-Fetch-Site is set by the browser itself and cannot be forged by a page, so when
        // present it decides. Origin alone is the fallback for browsers without it: pages here
        // send no Referer (Referrer-Policy: no-referrer), and Chromium then says "Origin: null"
        // even for a same-origin form, which Sec-Fetch-Site: same-origin vouches for.
        let refused: Bool
        if let site {
            refused = site != "same-origin" && site != "none"
        } else {
            refused = origin.map { $0 != expectedOrigin } ?? false
        }
        if refused {
            context.logger.notice("cross-origin staff POST refused", metadata: [
                "path": "\(request.uri.path)", "origin": "\(origin ?? "-")", "sec-fetch-site": "\(site ?? "-")", "expected": "\(expectedOrigin)",
            ])
            throw Self.crossOrigin
        }
    }

    static let crossOrigin = Problem(
        .forbidden, type: "cross-origin", title: "Requête refusée",
        detail: "Ce formulaire a été envoyé depuis un autre site ; rien n’a été modifié."
    )
    static let badCSRF = Problem(
        .forbidden, type: "csrf", title: "Formulaire expiré",
        detail: "Ce formulaire n’est plus valable ; rechargez la page et recommencez. Rien n’a été modifié."
    )

    /// The client's address for the sign-in rate limit: the TCP peer, or behind
    /// a trusted proxy the last X-Forwarded-For hop (the one the proxy added).
    func clientAddress(_ request: Request, _ context: AppRequestContext) -> String {
        if dependencies.config.trustForwardedFor,
           let hop = request.headers[values: .xForwardedFor].last?.split(separator: ",").last?.trimmingCharacters(in: .whitespaces),
           !hop.isEmpty {
            return String(hop.prefix(100))
        }
        return context.remoteAddress?.ipAddress ?? "unknown"
    }

    // MARK: Wrappers

    /// The valid session the request's cookie stands for, if any.
    /// With `storeSlug`, also what it may do there, in the same query.
    func signed(_ request: Request, storeSlug: String? = nil) async throws -> Signed? {
        guard let token = request.cookies[sessionCookieName]?.value, !token.isEmpty,
              let found = try await service.session(token: token, storeSlug: storeSlug) else { return nil }
        return Signed(session: found.session, token: token, store: found.store)
    }

    private func refuseSignedOut(_ request: Request, _ context: AppRequestContext) throws -> Response {
        if request.uri.path.hasPrefix("/api/") {
            return try Problem(.unauthorized, type: "signed-out", title: "Connexion requise", detail: "Connectez-vous d’abord.")
                .response(from: request, context: context)
        }
        let next = request.method == .get ? request.uri.path : "/staff"
        return Respond.seeOther("/staff/login?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
    }

    /// A staff route for anyone signed in. A POST must come from this site and carry the session's CSRF token
    /// (the `csrf` field of a form, or the X-CSRF-Token header of a JSON call; `/api/staff/me` hands it out).
    func signedIn(_ handler: @escaping @Sendable (Request, AppRequestContext, Signed, [String: String]) async throws -> Response) -> Handler {
        { request, context in
            var request = request
            if request.method == .post {
                try checkSameOrigin(request, context)
                // Read before a connection is held for the request: a slow sender holds none.
                _ = try await request.collectBody(upTo: Respond.maxBody)
            }
            // The session, then the handler's statements, on one connection and its thread.
            return try await dependencies.pool.holding { [request] in
                let slug = context.parameters.get("store").flatMap { $0.count <= 100 ? $0 : nil }
                guard let signed = try await signed(request, storeSlug: slug) else { return try refuseSignedOut(request, context) }
                var form: [String: String] = [:]
                if request.method == .post {
                    // A page form carries the token as a field; an API call (JSON body) in a header.
                    let sent: String?
                    if request.uri.path.hasPrefix("/api/") {
                        sent = request.headers[.csrfToken]
                    } else {
                        form = try await Respond.form(request)
                        sent = form["csrf"]
                    }
                    guard let sent, Secrets.constantTimeEqual(sent, signed.session.csrfToken) else { throw Self.badCSRF }
                }
                return try await handler(request, context, signed, form)
            }
        }
    }

    /// A staff route of the store named by `:store`, for the given roles (an admin holds them all).
    func inStore(
        _ roles: Set<StaffRole>,
        _ handler: @escaping @Sendable (Request, AppRequestContext, Signed, StoreAccess, [String: String]) async throws -> Response
    ) -> Handler {
        signedIn { request, context, signed, form in
            guard let access = signed.store, !access.roles.isDisjoint(with: roles) else {
                throw Problem(.forbidden, type: "forbidden", title: "Accès refusé", detail: "Vous n’avez pas accès à cette page.")
            }
            return try await handler(request, context, signed, access, form)
        }
    }
}

extension HTTPField.Name {
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
}
