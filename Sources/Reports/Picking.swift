import Foundation
import Postgres

public struct PickingDay: Sendable, Codable, Equatable {
    /// A local day (of the slots the work was for), or "all".
    public var day: String
    /// Lines of the tasks picked to the end (picked, substituted or missing: each was handled).
    public var lines: Int
    /// Orders made ready (every tote staged).
    public var ordersReady: Int
    /// Hours some picker had at least one task claimed and not yet picked (see notes).
    public var activePickerHours: Double
    /// Hours of picker shifts on the roster starting that day.
    public var rosteredPickerHours: Double
    public var linesPerActiveHour: Double?
    public var ordersPerActiveHour: Double?
    public var linesPerRosteredHour: Double?
}

public struct PickingRates: Sendable, Codable, Equatable {
    /// "ambient", "chilled" or "frozen".
    public var zone: String
    /// Nil for a zone's own row.
    public var productID: Int64?
    public var product: String?
    public var lines: Int
    public var substituted: Int
    public var missing: Int
    public var substitutionRate: Double?
    public var missingRate: Double?
}

public struct PickingReport: Report, Equatable {
    public var range: ReportRange
    public var total: PickingDay
    public var days: [PickingDay]
    public var zones: [PickingRates]
    /// Most substituted and missing first.
    public var products: [PickingRates]
}

