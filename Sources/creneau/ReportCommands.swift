import ArgumentParser
import Domain
import Foundation
import Postgres
import Reports
import Shelf
import Slots
import Web

extension ReportKind: ExpressibleByArgument {}

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print a capacity report: the numbers of the managers' report pages.",
        discussion: "Reports: \(ReportKind.allCases.map(\.rawValue).joined(separator: ", ")). "
            + "Dates are the store's local days, both included; by default the last 7 days, or next week for capacity."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json
    }

    @Argument(help: "Which report.") var name: ReportKind
    @Option(help: "Store slug.") var store: String
    @Option(help: "First day, YYYY-MM-DD.") var from: String?
    @Option(help: "Last day, YYYY-MM-DD.") var to: String?
    @Option(help: "table, csv or json.") var format: Format = .table
    @Option(help: "With --format csv: which of the report's tables (default: its first).") var table: String?
    @Flag(help: "Print on stderr how long the report took, in milliseconds.") var timing = false
    @Flag(help: "Print on stderr the plan of each statement (EXPLAIN ANALYZE, run before the statement itself).") var explain = false
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await database.withPool { pool, config, logger in
            let shop = try await ShelfService(pool: pool, publicBaseURL: config.publicBaseURL).store(slug: store)
            let fallback = name.defaultRange(today: ReportRange.today(timeZone: shop.timeZone))
            let range = try ReportRange(from: from ?? fallback.from, to: to ?? fallback.to)
            let plans = explain ? PlanLog() : nil
            let service = ReportService(pool: pool, slots: SlotService(pool: pool, logger: logger), plans: plans)
            let clock = ContinuousClock()
            let started = clock.now
            let report = try await service.report(name, storeID: shop.id, range: range)
            let elapsed = clock.now - started
            switch format {
            case .table:
                print(report.tables.map(\.text).joined(separator: "\n"), terminator: "")
                report.notes.forEach { print("\n" + $0) }
            case .csv:
                guard let chosen = table.map({ name in report.tables.first { $0.name == name } }) ?? report.tables.first else {
                    throw ValidationError("The tables of this report are: \(report.tables.map(\.name).joined(separator: ", ")).")
                }
                print(chosen.csv, terminator: "")
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            }
            if let plans {
                for plan in plans.all { FileHandle.standardError.write(Data((plan + "\n\n").utf8)) }
            }
            if timing {
                FileHandle.standardError.write(Data("report \(name.rawValue) \(range.from)..\(range.to): \(String(format: "%.1f", elapsed.inMilliseconds)) ms\n".utf8))
            }
        }
    }
}
