import Domain
import Forecast
import Foundation
import Postgres
import Slots

public struct StaffingHour: Sendable, Codable, Equatable {
    public var day: String
    /// Local hour of the slots' start, 0–23.
    public var hour: Int
    /// Orders expected for slots starting in this hour (see notes).
    public var demandOrders: Double
    /// Forecast footfall (mean) of the hour; nil without a forecast.
    public var footfall: Double?
    /// Pickers needed during the picking window for these orders to be staged before their slots.
    public var pickersNeeded: Int
    /// Staff at the counter for these pickups to wait within the promise.
    public var handoverNeeded: Int
    /// Picker shifts on the roster covering the hour before (where the picking happens).
    public var pickersRostered: Int
    /// Handover shifts on the roster covering the hour.
    public var handoverRostered: Int
}

public struct CapacityPlanReport: Report, Equatable {
    public var range: ReportRange
    /// The four whole weeks of orders the demand is taken from.
    public var historyFrom: String
    public var historyTo: String
    public var promiseMinutes: Double
    public var hours: [StaffingHour]
}

extension ReportService {
    /// Weeks of order history behind each hour's expected demand.
    public static let demandHistoryWeeks = 4
    /// No answer above these: the need is then off the scale of any store.
    static let maxStaff = 60

    /// For the open slots of the range (normally next week), the pickers and counter staff
    /// each hour needs to sell its expected orders within the promise: the allocator's own
    /// capacity model (`SlotCapacityModel`, Erlang C at the counter) run backwards, searching
    /// the smallest staff whose capacity covers the demand.
    public func capacityPlan(storeID: Int64, range: ReportRange, now: Date = WallClock.now()) async throws -> CapacityPlanReport {
        let bounds = try await bounds(storeID: storeID, range)
        let tz = bounds.timeZone
        let weeks = Self.demandHistoryWeeks
        let rows = try await rows("""
            WITH history_range AS (
                SELECT (date_trunc('day', \(now) AT TIME ZONE \(tz)) - make_interval(days => \(Int32(7 * weeks)))) AT TIME ZONE \(tz) AS lo,
                       date_trunc('day', \(now) AT TIME ZONE \(tz)) AT TIME ZONE \(tz) AS hi
            ), hours AS (
                SELECT date_trunc('hour', s.starts_at AT TIME ZONE \(tz)) AS local_hour
                  FROM slots s
                 WHERE s.store_id = \(storeID) AND s.status = 'open' AND s.starts_at >= \(bounds.lo) AND s.starts_at < \(bounds.hi)
                 GROUP BY 1
            ), history AS (
                SELECT extract(isodow FROM o.slot_starts_at AT TIME ZONE \(tz))::int AS weekday,
                       extract(hour FROM o.slot_starts_at AT TIME ZONE \(tz))::int AS hour,
                       count(*)::float8 / \(Int32(weeks)) AS orders
                  FROM orders o
                 WHERE o.store_id = \(storeID) AND o.status <> 'cancelled'
                   AND o.slot_starts_at >= (SELECT lo FROM history_range) AND o.slot_starts_at < (SELECT hi FROM history_range)
                 GROUP BY 1, 2
            )
            SELECT to_char(h.local_hour, 'YYYY-MM-DD') AS day, extract(hour FROM h.local_hour)::int AS hour,
                   coalesce(hi.orders, 0) AS demand, f.mean AS footfall,
                   to_char((SELECT lo FROM history_range) AT TIME ZONE \(tz), 'YYYY-MM-DD') AS history_from,
                   to_char((SELECT hi FROM history_range) AT TIME ZONE \(tz) - interval '1 day', 'YYYY-MM-DD') AS history_to,
                   (SELECT count(*) FROM roster_shifts r
                     WHERE r.store_id = \(storeID) AND r.role = 'picker'
                       AND r.starts_at <= (h.local_hour - interval '1 hour') AT TIME ZONE \(tz)
                       AND r.starts_at > (h.local_hour - interval '1 hour') AT TIME ZONE \(tz) - interval '16 hours'
                       AND r.ends_at >= h.local_hour AT TIME ZONE \(tz))::int AS pickers_rostered,
                   (SELECT count(*) FROM roster_shifts r
                     WHERE r.store_id = \(storeID) AND r.role = 'handover'
                       AND r.starts_at <= h.local_hour AT TIME ZONE \(tz)
                       AND r.starts_at > h.local_hour AT TIME ZONE \(tz) - interval '16 hours'
                       AND r.ends_at >= (h.local_hour + interval '1 hour') AT TIME ZONE \(tz))::int AS handover_rostered
              FROM hours h
              LEFT JOIN history hi ON hi.weekday = extract(isodow FROM h.local_hour) AND hi.hour = extract(hour FROM h.local_hour)
              LEFT JOIN busyness_forecasts f ON f.store_id = \(storeID) AND f.hour = h.local_hour AT TIME ZONE \(tz)
             ORDER BY h.local_hour
            """)
        var report = CapacityPlanReport(range: range, historyFrom: "", historyTo: "", promiseMinutes: 0, hours: [])
        guard let capacity = try await slots.capacityModel(storeID: storeID) else { return report }
        report.promiseMinutes = capacity.template.promiseMinutes
        for row in rows {
            report.historyFrom = try row.decode(String.self, "history_from")
            report.historyTo = try row.decode(String.self, "history_to")
            let demand = try row.decode(Double.self, "demand")
            let footfall = try row.decode(Double?.self, "footfall")
            let orders = Int(demand.rounded(.up))
            let pickers: Int?
            let counter: Int?
            do {
                let busyness = footfall.flatMap { capacity.scale?.ratio($0) } ?? 1
                pickers = try (0...Self.maxStaff).first { staff in
                    try capacity.model.picking(pickerMinutes: Double(staff) * 60, busyness: busyness, linesPerOrder: capacity.template.linesPerOrder).orders >= orders
                }
                counter = try (0...Self.maxStaff).first { staff in
                    try capacity.model.handover(staff: staff, slotMinutes: 60, footfallPerHour: footfall ?? 0).orders >= orders
                }
            } catch {
                throw ReportError.invalid("The capacity settings of this store are out of range: \(error).")
            }
            report.hours.append(StaffingHour(
                day: try row.decode(String.self, "day"), hour: try row.decode(Int.self, "hour"), demandOrders: demand, footfall: footfall,
                pickersNeeded: pickers ?? Self.maxStaff, handoverNeeded: counter ?? Self.maxStaff,
                pickersRostered: try row.decode(Int.self, "pickers_rostered"), handoverRostered: try row.decode(Int.self, "handover_rostered")
            ))
        }
        return report
    }
}

