import Domain
import Foundation
import Postgres

public struct PromiseTally: Sendable, Codable, Equatable {
    /// A local day ("2026-11-20"), a slot start time ("10:00") or "all".
    public var key: String
    /// Orders whose slot had started: those that could be judged.
    public var orders: Int
    /// Ready (last tote staged) at or before the slot start.
    public var readyOnTime: Int
    public var readyShare: Double?
    /// Handed over, with a measured wait.
    public var handovers: Int
    /// Of those, waited no longer than promised at booking.
    public var waitsKept: Int
    public var waitShare: Double?
}

public struct LateOrder: Sendable, Codable, Equatable {
    public var order: String
    public var day: String
    public var slot: String
    /// Minutes after the slot start it was ready (or, not ready yet, has been late so far); nil when on time.
    public var readyLateMinutes: Double?
    public var waitMinutes: Double?
    public var promisedWaitMinutes: Double?
}

public struct PromisesReport: Report, Equatable {
    public var range: ReportRange
    public var total: PromiseTally
    public var days: [PromiseTally]
    /// By slot start time across the range's days.
    public var slots: [PromiseTally]
    /// The first `lateListLimit` late orders, in slot order.
    public var late: [LateOrder]
    public var lateCount: Int
}

extension ReportService {
    public static let lateListLimit = 500

    /// Orders of slots starting in the range (and already started at `now`): the share ready
    /// by the slot start (orders.ready_at ≤ slot_starts_at) and the share of handovers within
    /// the promised wait (slot_bookings.actual_wait_minutes ≤ promised_wait_minutes), per day,
    /// per slot start time and in all; and the late ones.
    public func promises(storeID: Int64, range: ReportRange, now: Date = WallClock.now()) async throws -> PromisesReport {
        let bounds = try await bounds(storeID: storeID, range)
        let judged: SQL = """
            SELECT o.order_number, o.slot_starts_at, o.ready_at,
                   (o.slot_starts_at AT TIME ZONE \(bounds.timeZone))::date AS day,
                   (o.slot_starts_at AT TIME ZONE \(bounds.timeZone))::time AS slot,
                   o.ready_at IS NOT NULL AND o.ready_at <= o.slot_starts_at AS ready_on_time,
                   sb.actual_wait_minutes::float8 AS wait, sb.promised_wait_minutes::float8 AS promised
              FROM orders o
              LEFT JOIN slot_bookings sb ON sb.store_id = o.store_id AND sb.order_id = o.order_id
             WHERE o.store_id = \(storeID) AND o.status <> 'cancelled'
               AND o.slot_starts_at >= \(bounds.lo) AND o.slot_starts_at < \(min(bounds.hi, now))
            """
        // The tallies and the late list are independent: they run side by side on two connections.
        async let tallies = rows("""
            WITH judged AS (\(judged))
            SELECT CASE WHEN GROUPING(day) = 0 THEN to_char(day, 'YYYY-MM-DD') WHEN GROUPING(slot) = 0 THEN to_char(slot, 'HH24:MI') ELSE 'all' END AS key,
                   GROUPING(day) AS not_by_day, GROUPING(slot) AS not_by_slot,
                   count(*)::int AS orders, count(*) FILTER (WHERE ready_on_time)::int AS ready_on_time,
                   count(wait)::int AS handovers, count(*) FILTER (WHERE wait <= promised)::int AS waits_kept
              FROM judged
             GROUP BY GROUPING SETS ((day), (slot), ())
             ORDER BY 2, 3, 1
            """)
        async let late = rows("""
            WITH judged AS (\(judged))
            SELECT order_number, to_char(day, 'YYYY-MM-DD') AS day, to_char(slot, 'HH24:MI') AS slot, wait, promised,
                   CASE WHEN NOT ready_on_time THEN extract(epoch FROM coalesce(ready_at, \(now)) - slot_starts_at)::float8 / 60 END AS ready_late,
                   count(*) OVER ()::int AS late_count
              FROM judged
             WHERE NOT ready_on_time OR wait > promised
             ORDER BY slot_starts_at, order_number
             LIMIT \(Self.lateListLimit)
            """)
        var report = PromisesReport(
            range: range, total: PromiseTally(key: "all", orders: 0, readyOnTime: 0, handovers: 0, waitsKept: 0),
            days: [], slots: [], late: [], lateCount: 0
        )
        for row in try await tallies {
            let orders = try row.decode(Int.self, "orders"), ready = try row.decode(Int.self, "ready_on_time")
            let handovers = try row.decode(Int.self, "handovers"), kept = try row.decode(Int.self, "waits_kept")
            let tally = PromiseTally(
                key: try row.decode(String.self, "key"), orders: orders, readyOnTime: ready, readyShare: ratio(ready, orders),
                handovers: handovers, waitsKept: kept, waitShare: ratio(kept, handovers)
            )
            switch (try row.decode(Int.self, "not_by_day"), try row.decode(Int.self, "not_by_slot")) {
            case (0, _): report.days.append(tally)
            case (_, 0): report.slots.append(tally)
            default: report.total = tally
            }
        }
        for row in try await late {
            report.lateCount = try row.decode(Int.self, "late_count")
            report.late.append(LateOrder(
                order: try row.decode(String.self, "order_number"), day: try row.decode(String.self, "day"), slot: try row.decode(String.self, "slot"),
                readyLateMinutes: try row.decode(Double?.self, "ready_late"), waitMinutes: try row.decode(Double?.self, "wait"),
                promisedWaitMinutes: try row.decode(Double?.self, "promised")
            ))
        }
        return report
    }
}

