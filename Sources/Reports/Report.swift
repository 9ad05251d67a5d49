import Domain
import Foundation

/// The reports, by the name used in addresses (`/reports/<name>`) and on the command line.
public enum ReportKind: String, CaseIterable, Sendable, Codable {
    case utilization, traffic, promises, waits, picking, posters, capacity

    public var title: String {
        switch self {
        case .utilization: "Remplissage des créneaux"
        case .traffic: "Fréquentation : prévue et réelle"
        case .promises: "Promesses tenues"
        case .waits: "Attente au retrait"
        case .picking: "Préparation"
        case .posters: "Affiches"
        case .capacity: "Besoins en personnel"
        }
    }

    public var summary: String {
        switch self {
        case .utilization: "réservé / capacité par jour et créneau, créneaux fermés et à risque"
        case .traffic: "prévision horaire (p10–p90) face aux passages observés"
        case .promises: "commandes prêtes à l’heure, remises dans l’attente promise, retards"
        case .waits: "attente p50, p90, p99 par jour et histogramme"
        case .picking: "lignes et commandes par heure de préparateur, remplacements et manquants"
        case .posters: "scans et conversion en panier et en commande par affiche et produit"
        case .capacity: "préparateurs et agents de remise nécessaires par heure"
        }
    }

    /// Capacity planning looks ahead; every other report looks back.
    public var looksAhead: Bool { self == .capacity }
}

/// One table of a report: what the page shows, the CSV holds and the terminal prints.
public struct ReportTable: Sendable, Codable, Equatable {
    public struct Column: Sendable, Codable, Equatable {
        /// CSV header and JSON-friendly name.
        public var key: String
        /// Column heading on the page.
        public var label: String
    }

    /// Named in addresses: `…/utilization.csv?table=days`.
    public var name: String
    public var title: String
    public var columns: [Column]
    public var rows: [[String]]

    init(_ name: String, _ title: String, _ columns: [(String, String)], rows: [[String]]) {
        self.name = name
        self.title = title
        self.columns = columns.map { Column(key: $0.0, label: $0.1) }
        self.rows = rows
    }

    /// RFC 4180: CRLF line ends, fields quoted when they hold a comma, a quote or a line end.
    public var csv: String {
        func field(_ text: String) -> String {
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return ([columns.map(\.key)] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// Aligned columns for a terminal.
    public var text: String {
        let header = columns.map(\.key)
        let widths = header.indices.map { column in
            ([header] + rows).map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([title, line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}

/// What every report offers besides its own Codable numbers.
public protocol Report: Codable, Sendable {
    var range: ReportRange { get }
    /// How the numbers are defined, in a sentence or two the page shows.
    var notes: [String] { get }
    var tables: [ReportTable] { get }
    /// Server-side SVG, one document per chart.
    var charts: [String] { get }
}

/// How numbers are written in tables and CSV: a dot for decimals, fixed places, empty for none.
enum Cell {
    static func number(_ value: Double?, places: Int = 2) -> String {
        guard let value, value.isFinite else { return "" }
        return NumberText.fixed(value, places: places)
    }

    static func int(_ value: Int) -> String { String(value) }

    /// A share as a fraction (0.875), so CSV readers compute with it.
    static func share(_ value: Double?) -> String { number(value, places: 3) }

    static func flag(_ value: Bool) -> String { value ? "yes" : "no" }
}

/// part ÷ whole, nil when there is no whole.
func ratio(_ part: Int, _ whole: Int) -> Double? { whole > 0 ? Double(part) / Double(whole) : nil }
func ratio(_ part: Double, _ whole: Double) -> Double? { whole > 0 ? part / whole : nil }