extension CapacityPlanReport {
    public var notes: [String] {
        [
            "Demande : commandes moyennes du même jour de la semaine et de la même heure de créneau sur les \(ReportService.demandHistoryWeeks) semaines "
                + "du \(historyFrom.isEmpty ? "—" : historyFrom) au \(historyTo.isEmpty ? "—" : historyTo), arrondies à la commande supérieure.",
            "Préparateurs : le plus petit effectif dont une heure de préparation (ralentie par l’affluence prévue) couvre ces commandes ; "
                + "comparé aux préparateurs au planning l’heure précédente, où se fait la préparation. "
                + "Remise : le plus petit effectif au comptoir pour lequel, avec les clients du magasin qui s’y présentent aussi, "
                + "au moins 95 % attendent moins de \(Cell.number(promiseMinutes, places: 0)) min (Erlang C) ; comparé au planning de l’heure.",
        ]
    }

    public var tables: [ReportTable] {
        [ReportTable("hours", "Par heure", [("day", "Jour"), ("hour", "Heure"), ("demand_orders", "Commandes attendues"), ("footfall", "Affluence prévue"),
                                            ("pickers_needed", "Préparateurs nécessaires"), ("pickers_rostered", "Préparateurs au planning"),
                                            ("handover_needed", "Remise nécessaire"), ("handover_rostered", "Remise au planning")],
                     rows: hours.map { [$0.day, String(format: "%02d:00", $0.hour), Cell.number($0.demandOrders, places: 1), Cell.number($0.footfall, places: 1),
                                        Cell.int($0.pickersNeeded), Cell.int($0.pickersRostered), Cell.int($0.handoverNeeded), Cell.int($0.handoverRostered)] })]
    }

    public var charts: [String] {
        [Chart.bars(
            id: "chart-capacity", title: "Personnel nécessaire et au planning, par heure",
            description: "Pour chaque heure d’ouverture : préparateurs et agents de remise nécessaires pour tenir la promesse, et ceux prévus au planning.",
            labels: hours.map { "\($0.day.suffix(5)) \(String(format: "%02d", $0.hour))h" },
            series: [Chart.Series(name: "préparateurs nécessaires", colour: "#2e7d32", values: hours.map { Double($0.pickersNeeded) }),
                     Chart.Series(name: "préparateurs au planning", colour: "#a5d6a7", values: hours.map { Double($0.pickersRostered) }),
                     Chart.Series(name: "remise nécessaire", colour: "#1565c0", values: hours.map { Double($0.handoverNeeded) }),
                     Chart.Series(name: "remise au planning", colour: "#90caf9", values: hours.map { Double($0.handoverRostered) })]
        )]
    }
}
