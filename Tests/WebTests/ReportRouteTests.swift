import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
import Testing
import TestSupport
@testable import Web

/// The managers' report pages, CSV and JSON through the real router, on a store seeded like
/// the demo (roster, forecast, slots) with one order; the numbers themselves are checked
/// against hand-counted data in ReportsTests.
@Suite("Report routes")
struct ReportRouteTests {
    typealias Staff = StaffRouteTests

    static let reports = ["utilization", "traffic", "promises", "waits", "picking", "posters", "capacity"]

    static func get(_ client: some TestClientProtocol, _ browser: Staff.Browser, _ uri: String, accept: String = "text/html")
        async throws -> (status: HTTPResponse.Status, type: String?, body: String, headers: HTTPFields) {
        try await client.execute(uri: uri, method: .get, headers: [.cookie: browser.cookie, .accept: accept]) { response in
            (response.status, response.headers[.contentType], String(buffer: response.body), response.headers)
        }
    }

    @Test("each report: a page with its range form, an accessible SVG chart without inline styles, its CSV tables and its JSON")
    func pages() async throws {
        try await TestDatabase.withSchema { db in
            let shop = try await ConsoleRouteTests.shop(db)
            let base = "/staff/stores/\(shop.catalog.slug)/reports"
            try await ConsoleRouteTests.app(db).test(.router) { client in
                let manager = try #require(try await Staff.signIn(client, email: "manager@example.org").browser)
                let index = try await Self.get(client, manager, base)
                #expect(index.status == .ok)
                for report in Self.reports { #expect(index.body.contains("href=\"\(base)/\(report)?from="), "\(report) linked") }
                let home = try await Self.get(client, manager, "/staff/stores/\(shop.catalog.slug)")
                #expect(home.body.contains("id=\"tile-reports\""))
                let day = try await Self.get(client, manager, "/staff/stores/\(shop.catalog.slug)/manager")
                #expect(day.body.contains("id=\"link-reports\""))

                for report in Self.reports {
                    let page = try await Self.get(client, manager, "\(base)/\(report)")
                    #expect(page.status == .ok, "\(report)")
                    #expect(page.body.contains("<svg") && page.body.contains("role=\"img\"") && page.body.contains("<title id=\"chart-"), "\(report)")
                    #expect(!page.body.contains("style="), "\(report): the CSP forbids inline styles")
                    #expect(page.body.contains("name=\"from\"") && page.body.contains("name=\"to\""), "\(report)")
                    #expect(page.headers[.contentSecurityPolicy]?.contains("style-src 'self'") == true)

                    let json = try await Self.get(client, manager, "\(base)/\(report).json", accept: "application/json")
                    #expect(json.status == .ok && json.type == "application/json", "\(report)")
                    let object = try JSONSerialization.jsonObject(with: Data(json.body.utf8)) as? [String: Any]
                    #expect((object?["range"] as? [String: String])?["from"] != nil, "\(report)")

                    let csv = try await Self.get(client, manager, "\(base)/\(report).csv", accept: "text/csv")
                    #expect(csv.status == .ok && csv.type == "text/csv; charset=utf-8", "\(report)")
                    #expect(csv.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"\(shop.catalog.slug)-\(report)-") == true)
                    #expect(csv.body.hasSuffix("\r\n") && !csv.body.isEmpty, "\(report)")
                }
                // The demo roster gives next week's hours; the seeded slots are booked by one order today.
                let capacity = try await Self.get(client, manager, "\(base)/capacity.csv")
                #expect(capacity.body.hasPrefix("day,hour,demand_orders,footfall,pickers_needed,pickers_rostered,handover_needed,handover_rostered\r\n"))
                #expect(capacity.body.split(separator: "\r\n").count > 1, "next week has open hours")
                let utilization = try await Self.get(client, manager, "\(base)/utilization.csv?table=slots")
                #expect(utilization.body.hasPrefix("day,time,booked,capacity,utilization,closed,at_risk\r\n"))
                let unknown = try await Self.get(client, manager, "\(base)/utilization.csv?table=nope", accept: "text/csv")
                #expect(unknown.status == .notFound && unknown.type == "application/problem+json")
            }
        }
    }

    @Test("a bad range is a 400 the manager can read: the page with the reason, problem+json for CSV and JSON; never a 5xx")
    func badRanges() async throws {
        try await TestDatabase.withSchema { db in
            let shop = try await ConsoleRouteTests.shop(db)
            let base = "/staff/stores/\(shop.catalog.slug)/reports"
            try await ConsoleRouteTests.app(db).test(.router) { client in
                let manager = try #require(try await Staff.signIn(client, email: "manager@example.org").browser)
                let cases: [(String, String)] = [
                    ("from=2026-11-04&to=2026-11-03", "comes after the end date"),
                    ("from=2025-01-01&to=2026-01-02", "at most 366 days"),
                    ("from=2026-02-30&to=2026-03-01", "calendar date"),
                    ("from=yesterday", "calendar date"),
                    ("to=%3Cscript%3E", "calendar date"),
                ]
                for report in Self.reports {
                    for (query, reason) in cases {
                        let page = try await Self.get(client, manager, "\(base)/\(report)?\(query)")
                        #expect(page.status == .badRequest, "\(report)?\(query)")
                        #expect(page.body.contains(reason) && page.body.contains("id=\"error\""), "\(report)?\(query)")
                        #expect(!page.body.contains("<script>") && !page.body.contains("<svg"), "\(report)?\(query)")
                        for format in [".json", ".csv"] {
                            let file = try await Self.get(client, manager, "\(base)/\(report)\(format)?\(query)", accept: "application/json")
                            #expect(file.status == .badRequest && file.type == "application/problem+json", "\(report)\(format)?\(query)")
                            #expect(file.body.contains("invalid-report-request") && file.body.contains(reason), "\(report)\(format)?\(query)")
                        }
                    }
                }
            }
        }
    }
}
