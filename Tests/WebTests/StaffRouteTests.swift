import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
import Staff
import Testing
import TestSupport
@testable import Web

/// Staff sign-in, sessions, the authorization matrix and CSRF, through the real router on a real database.
@Suite("Staff routes")
struct StaffRouteTests {
    static func config(_ db: TestSchema, publicURL: String = "https://creneau.example") -> AppConfig {
        var config = AppConfig(
            databaseURL: db.configuration.conninfo, databasePoolSize: 3, publicBaseURL: publicURL, logLevel: .warning, migrateOnStart: false
        )
        config.bcryptCost = 4
        // Live-update streams end at once, so a router test can read one whole.
        config.liveStreamLimit = .milliseconds(200)
        return config
    }

    static func app(_ db: TestSchema, publicURL: String = "https://creneau.example") async throws -> some ApplicationProtocol {
        try await buildApplication(config(db, publicURL: publicURL))
    }

    static func sessions(_ pool: PostgresPool) async throws -> Int {
        try await pool.query("SELECT count(*) AS n FROM staff_sessions").single().decode(Int.self, "n")
    }

    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    static func store(_ pool: PostgresPool, _ slug: String) async throws {
        try await pool.query("""
            INSERT INTO stores (slug, name, address, time_zone, slot_fee_cents)
            VALUES (\(slug), \("Magasin " + slug), '1 rue du Test, Paris', 'Europe/Paris', 0)
            """)
    }

    static func account(_ pool: PostgresPool, _ email: String, role: StaffRole?, at store: String = "store-a", admin: Bool = false) async throws {
        let staff = StaffService(pool: pool, logger: Logger(label: "test"), bcryptCost: 4)
        let member = try await staff.addStaff(email: email, displayName: email, password: "password of \(email)", isAdmin: admin)
        if let role { try await staff.grant(staffID: member.id, storeSlug: store, role: role) }
    }

    static func encode(_ fields: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
    }

    static func hidden(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return String(rest.prefix { $0 != "\"" })
    }

    /// "name=value" of the Set-Cookie named `name`, and the whole header.
    static func setCookie(_ response: TestResponse, named name: String) -> (pair: String, header: String)? {
        for header in response.headers[values: .setCookie] where header.hasPrefix(name + "=") {
            return (String(header.prefix { $0 != ";" }), header)
        }
        return nil
    }

    /// A browser's view of a signed-in member of staff.
    struct Browser {
        var cookie: String
        var csrf: String
    }

    /// GET the login form, POST it; the session cookie and the CSRF token of its pages.
    static func signIn(
        _ client: some TestClientProtocol, email: String, password: String? = nil, cookieName: String = "__Host-creneau_staff",
        expect status: HTTPResponse.Status = .seeOther, extraHeaders: HTTPFields = [:]
    ) async throws -> (browser: Browser?, response: TestResponse) {
        let loginCookie = cookieName.replacingOccurrences(of: "_staff", with: "_login")
        let (formCookie, csrf) = try await client.execute(uri: "/staff/login", method: .get) { response in
            #expect(response.status == .ok)
            return (setCookie(response, named: loginCookie)?.pair ?? "", hidden("csrf", in: String(buffer: response.body)) ?? "")
        }
        var headers = form
        headers[.cookie] = formCookie
        for field in extraHeaders { headers.append(field) }
        let body = encode(["csrf": csrf, "email": email, "password": password ?? "password of \(email)", "next": "/staff"])
        let response = try await client.execute(uri: "/staff/login", method: .post, headers: headers, body: ByteBuffer(string: body)) { $0 }
        #expect(response.status == status, "sign-in of \(email)")
        guard response.status == .seeOther, let session = setCookie(response, named: cookieName) else { return (nil, response) }
        let page = try await client.execute(uri: "/staff", method: .get, headers: [.cookie: session.pair]) { String(buffer: $0.body) }
        return (Browser(cookie: session.pair, csrf: hidden("csrf", in: page) ?? ""), response)
    }

