import Domain
import Forecast
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Reports
import Staff

/// The managers' reports: an index, and per report a page (SVG charts and tables), its
/// tables as CSV and its numbers as JSON, all from the same `ReportService` call. Manager
/// only (an admin too), through `StaffAccess.inStore` like every console page.
func addReportRoutes(to router: Router<AppRequestContext>, _ dependencies: AppDependencies) {
    let access = StaffAccess(dependencies: dependencies)
    let pages = ReportPages(dependencies: dependencies)
    let base = "/staff/stores/:store/reports"
    router.get(RouterPath(base), use: access.inStore(ConsoleRoles.managing, pages.index))
    for kind in ReportKind.allCases {
        router.get(RouterPath("\(base)/\(kind.rawValue)"), use: access.inStore(ConsoleRoles.managing) { request, context, signed, store, _ in
            try await pages.page(kind, request, signed, store)
        })
        router.get(RouterPath("\(base)/\(kind.rawValue).csv"), use: access.inStore(ConsoleRoles.managing) { request, context, signed, store, _ in
            try await pages.csv(kind, request, store)
        })
        router.get(RouterPath("\(base)/\(kind.rawValue).json"), use: access.inStore(ConsoleRoles.managing) { request, context, signed, store, _ in
            try await pages.json(kind, request, store)
        })
    }
}

struct ReportPages: Sendable {
    let dependencies: AppDependencies

    var console: ConsolePages { ConsolePages(dependencies: dependencies) }

    /// The range asked for (`from`, `to`), each end defaulting to the report's usual range
    /// in the store's calendar: the last 7 days to today, or next week for capacity planning.
    static func range(_ request: Request, _ kind: ReportKind, timeZone: String) throws -> ReportRange {
        let fallback = defaultRange(kind, timeZone: timeZone)
        func field(_ name: String) -> String? {
            request.uri.queryParameters.get(name).flatMap { $0.isEmpty ? nil : String($0.prefix(40)) }
        }
        return try ReportRange(from: field("from") ?? fallback.from, to: field("to") ?? fallback.to)
    }

    static func defaultRange(_ kind: ReportKind, timeZone: String) -> ReportRange {
        kind.defaultRange(today: ReportRange.today(timeZone: timeZone))
    }

    static func query(_ range: ReportRange) -> String { "from=\(range.from)&to=\(range.to)" }

    // MARK: Index

    struct Entry: Sendable {
        var slug: String
        var title: String
        var summary: String
        var query: String
    }

    struct IndexView: Sendable {
        var frame: ConsolePages.Frame
        var reports: [Entry]
    }

    @Sendable func index(_ request: Request, context: AppRequestContext, signed: StaffAccess.Signed, store: StoreAccess, form: [String: String]) async throws -> Response {
        dependencies.pages.render("console-reports", IndexView(
            frame: console.frame(signed, store),
            reports: ReportKind.allCases.map { kind in
                Entry(slug: kind.rawValue, title: kind.title, summary: kind.summary, query: Self.query(Self.defaultRange(kind, timeZone: store.timeZone)))
            }
        ))
    }

    // MARK: One report

    struct TableView: Sendable {
        struct Row: Sendable { var cells: [String] }
        var name: String
        var title: String
        var columns: [String]
        var rows: [Row]
        var csv: String
        var empty: Bool
    }

    struct ReportView: Sendable {
        var frame: ConsolePages.Frame
        var slug: String
        var title: String
        var summary: String
        var from: String
        var to: String
        var query: String
        var hasData: Bool
        var notes: [String]
        var charts: [String]
        var tables: [TableView]
    }

    func page(_ kind: ReportKind, _ request: Request, _ signed: StaffAccess.Signed, _ store: StoreAccess) async throws -> Response {
        let asked = (from: request.uri.queryParameters.get("from").map { String($0.prefix(40)) },
                     to: request.uri.queryParameters.get("to").map { String($0.prefix(40)) })
        var view = ReportView(
            frame: console.frame(signed, store), slug: kind.rawValue, title: kind.title, summary: kind.summary,
            from: asked.from ?? "", to: asked.to ?? "", query: "", hasData: false, notes: [], charts: [], tables: []
        )
        do {
            let range = try Self.range(request, kind, timeZone: store.timeZone)
            let report = try await dependencies.reports.report(kind, storeID: store.storeID, range: range)
            let query = Self.query(range)
            let base = "/staff/stores/\(store.slug)/reports/\(kind.rawValue)"
            view.from = range.from
            view.to = range.to
            view.query = query
            view.hasData = true
            view.notes = report.notes
            view.charts = report.charts
            view.tables = report.tables.map { table in
                TableView(
                    name: table.name, title: table.title, columns: table.columns.map(\.label),
                    rows: table.rows.map { TableView.Row(cells: $0) }, csv: "\(base).csv?\(query)&table=\(table.name)", empty: table.rows.isEmpty
                )
            }
            return dependencies.pages.render("console-report", view)
        } catch let error as any DomainError {
            // The form again with what is wrong in it, nothing else: the numbers of another range would mislead.
            view.frame.error = error.detail
            return dependencies.pages.render("console-report", view, status: error.kind.status)
        }
    }

    // MARK: Files

    func csv(_ kind: ReportKind, _ request: Request, _ store: StoreAccess) async throws -> Response {
        let range = try Self.range(request, kind, timeZone: store.timeZone)
        let report = try await dependencies.reports.report(kind, storeID: store.storeID, range: range)
        let name = request.uri.queryParameters.get("table").map { String($0) }
        guard let table = name.map({ name in report.tables.first { $0.name == name } }) ?? report.tables.first else {
            throw Problem(.notFound, type: "unknown-table",
                          detail: "This report has the tables \(report.tables.map(\.name).joined(separator: ", ")).")
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(store.slug)-\(kind.rawValue)-\(table.name)-\(range.from)-\(range.to).csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: table.csv)))
    }

    func json(_ kind: ReportKind, _ request: Request, _ store: StoreAccess) async throws -> Response {
        let range = try Self.range(request, kind, timeZone: store.timeZone)
        return try Respond.json(try await dependencies.reports.report(kind, storeID: store.storeID, range: range))
    }
}