extension ReportService {
    /// Picking productivity and quality for the work due in the range (tasks by their slot start).
    public func picking(storeID: Int64, range: ReportRange) async throws -> PickingReport {
        let bounds = try await bounds(storeID: storeID, range)
        let tz = bounds.timeZone
        // The two statements are independent: they run side by side on two connections.
        async let dayRows = rows("""
            WITH tasks AS (
                -- What each claim adds to its picker's time already covered by their earlier claims
                -- (batches are claimed together and picked in one walk): summed, the length of the
                -- union of the claim → picked intervals, with one sort and one window.
                SELECT (t.due_at AT TIME ZONE \(tz))::date AS day, t.task_lines,
                       CASE WHEN t.picked_at >= t.claimed_at THEN greatest(0, extract(epoch FROM t.picked_at - greatest(t.claimed_at, coalesce(
                           max(CASE WHEN t.picked_at >= t.claimed_at THEN t.picked_at END) OVER (
                               PARTITION BY t.claimed_by ORDER BY t.claimed_at, t.picked_at ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
                           t.claimed_at)))) ELSE 0 END::float8 AS seconds
                  FROM picking_tasks t
                 WHERE t.store_id = \(storeID) AND t.due_at >= \(bounds.lo) AND t.due_at < \(bounds.hi) AND t.picked_at IS NOT NULL
            ), worked AS (
                SELECT day, sum(task_lines)::int AS lines, sum(seconds) / 3600 AS hours FROM tasks GROUP BY day
            ), ready AS (
                SELECT (o.slot_starts_at AT TIME ZONE \(tz))::date AS day, count(*)::int AS orders
                  FROM orders o
                 WHERE o.store_id = \(storeID) AND o.status <> 'cancelled'
                   AND o.slot_starts_at >= \(bounds.lo) AND o.slot_starts_at < \(bounds.hi) AND o.ready_at IS NOT NULL
                 GROUP BY 1
            ), rostered AS (
                SELECT (r.starts_at AT TIME ZONE \(tz))::date AS day,
                       sum(extract(epoch FROM r.ends_at - r.starts_at))::float8 / 3600 AS hours
                  FROM roster_shifts r
                 WHERE r.store_id = \(storeID) AND r.role = 'picker' AND r.starts_at >= \(bounds.lo) AND r.starts_at < \(bounds.hi)
                 GROUP BY 1
            )
            SELECT to_char(d.day, 'YYYY-MM-DD') AS day, coalesce(w.lines, 0) AS lines, coalesce(r.orders, 0) AS orders,
                   coalesce(w.hours, 0) AS active_hours, coalesce(ro.hours, 0) AS rostered_hours
              FROM (SELECT day FROM worked UNION SELECT day FROM ready UNION SELECT day FROM rostered) d
              LEFT JOIN worked w ON w.day = d.day
              LEFT JOIN ready r ON r.day = d.day
              LEFT JOIN rostered ro ON ro.day = d.day
             ORDER BY d.day
            """)
        // Lines per product are those of the orders made ready (every line of them was handled),
        // read in one pass with the few replaced or missing ones (from the partial index of
        // picking_lines) beside them; a product has one zone, so zones are sums of products.
        async let productRows = rows("""
            WITH ready AS (
                SELECT o.order_id FROM orders o
                 WHERE o.store_id = \(storeID) AND o.status <> 'cancelled'
                   AND o.slot_starts_at >= \(bounds.lo) AND o.slot_starts_at < \(bounds.hi) AND o.ready_at IS NOT NULL
            ), trouble AS (
                -- A line is handled after its order was placed, at most a slot horizon (60 days,
                -- slot_templates) before its slot: that bounds the index range read.
                SELECT pl.order_id, pl.line_no, pl.status FROM picking_lines pl
                 WHERE pl.store_id = \(storeID) AND pl.status IN ('substituted', 'missing')
                   AND pl.done_at >= \(bounds.lo) - interval '61 days' AND pl.done_at < \(bounds.hi)
            ), handled AS (
                SELECT ol.temperature_zone AS zone, ol.product_id, count(*)::int AS lines,
                       count(*) FILTER (WHERE t.status = 'substituted')::int AS substituted,
                       count(*) FILTER (WHERE t.status = 'missing')::int AS missing
                  FROM ready r
                  JOIN order_lines ol ON ol.store_id = \(storeID) AND ol.order_id = r.order_id
                  LEFT JOIN trouble t ON t.order_id = ol.order_id AND t.line_no = ol.line_no
                 GROUP BY ol.temperature_zone, ol.product_id
            )
            SELECT h.zone, h.product_id, p.name, h.lines, h.substituted, h.missing
              FROM handled h JOIN products p ON p.product_id = h.product_id
            """)
        let days = try await dayRows.map { row in
            PickingDay(
                day: try row.decode(String.self, "day"), lines: try row.decode(Int.self, "lines"), ordersReady: try row.decode(Int.self, "orders"),
                activePickerHours: try row.decode(Double.self, "active_hours"), rosteredPickerHours: try row.decode(Double.self, "rostered_hours")
            ).withRates()
        }
        let products = try await productRows.map { row in
            PickingRates(
                zone: try row.decode(String.self, "zone"), productID: try row.decode(Int64.self, "product_id"), product: try row.decode(String.self, "name"),
                lines: try row.decode(Int.self, "lines"), substituted: try row.decode(Int.self, "substituted"), missing: try row.decode(Int.self, "missing")
            ).withRates()
        }
        let total = PickingDay(
            day: "all", lines: days.reduce(0) { $0 + $1.lines }, ordersReady: days.reduce(0) { $0 + $1.ordersReady },
            activePickerHours: days.reduce(0) { $0 + $1.activePickerHours }, rosteredPickerHours: days.reduce(0) { $0 + $1.rosteredPickerHours }
        ).withRates()
        var zones: [String: PickingRates] = [:]
        for product in products {
            var zone = zones[product.zone] ?? PickingRates(zone: product.zone, lines: 0, substituted: 0, missing: 0)
            zone.lines += product.lines
            zone.substituted += product.substituted
            zone.missing += product.missing
            zones[product.zone] = zone.withRates()
        }
        let zoneOrder = ["ambient": 0, "chilled": 1, "frozen": 2]
        return PickingReport(
            range: range, total: total, days: days,
            zones: zones.values.sorted { zoneOrder[$0.zone] ?? 3 < zoneOrder[$1.zone] ?? 3 },
            products: products.sorted {
                ($0.substituted + $0.missing, $0.lines, $1.product ?? "") > ($1.substituted + $1.missing, $1.lines, $0.product ?? "")
            }
        )
    }
}

extension PickingRates {
    func withRates() -> PickingRates {
        var rates = self
        rates.substitutionRate = ratio(substituted, lines)
        rates.missingRate = ratio(missing, lines)
        return rates
    }
}

