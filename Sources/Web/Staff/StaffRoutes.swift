import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Staff

/// Staff sign-in, the list of one's stores, and who one is. The console of a
/// store (ConsoleRoutes) hangs under /staff/stores/:store.
func addStaffRoutes(to router: Router<AppRequestContext>, _ dependencies: AppDependencies) {
    let access = StaffAccess(dependencies: dependencies)
    let pages = StaffPages(dependencies: dependencies, access: access)
    router.get("/staff/login", use: pages.loginForm)
    router.post("/staff/login", use: pages.login)
    router.post("/staff/logout", use: access.signedIn(pages.logout))
    router.get("/staff", use: access.signedIn(pages.home))
    router.get("/api/staff/me", use: access.signedIn(pages.me))
}

struct StaffPages: Sendable {
    let dependencies: AppDependencies
    let access: StaffAccess

    var pages: Pages { dependencies.pages }
    var staff: StaffService { dependencies.staff }

    struct LoginContext: Sendable {
        var csrf: String
        var next: String
        var email: String
        var error: String?
    }

    /// Only a path of the staff area; anything else (another site, "//host") goes to /staff.
    static func safeNext(_ next: String?) -> String {
        guard let next, next == "/staff" || next.hasPrefix("/staff/"), next.count <= 200,
              next.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/-_".contains($0)) }) else { return "/staff" }
        return next
    }

    /// The login form carries a token that must match a SameSite=Strict cookie
    /// set with it (login CSRF: nobody can sign a browser into their account).
    func renderLogin(next: String, email: String = "", error: String? = nil, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        let token = RandomText.secret()
        var response = pages.render(
            "staff-login", LoginContext(csrf: token, next: Self.safeNext(next), email: email, error: error), status: status, headers: headers
        )
        response.setCookie(access.cookie(access.loginCookieName, value: token, maxAge: 3600))
        return response
    }

    @Sendable func loginForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        if try await access.signed(request) != nil { return Respond.seeOther(Self.safeNext(request.uri.queryParameters.get("next"))) }
        return renderLogin(next: request.uri.queryParameters.get("next") ?? "/staff")
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        try access.checkSameOrigin(request, context)
        let form = try await Respond.form(request)
        let next = Self.safeNext(form["next"])
        let email = String((form["email"] ?? "").prefix(254))
        guard let cookie = request.cookies[access.loginCookieName]?.value, let sent = form["csrf"],
              Secrets.constantTimeEqual(sent, cookie) else {
            return renderLogin(next: next, email: email, error: StaffAccess.badCSRF.detail, status: .forbidden)
        }
        do {
            let opened = try await staff.signIn(email: email, password: form["password"] ?? "", clientAddress: access.clientAddress(request, context))
            var response = Respond.seeOther(next)
            response.setCookie(access.sessionCookie(opened.token))
            response.setCookie(access.cookie(access.loginCookieName, value: "", maxAge: 0))
            return response
        } catch StaffError.tooManyAttempts(let seconds) {
            var headers = HTTPFields()
            headers[.retryAfter] = String(seconds)
            return renderLogin(next: next, email: email, error: StaffError.tooManyAttempts(retryAfter: seconds).detail, status: .tooManyRequests, headers: headers)
        } catch StaffError.badCredentials {
            return renderLogin(next: next, email: email, error: StaffError.badCredentials.detail, status: .unauthorized)
        }
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext, signed: StaffAccess.Signed, form: [String: String]) async throws -> Response {
        try await staff.revokeSession(token: signed.token)
        var response = Respond.seeOther("/staff/login")
        response.setCookie(access.cookie(access.sessionCookieName, value: "", maxAge: 0))
        return response
    }

    struct StoreRow: Sendable {
        var slug: String
        var name: String
        var roles: String
    }

    struct HomeContext: Sendable {
        var name: String
        var admin: Bool
        var csrf: String
        var stores: [StoreRow]
        var noStores: Bool
    }

    static func roleList(_ roles: Set<StaffRole>) -> String {
        roles.sorted().map(\.label).joined(separator: ", ")
    }

    @Sendable func home(_ request: Request, context: AppRequestContext, signed: StaffAccess.Signed, form: [String: String]) async throws -> Response {
        let staffMember = signed.session.staff
        let stores = try await staff.stores(for: staffMember).map {
            StoreRow(slug: $0.slug, name: $0.name, roles: staffMember.isAdmin ? "administrateur" : Self.roleList($0.roles))
        }
        return pages.render("staff-home", HomeContext(
            name: staffMember.displayName, admin: staffMember.isAdmin, csrf: signed.session.csrfToken, stores: stores, noStores: stores.isEmpty
        ))
    }

    struct Me: Encodable {
        struct StoreRoles: Encodable {
            var slug: String
            var name: String
            var roles: [String]
        }
        var email: String
        var name: String
        var admin: Bool
        /// What a JSON client sends as X-CSRF-Token on every POST.
        var csrfToken: String
        var stores: [StoreRoles]
    }

    @Sendable func me(_ request: Request, context: AppRequestContext, signed: StaffAccess.Signed, form: [String: String]) async throws -> Response {
        let member = signed.session.staff
        let stores = try await staff.stores(for: member).map { Me.StoreRoles(slug: $0.slug, name: $0.name, roles: $0.roles.sorted().map(\.rawValue)) }
        return try Respond.json(Me(email: member.email, name: member.displayName, admin: member.isAdmin, csrfToken: signed.session.csrfToken, stores: stores))
    }
}
