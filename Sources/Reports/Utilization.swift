import Foundation
import Postgres

/// One slot of the heatmap.
public struct UtilizationSlot: Sendable, Codable, Equatable {
    /// Local date and start time: "2026-11-20", "10:00".
    public var day: String
    public var time: String
    public var booked: Int
    /// What could be sold (capacity_orders: the planned capacity, or what was reserved if more).
    public var capacity: Int
    /// booked ÷ capacity; nil without capacity.
    public var utilization: Double?
    public var closed: Bool
    /// Bookings a re-plan flagged at risk (the roster no longer covers them).
    public var atRisk: Int
}

public struct UtilizationDay: Sendable, Codable, Equatable {
    public var day: String
    public var booked: Int
    public var capacity: Int
    public var utilization: Double?
    public var closedSlots: Int
    public var atRiskSlots: Int
}

public struct UtilizationReport: Report, Equatable {
    public var range: ReportRange
    public var slots: [UtilizationSlot]
    public var days: [UtilizationDay]
    public var booked: Int
    public var capacity: Int
    public var utilization: Double?
}

extension ReportService {
    /// Booked against capacity for every slot starting in the range (bookings not cancelled),
    /// with closed slots and slots holding at-risk bookings marked.
    public func utilization(storeID: Int64, range: ReportRange) async throws -> UtilizationReport {
        let bounds = try await bounds(storeID: storeID, range)
        let slots = try await rows("""
            SELECT to_char(s.starts_at AT TIME ZONE \(bounds.timeZone), 'YYYY-MM-DD') AS day,
                   to_char(s.starts_at AT TIME ZONE \(bounds.timeZone), 'HH24:MI') AS time,
                   s.status, s.capacity_orders, coalesce(b.booked, 0) AS booked, coalesce(b.at_risk, 0) AS at_risk
              FROM slots s
              LEFT JOIN (
                   SELECT sb.slot_id, count(*) FILTER (WHERE sb.status <> 'cancelled')::int AS booked,
                          count(*) FILTER (WHERE sb.status = 'at-risk')::int AS at_risk
                     FROM slots s2 JOIN slot_bookings sb ON sb.store_id = s2.store_id AND sb.slot_id = s2.slot_id
                    WHERE s2.store_id = \(storeID) AND s2.starts_at >= \(bounds.lo) AND s2.starts_at < \(bounds.hi)
                    GROUP BY sb.slot_id
              ) b ON b.slot_id = s.slot_id
             WHERE s.store_id = \(storeID) AND s.starts_at >= \(bounds.lo) AND s.starts_at < \(bounds.hi)
             ORDER BY s.starts_at
            """).map { row in
            let booked = try row.decode(Int.self, "booked")
            let capacity = try row.decode(Int.self, "capacity_orders")
            return UtilizationSlot(
                day: try row.decode(String.self, "day"), time: try row.decode(String.self, "time"),
                booked: booked, capacity: capacity, utilization: ratio(booked, capacity),
                closed: try row.decode(String.self, "status") == "closed", atRisk: try row.decode(Int.self, "at_risk")
            )
        }
        var days: [UtilizationDay] = []
        for slot in slots {
            if days.last?.day != slot.day {
                days.append(UtilizationDay(day: slot.day, booked: 0, capacity: 0, utilization: nil, closedSlots: 0, atRiskSlots: 0))
            }
            days[days.count - 1].booked += slot.booked
            days[days.count - 1].capacity += slot.capacity
            days[days.count - 1].closedSlots += slot.closed ? 1 : 0
            days[days.count - 1].atRiskSlots += slot.atRisk > 0 ? 1 : 0
        }
        for index in days.indices { days[index].utilization = ratio(days[index].booked, days[index].capacity) }
        let booked = days.reduce(0) { $0 + $1.booked }
        let capacity = days.reduce(0) { $0 + $1.capacity }
        return UtilizationReport(range: range, slots: slots, days: days, booked: booked, capacity: capacity, utilization: ratio(booked, capacity))
    }
}

extension UtilizationReport {
    public var notes: [String] {
        [
            "Réservé : commandes non annulées du créneau (y compris à risque), sans les paniers en cours de commande. "
                + "Capacité : ce qui pouvait être vendu (capacité planifiée, ou déjà réservé si plus).",
            "Un créneau fermé est grisé ; un créneau bordé de rouge a des commandes à risque (le planning ne les couvre plus).",
        ]
    }

    public var tables: [ReportTable] {
        [
            ReportTable("days", "Par jour", [("day", "Jour"), ("booked", "Réservé"), ("capacity", "Capacité"), ("utilization", "Taux"),
                                             ("closed_slots", "Créneaux fermés"), ("at_risk_slots", "Créneaux à risque")],
                        rows: days.map { [$0.day, Cell.int($0.booked), Cell.int($0.capacity), Cell.share($0.utilization),
                                          Cell.int($0.closedSlots), Cell.int($0.atRiskSlots)] }),
            ReportTable("slots", "Par créneau", [("day", "Jour"), ("time", "Début"), ("booked", "Réservé"), ("capacity", "Capacité"),
                                                 ("utilization", "Taux"), ("closed", "Fermé"), ("at_risk", "À risque")],
                        rows: slots.map { [$0.day, $0.time, Cell.int($0.booked), Cell.int($0.capacity), Cell.share($0.utilization),
                                           Cell.flag($0.closed), Cell.int($0.atRisk)] }),
        ]
    }

    public var charts: [String] {
        let rows = days.map(\.day)
        let columns = Set(slots.map(\.time)).sorted()
        let rowIndex = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1, $0) })
        let columnIndex = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
        var cells = Array(repeating: Array(repeating: Chart.HeatCell?.none, count: columns.count), count: rows.count)
        for slot in slots {
            let label = "\(slot.day) \(slot.time) — " + (slot.closed ? "fermé" : "\(slot.booked) / \(slot.capacity)")
                + (slot.atRisk > 0 ? " — \(slot.atRisk) à risque" : "")
            cells[rowIndex[slot.day]!][columnIndex[slot.time]!] = Chart.HeatCell(
                value: slot.utilization, closed: slot.closed, atRisk: slot.atRisk > 0, label: label
            )
        }
        return [Chart.heatmap(
            id: "chart-utilization", title: "Remplissage des créneaux (réservé / capacité)",
            description: "Une ligne par jour, une colonne par heure de début de créneau ; plus foncé = plus rempli.",
            rows: rows, columns: columns, cells: cells
        )]
    }
}