extension PromisesReport {
    public var notes: [String] {
        [
            "Prête à l’heure : dernier bac déposé au plus tard au début du créneau. Attente tenue : remise dans l’attente promise à la réservation "
                + "(attente = remise − max(arrivée, début du créneau)). Seuls les créneaux déjà commencés sont comptés.",
            "Sur la période : \(total.readyOnTime) / \(total.orders) prêtes à l’heure, \(total.waitsKept) / \(total.handovers) remises dans l’attente promise ; "
                + "\(lateCount) commande(s) en retard" + (lateCount > late.count ? " (les \(late.count) premières listées)." : "."),
        ]
    }

    static let tallyColumns = [("orders", "Commandes"), ("ready_on_time", "Prêtes à l’heure"), ("ready_share", "Part prêtes"),
                               ("handovers", "Remises"), ("waits_kept", "Attente tenue"), ("wait_share", "Part tenue")]

    static func tallyRow(_ tally: PromiseTally) -> [String] {
        [tally.key, Cell.int(tally.orders), Cell.int(tally.readyOnTime), Cell.share(tally.readyShare),
         Cell.int(tally.handovers), Cell.int(tally.waitsKept), Cell.share(tally.waitShare)]
    }

    public var tables: [ReportTable] {
        [
            ReportTable("days", "Par jour", [("day", "Jour")] + Self.tallyColumns, rows: (days + [total]).map(Self.tallyRow)),
            ReportTable("slots", "Par heure de créneau", [("slot", "Créneau")] + Self.tallyColumns, rows: slots.map(Self.tallyRow)),
            ReportTable("late", "Commandes en retard", [("order", "Commande"), ("day", "Jour"), ("slot", "Créneau"),
                                                        ("ready_late_minutes", "Prête en retard de (min)"), ("wait_minutes", "Attente (min)"),
                                                        ("promised_wait_minutes", "Attente promise (min)")],
                        rows: late.map { [$0.order, $0.day, $0.slot, Cell.number($0.readyLateMinutes, places: 1),
                                          Cell.number($0.waitMinutes, places: 1), Cell.number($0.promisedWaitMinutes, places: 1)] }),
        ]
    }

    public var charts: [String] {
        [Chart.bars(
            id: "chart-promises", title: "Promesses tenues par jour (part des commandes)",
            description: "Pour chaque jour : part des commandes prêtes au début du créneau, et part des remises dans l’attente promise.",
            labels: days.map(\.key),
            series: [Chart.Series(name: "prêtes à l’heure", colour: "#2e7d32", values: days.map(\.readyShare)),
                     Chart.Series(name: "attente tenue", colour: "#1565c0", values: days.map(\.waitShare))]
        )]
    }
}