    @Test("sign-in sets a __Host- cookie: Secure, HttpOnly, SameSite=Strict, Path=/, no Domain, with HSTS; a wrong password does not")
    func cookieFlags() async throws {
        try await TestDatabase.withSchema { db in
            try await Self.store(db.pool, "store-a")
            try await Self.account(db.pool, "picker@example.org", role: .picker)
            try await Self.app(db).test(.router) { client in
                let (browser, response) = try await Self.signIn(client, email: "picker@example.org")
                #expect(response.headers[.location] == "/staff")
                let header = try #require(Self.setCookie(response, named: "__Host-creneau_staff")).header
                let attributes = Set(header.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
                #expect(attributes.contains("secure"), "\(header)")
                #expect(attributes.contains("httponly"), "\(header)")
                #expect(attributes.contains("samesite=strict"), "\(header)")
                #expect(attributes.contains("path=/"), "\(header)")
                #expect(!attributes.contains { $0.hasPrefix("domain") }, "\(header)")
                #expect(browser != nil)
                // Served over https: browsers are told to keep to it.
                #expect(response.headers[.strictTransportSecurity] == "max-age=31536000; includeSubDomains")

                let (none, wrong) = try await Self.signIn(client, email: "picker@example.org", password: "not the password", expect: .unauthorized)
                #expect(none == nil)
                #expect(Self.setCookie(wrong, named: "__Host-creneau_staff") == nil)
                #expect(String(buffer: wrong.body).contains("E-mail ou mot de passe incorrect"))
                // The same answer for an email nobody has.
                let (_, unknown) = try await Self.signIn(client, email: "nobody@example.org", expect: .unauthorized)
                #expect(String(buffer: unknown.body).contains("E-mail ou mot de passe incorrect"))
            }
        }
    }

    @Test("plain http drops Secure and the __Host- prefix only on loopback")
    func localCookies() async throws {
        try await TestDatabase.withSchema { db in
            try await Self.store(db.pool, "store-a")
            try await Self.account(db.pool, "picker@example.org", role: .picker)
            try await Self.app(db, publicURL: "http://127.0.0.1:8080").test(.router) { client in
                let (browser, response) = try await Self.signIn(client, email: "picker@example.org", cookieName: "creneau_staff")
                let header = try #require(Self.setCookie(response, named: "creneau_staff")).header
                #expect(!header.lowercased().contains("secure"))
                #expect(header.contains("SameSite=Strict") && header.contains("HttpOnly"))
                #expect(response.headers[.strictTransportSecurity] == nil)
                let page = try await client.execute(uri: "/staff/stores/store-a", method: .get, headers: [.cookie: try #require(browser).cookie]) { $0 }
                #expect(page.status == .ok)
            }
            #expect(StaffAccess.isLocalPlainHTTP("http://localhost:8080"))
            #expect(StaffAccess.isLocalPlainHTTP("http://127.0.0.1"))
            #expect(!StaffAccess.isLocalPlainHTTP("http://shop.example"))
            #expect(!StaffAccess.isLocalPlainHTTP("http://127.0.0.1.evil.example"))
            #expect(!StaffAccess.isLocalPlainHTTP("https://localhost"))
        }
    }

    @Test("too many failed sign-ins: 429 with Retry-After and a readable page, even with the right password")
    func lockout() async throws {
        try await TestDatabase.withSchema { db in
            try await Self.store(db.pool, "store-a")
            try await Self.account(db.pool, "picker@example.org", role: .picker)
            try await Self.app(db).test(.router) { client in
                for _ in 1...5 {
                    _ = try await Self.signIn(client, email: "picker@example.org", password: "wrong wrong wrong", expect: .unauthorized)
                }
                let (browser, response) = try await Self.signIn(client, email: "picker@example.org", expect: .tooManyRequests)
                #expect(browser == nil)
                let retry = Int(response.headers[.retryAfter] ?? "") ?? 0
                #expect(retry > 0 && retry <= 900, "Retry-After \(String(describing: response.headers[.retryAfter]))")
                #expect(String(buffer: response.body).contains("Trop de tentatives de connexion"))
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
            }
            let left = try await db.pool.query("SELECT count(*) AS n FROM staff_sessions").single().decode(Int.self, "n")
            #expect(left == 0)
        }
    }

    @Test("a sign-in refusal thrown anywhere else (a future JSON login) is a 429 problem with Retry-After too")
    func tooManyAttemptsProblem() {
        let problem = ProblemMiddleware<AppRequestContext>.problem(for: StaffError.tooManyAttempts(retryAfter: 120), logger: Logger(label: "test"))
        #expect(problem.status == .tooManyRequests)
        #expect(problem.headers[.retryAfter] == "120")
        #expect(problem.detail.contains("2 minutes"))
    }

    @Test("logging out revokes the session at once")
    func logout() async throws {
        try await TestDatabase.withSchema { db in
            try await Self.store(db.pool, "store-a")
            try await Self.account(db.pool, "manager@example.org", role: .manager)
            try await Self.app(db).test(.router) { client in
                let browser = try #require(try await Self.signIn(client, email: "manager@example.org").browser)
                var headers = Self.form
                headers[.cookie] = browser.cookie
                try await client.execute(uri: "/staff/logout", method: .post, headers: headers, body: ByteBuffer(string: "csrf=\(browser.csrf)")) { response in
                    #expect(response.status == .seeOther)
                    #expect(response.headers[.location] == "/staff/login")
                    #expect(Self.setCookie(response, named: "__Host-creneau_staff")?.header.contains("Max-Age=0") == true)
                }
                // The old cookie, replayed, signs nobody in.
                try await client.execute(uri: "/staff", method: .get, headers: [.cookie: browser.cookie]) { response in
                    #expect(response.status == .seeOther)
                    #expect(response.headers[.location]?.hasPrefix("/staff/login") == true)
                }
            }
            let left = try await db.pool.query("SELECT count(*) AS n FROM staff_sessions").single().decode(Int.self, "n")
            #expect(left == 0)
        }
    }

    @Test("authorization matrix: every staff route × role × own store / other store / unknown store × logged out")
    func authorizationMatrix() async throws {
        try await TestDatabase.withSchema { db in
            try await Self.store(db.pool, "store-a")
            try await Self.store(db.pool, "store-b")
            try await Self.account(db.pool, "picker@example.org", role: .picker)
            try await Self.account(db.pool, "handover@example.org", role: .handover)
            try await Self.account(db.pool, "manager@example.org", role: .manager)
            try await Self.account(db.pool, "admin@example.org", role: nil, admin: true)
            // Someone of store B only: store A is their "other store".
            try await Self.account(db.pool, "manager-b@example.org", role: .manager, at: "store-b")

            enum Who: CaseIterable { case picker, handover, manager, managerB, admin, loggedOut }
            let emails: [Who: String] = [
                .picker: "picker@example.org", .handover: "handover@example.org", .manager: "manager@example.org",
                .managerB: "manager-b@example.org", .admin: "admin@example.org",
            ]
            let ownStore: [Who: String] = [.picker: "store-a", .handover: "store-a", .manager: "store-a", .managerB: "store-b"]

            try await Self.app(db).test(.router) { client in
                var browsers: [Who: Browser] = [:]
                for (who, email) in emails {
                    browsers[who] = try #require(try await Self.signIn(client, email: email).browser)
                }
                var cases = 0
                var failures: [String] = []
                /// `expect` nil: the request must get past sign-in, store and role (whatever the action then says, never 5xx).
                func check(_ who: Who, _ method: HTTPRequest.Method, _ uri: String, expect: HTTPResponse.Status?, body: String? = nil,
                           mustNotContain: [String] = []) async throws {
                    let api = uri.hasPrefix("/api/")
                    var headers: HTTPFields = [.accept: api ? "application/json" : "text/html"]
                    if let browser = browsers[who] {
                        headers[.cookie] = browser.cookie
                        if api, method == .post { headers[.csrfToken] = browser.csrf }
                    }
                    if method == .post { headers[.contentType] = api ? "application/json" : "application/x-www-form-urlencoded" }
                    var sent = body
                    if method == .post, !api, uri != "/staff/login", uri != "/staff/logout" {
                        sent = ([body, "csrf=\(browsers[who]?.csrf ?? "")"] as [String?]).compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "&")
                    }
                    try await client.execute(uri: uri, method: method, headers: headers, body: sent.map { ByteBuffer(string: $0) }) { response in
                        cases += 1
                        let status = response.status
                        if let expect {
                            if status != expect { failures.append("\(who) \(method) \(uri): \(status.code), expected \(expect.code)") }
                        } else if status == .forbidden || status == .unauthorized || status.code >= 500
                                    || response.headers[.location]?.hasPrefix("/staff/login") == true {
                            failures.append("\(who) \(method) \(uri): \(status.code), expected to be let through")
                        }
                        if expect == .seeOther, who == .loggedOut, uri != "/staff/login",
                           response.headers[.location]?.hasPrefix("/staff/login") != true {
                            failures.append("\(who) \(method) \(uri): redirected to \(response.headers[.location] ?? "nowhere")")
                        }
                        let text = String(buffer: response.body)
                        for secret in mustNotContain where text.contains(secret) { failures.append("\(who) \(method) \(uri) shows \(secret)") }
                    }
                }

                for who in Who.allCases {
                    let signedIn = who != .loggedOut
                    // Store-agnostic routes.
                    try await check(who, .get, "/staff/login", expect: signedIn ? .seeOther : .ok)
                    try await check(who, .get, "/staff", expect: signedIn ? .ok : .seeOther)
                    try await check(who, .get, "/api/staff/me", expect: signedIn ? .ok : .unauthorized)
                    // Store routes: own store, other store, a store that does not exist.
                    for store in ["store-a", "store-b", "no-such-store"] {
                        for route in Self.storeRoutes {
                            let roles: Set<StaffRole> = switch who {
                            case .picker: [.picker]
                            case .handover: [.handover]
                            case .manager, .managerB: [.manager]
                            case .admin: Set(StaffRole.allCases)
                            case .loggedOut: []
                            }
                            let inStore = who == .admin ? store != "no-such-store" : ownStore[who] == store
                            let allowed = inStore && !roles.isDisjoint(with: route.roles)
                            let uri = route.path.replacingOccurrences(of: "{store}", with: store)
                            let refusal: HTTPResponse.Status = signedIn ? .forbidden : (uri.hasPrefix("/api/") ? .unauthorized : .seeOther)
                            let other = store == "store-a" ? "Magasin store-b" : "Magasin store-a"
                            try await check(who, route.method, uri, expect: allowed ? nil : refusal, body: route.body,
                                            mustNotContain: allowed ? [other] : ["Magasin store-a", "Magasin store-b"])
                        }
                    }
                }
                // Sign-in posted without the form's own cookie and token: refused, whoever asks.
                for who in Who.allCases {
                    try await check(who, .post, "/staff/login", expect: .forbidden, body: "csrf=x&email=admin%40example.org&password=x")
                }
                // Logging out last: it ends each session. A logged-out POST goes to the login page.
                for who in Who.allCases {
                    let csrf = browsers[who]?.csrf ?? ""
                    try await check(who, .post, "/staff/logout", expect: .seeOther, body: "csrf=\(csrf)")
                    if who != .loggedOut { try await check(who, .get, "/staff", expect: .seeOther) }
                }
                print("staff authorization matrix: \(cases) cases tried, \(failures.count) unexpected")
                #expect(failures == [])
                #expect(cases == 6 * (3 + 3 * Self.storeRoutes.count) + 6 + 6 + 5)
            }
        }
    }

    /// A store route of the console, who may use it, and a body that passes input checks or fails them harmlessly.
    struct StoreRoute {
        var method: HTTPRequest.Method
        var path: String
        var roles: Set<StaffRole>
        var body: String? = nil
    }

    static let someOrder = "00000000-0000-4000-8000-000000000001"
    static let picking: Set<StaffRole> = [.picker, .manager]
    static let counter: Set<StaffRole> = [.handover, .manager]
    static let managing: Set<StaffRole> = [.manager]

    /// Every console route, pages and API, with the roles that may use it.
    static let storeRoutes: [StoreRoute] = [
        StoreRoute(method: .get, path: "/staff/stores/{store}", roles: Set(StaffRole.allCases)),
        StoreRoute(method: .get, path: "/staff/stores/{store}/events", roles: Set(StaffRole.allCases)),
        StoreRoute(method: .get, path: "/staff/stores/{store}/picking", roles: picking),
        StoreRoute(method: .post, path: "/staff/stores/{store}/picking/claim", roles: picking, body: "zone="),
        StoreRoute(method: .post, path: "/staff/stores/{store}/picking/batch", roles: picking, body: "zone=ambient&orders=2"),
        StoreRoute(method: .get, path: "/staff/stores/{store}/tasks/999999", roles: picking),
        StoreRoute(method: .post, path: "/staff/stores/{store}/tasks/999999/lines/1/pick", roles: picking, body: "quantity=1"),
        StoreRoute(method: .post, path: "/staff/stores/{store}/tasks/999999/lines/1/substitute", roles: picking, body: "product=1&quantity=1"),
        StoreRoute(method: .post, path: "/staff/stores/{store}/tasks/999999/lines/1/missing", roles: picking),
        StoreRoute(method: .post, path: "/staff/stores/{store}/tasks/999999/stage", roles: picking, body: "location=A1"),
        StoreRoute(method: .get, path: "/staff/stores/{store}/handover", roles: counter),
        StoreRoute(method: .get, path: "/staff/stores/{store}/pickup/123456", roles: counter),
        StoreRoute(method: .post, path: "/staff/stores/{store}/handover/check-in", roles: counter, body: "code=000000"),
        StoreRoute(method: .post, path: "/staff/stores/{store}/handover/\(someOrder)", roles: counter),
        StoreRoute(method: .get, path: "/staff/stores/{store}/manager", roles: managing),
        StoreRoute(method: .post, path: "/staff/stores/{store}/orders/\(someOrder)/start", roles: managing),
        StoreRoute(method: .get, path: "/api/staff/stores/{store}/queue", roles: picking),
        StoreRoute(method: .post, path: "/api/staff/stores/{store}/claims", roles: picking, body: "{}"),
        StoreRoute(method: .post, path: "/api/staff/stores/{store}/batches", roles: picking, body: #"{"zone":"ambient","orders":2}"#),
        StoreRoute(method: .get, path: "/api/staff/stores/{store}/tasks/999999", roles: picking),
        StoreRoute(method: .get, path: "/api/staff/stores/{store}/tasks/999999/lines/1/substitutes", roles: picking),
        StoreRoute(method: .post, path: "/api/staff/stores/{store}/tasks/999999/lines/1/pick", roles: picking, body: #"{"quantity":1}"#),
        StoreRoute(method: .post, path: "/api/staff/stores/{store}/tasks/999999/lines/1/substitute", roles: picking, body: #"{"productId":1,"quantity":1}"#),
        StoreRoute(method: .post, path: "/api/staff/stores/{store}/tasks/999999/lines/1/missing", roles: picking, body: "{}"),
        StoreRoute(method: .post, path: "/api/staff/stores/{store}/tasks/999999/stage", roles: picking, body: #"{"location":"A1"}"#),
        StoreRoute(method: .get, path: "/api/staff/stores/{store}/arrivals", roles: counter),
        StoreRoute(method: .post, path: "/api/staff/stores/{store}/arrivals", roles: counter, body: #"{"pickupCode":"000000"}"#),
        StoreRoute(method: .post, path: "/api/staff/stores/{store}/orders/\(someOrder)/handover", roles: counter, body: "{}"),
        StoreRoute(method: .post, path: "/api/staff/stores/{store}/orders/\(someOrder)/start", roles: managing, body: "{}"),
        StoreRoute(method: .get, path: "/api/staff/stores/{store}/day", roles: managing),
        StoreRoute(method: .get, path: "/staff/stores/{store}/reports", roles: managing),
    ] + ["utilization", "traffic", "promises", "waits", "picking", "posters", "capacity"].flatMap { report in
        ["", ".csv", ".json"].map { StoreRoute(method: .get, path: "/staff/stores/{store}/reports/\(report)\($0)", roles: managing) }
    }

    /// What the matrix above tries; a staff route added without adding it there fails the next test.
    static var routesInMatrix: Set<String> {
        var routes: Set<String> = ["GET /staff/login", "POST /staff/login", "GET /staff", "POST /staff/logout", "GET /api/staff/me"]
        for route in storeRoutes {
            let template = route.path.replacingOccurrences(of: "999999", with: "{task}").replacingOccurrences(of: "/lines/1/", with: "/lines/{line}/")
                .replacingOccurrences(of: someOrder, with: "{order}").replacingOccurrences(of: "123456", with: "{code}")
            routes.insert("\(route.method.rawValue) \(template)")
        }
        return routes
    }

    @Test("the authorization matrix covers every staff route the router serves")
    func matrixCoversEveryStaffRoute() async throws {
        try await TestDatabase.withSchema { db in
            let dependencies = try await AppDependencies.make(Self.config(db), conninfo: db.configuration.conninfo, logger: Logger(label: "test"))
            let served = Set(buildRouter(dependencies).routes
                .filter { $0.path.description.hasPrefix("/staff") || $0.path.description.hasPrefix("/api/staff") }
                .map { "\($0.method.rawValue) \($0.path.description)" })
            #expect(served.subtracting(Self.routesInMatrix).sorted() == [], "staff routes missing from the authorization matrix")
            #expect(Self.routesInMatrix.subtracting(served).sorted() == [], "in the matrix but not served")
            try await dependencies.pool.close()
        }
    }

    @Test("a staff POST without the CSRF token, with a wrong one, or from another origin is refused and changes nothing")
    func csrf() async throws {
        try await TestDatabase.withSchema { db in
            try await Self.store(db.pool, "store-a")
            try await Self.account(db.pool, "manager@example.org", role: .manager)
            try await Self.app(db).test(.router) { client in
                let browser = try #require(try await Self.signIn(client, email: "manager@example.org").browser)
                #expect(browser.csrf.count >= 32)
                let attempts: [(String, String, HTTPFields)] = [
                    ("no token", "", [:]),
                    ("wrong token", "csrf=\(String(browser.csrf.reversed()))", [:]),
                    ("token of another length", "csrf=\(browser.csrf)x", [:]),
                    ("evil origin with the right token", "csrf=\(browser.csrf)", [.origin: "https://evil.example"]),
                    ("cross-site fetch with the right token", "csrf=\(browser.csrf)", [.secFetchSite: "cross-site"]),
                    ("null origin", "csrf=\(browser.csrf)", [.origin: "null"]),
                    ("same-site but other origin", "csrf=\(browser.csrf)", [.origin: "https://creneau.example", .secFetchSite: "same-site"]),
                    ("evil origin claiming same-origin without the token", "", [.origin: "https://evil.example", .secFetchSite: "same-origin"]),
                ]
                for (label, body, extra) in attempts {
                    var headers = Self.form
                    headers[.cookie] = browser.cookie
                    for field in extra { headers.append(field) }
                    try await client.execute(uri: "/staff/logout", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
                        #expect(response.status == .forbidden, "\(label)")
                        #expect(Self.setCookie(response, named: "__Host-creneau_staff") == nil, "\(label)")
                    }
                    // Nothing changed: the session still works.
                    try await client.execute(uri: "/staff", method: .get, headers: [.cookie: browser.cookie]) { response in
                        #expect(response.status == .ok, "session alive after \(label)")
                    }
                }
                let sessions1 = try await Self.sessions(db.pool)
                #expect(sessions1 == 1)

                // Sign-in posted from another origin, or without the form's own cookie, opens no session.
                _ = try await Self.signIn(client, email: "manager@example.org", expect: .forbidden, extraHeaders: [.origin: "https://evil.example"])
                var headers = Self.form
                headers[.origin] = "https://creneau.example"
                let body = Self.encode(["csrf": "made-up", "email": "manager@example.org", "password": "password of manager@example.org"])
                try await client.execute(uri: "/staff/login", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .forbidden)
                    #expect(Self.setCookie(response, named: "__Host-creneau_staff") == nil)
                }
                let sessionsAfterLogin = try await Self.sessions(db.pool)
                #expect(sessionsAfterLogin == 1)

                // The same POST from this very origin with the token works; Chromium says
                // "Origin: null" (pages send no Referer) with Sec-Fetch-Site: same-origin.
                var good = Self.form
                good[.cookie] = browser.cookie
                good[.origin] = "null"
                good[.secFetchSite] = "same-origin"
                try await client.execute(uri: "/staff/logout", method: .post, headers: good, body: ByteBuffer(string: "csrf=\(browser.csrf)")) { response in
                    #expect(response.status == .seeOther)
                }
                let sessions0 = try await Self.sessions(db.pool)
                #expect(sessions0 == 0)
            }
        }
    }

    @Test("pages: the landing lists stores and roles, the store's console offers what the role may do")
    func pages() async throws {
        try await TestDatabase.withSchema { db in
            try await Self.store(db.pool, "store-a")
            try await Self.store(db.pool, "store-b")
            try await Self.account(db.pool, "picker@example.org", role: .picker)
            try await Self.app(db).test(.router) { client in
                let browser = try #require(try await Self.signIn(client, email: "picker@example.org").browser)
                try await client.execute(uri: "/staff", method: .get, headers: [.cookie: browser.cookie]) { response in
                    let html = String(buffer: response.body)
                    #expect(html.contains("/staff/stores/store-a") && html.contains("préparateur"))
                    #expect(!html.contains("store-b"))
                    #expect(html.contains("name=\"csrf\""))
                }
                try await client.execute(uri: "/staff/stores/store-a", method: .get, headers: [.cookie: browser.cookie]) { response in
                    let html = String(buffer: response.body)
                    #expect(html.contains("Magasin store-a") && html.contains("préparateur"))
                    // A picker's console offers picking, not the counter nor the manager's view.
                    #expect(html.contains("id=\"tile-picking\"") && !html.contains("tile-handover") && !html.contains("tile-manager"))
                }
                try await client.execute(uri: "/api/staff/me", method: .get, headers: [.cookie: browser.cookie]) { response in
                    let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    #expect(json?["email"] as? String == "picker@example.org")
                    #expect((json?["stores"] as? [[String: Any]])?.map { $0["slug"] as? String } == ["store-a"])
                    #expect(json?["csrfToken"] as? String == browser.csrf)
                }
                try await client.execute(uri: "/api/staff/me", method: .get) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
                // Signed out, a page sends to the login form, which comes back to it after sign-in.
                let location = try await client.execute(uri: "/staff/stores/store-a", method: .get) { $0.headers[.location] ?? "" }
                #expect(location.hasPrefix("/staff/login?next="))
                try await client.execute(uri: location, method: .get) { response in
                    #expect(Self.hidden("next", in: String(buffer: response.body)) == "/staff/stores/store-a")
                }
                // Only paths of the staff area are followed after sign-in.
                #expect(StaffPages.safeNext("//evil.example") == "/staff")
                #expect(StaffPages.safeNext("https://evil.example/staff") == "/staff")
                #expect(StaffPages.safeNext("/staff/stores/store-a") == "/staff/stores/store-a")
            }
        }
    }
}