extension PickingDay {
    func withRates() -> PickingDay {
        var day = self
        day.linesPerActiveHour = ratio(Double(lines), activePickerHours)
        day.ordersPerActiveHour = ratio(Double(ordersReady), activePickerHours)
        day.linesPerRosteredHour = ratio(Double(lines), rosteredPickerHours)
        return day
    }
}

extension PickingReport {
    public var notes: [String] {
        [
            "Heures de préparateur actives : pour chaque préparateur, la réunion des intervalles prise en charge → dernier article traité de ses bacs "
                + "(des bacs pris ensemble ne comptent qu’une fois) ; l’attente entre deux bacs n’y est pas. "
                + "Heures au planning : durée des services « préparation » commençant ce jour-là, attente comprise.",
            "Lignes : lignes des bacs terminés (prises, remplacées ou manquantes). Commandes : commandes prêtes (tous bacs déposés). "
                + "Jour : celui du créneau des commandes. Taux de remplacement et de manquants, par zone et par produit : "
                + "sur les lignes des commandes prêtes (toutes traitées).",
        ]
    }

    static let rateColumns = [("lines", "Lignes"), ("substituted", "Remplacées"), ("missing", "Manquantes"),
                              ("substitution_rate", "Taux remplacement"), ("missing_rate", "Taux manquant")]

    static func rateCells(_ rates: PickingRates) -> [String] {
        [Cell.int(rates.lines), Cell.int(rates.substituted), Cell.int(rates.missing), Cell.share(rates.substitutionRate), Cell.share(rates.missingRate)]
    }

    public var tables: [ReportTable] {
        [
            ReportTable("days", "Par jour", [("day", "Jour"), ("lines", "Lignes"), ("orders_ready", "Commandes prêtes"),
                                             ("active_picker_hours", "Heures actives"), ("rostered_picker_hours", "Heures au planning"),
                                             ("lines_per_active_hour", "Lignes / heure active"), ("orders_per_active_hour", "Commandes / heure active"),
                                             ("lines_per_rostered_hour", "Lignes / heure au planning")],
                        rows: (days + [total]).map { [$0.day, Cell.int($0.lines), Cell.int($0.ordersReady), Cell.number($0.activePickerHours),
                                                      Cell.number($0.rosteredPickerHours), Cell.number($0.linesPerActiveHour, places: 1),
                                                      Cell.number($0.ordersPerActiveHour), Cell.number($0.linesPerRosteredHour, places: 1)] }),
            ReportTable("zones", "Par zone", [("zone", "Zone")] + Self.rateColumns, rows: zones.map { [$0.zone] + Self.rateCells($0) }),
            ReportTable("products", "Par produit", [("zone", "Zone"), ("product_id", "N°"), ("product", "Produit")] + Self.rateColumns,
                        rows: products.map { [$0.zone, $0.productID.map(String.init) ?? "", $0.product ?? ""] + Self.rateCells($0) }),
        ]
    }

    public var charts: [String] {
        [
            Chart.bars(
                id: "chart-picking-days", title: "Lignes préparées par heure de préparateur, par jour",
                description: "Pour chaque jour : lignes par heure active (bacs en main) et par heure au planning.",
                labels: days.map(\.day),
                series: [Chart.Series(name: "par heure active", colour: "#2e7d32", values: days.map(\.linesPerActiveHour)),
                         Chart.Series(name: "par heure au planning", colour: "#a5d6a7", values: days.map(\.linesPerRosteredHour))]
            ),
            Chart.bars(
                id: "chart-picking-zones", title: "Remplacements et manquants par zone (part des lignes)",
                description: "Pour chaque zone de température : part des lignes remplacées et part des lignes manquantes.",
                labels: zones.map(\.zone),
                series: [Chart.Series(name: "remplacées", colour: "#f9a825", values: zones.map(\.substitutionRate)),
                         Chart.Series(name: "manquantes", colour: "#c62828", values: zones.map(\.missingRate))]
            ),
        ]
    }
}
