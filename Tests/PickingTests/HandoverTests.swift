import Foundation
import Orders
import Picking
import Postgres
import Slots
import Testing
import TestSupport

@Suite("Staging, arrival and handover")
struct HandoverTests {
    typealias P = PickingFixture.P

    /// Claims and completes every task of the store's queue as `picker`; returns the tasks by order and zone.
    static func pickEverything(_ fixture: PickingFixture, picker: String, at: Date) async throws -> [PickingTask] {
        var done: [PickingTask] = []
        while let task = try await fixture.picking.claimNext(storeID: fixture.storeID, picker: picker, now: at) {
            var current = task
            for line in task.lines {
                current = try await fixture.picking.pick(storeID: fixture.storeID, taskID: task.taskID, lineNo: line.lineNo,
                                                         picker: picker, quantity: line.orderedQuantity, now: at)
            }
            done.append(current)
        }
        return done
    }

    @Test("end to end: placed through checkout, picked with a substitution, staged per zone, ready, checked in by pickup code, handed over")
    func endToEnd() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await PickingFixture.make(db.pool)
            let picking = fixture.picking
            let store = fixture.storeID
            // Whole milk is both ordered and given for the missing semi-skimmed milk.
            let order = try await fixture.place([(P.milk, 2), (P.wholeMilk, 1), (P.pasta, 1), (P.iceCream, 1)], slotTime: "10:00")
            try await picking.enqueueDue(storeID: store, now: PickingFixture.monday("08:00"))
            let at = PickingFixture.monday("08:10")
            var tasks: [TemperatureZone: PickingTask] = [:]
            while let task = try await picking.claimNext(storeID: store, picker: "Alex", now: at) { tasks[task.zone] = task }
            #expect(tasks.keys.sorted() == [.ambient, .chilled, .frozen])
            let chilled = try #require(tasks[.chilled])
            for line in chilled.lines {
                if line.productID == fixture.product(P.milk) {
                    _ = try await picking.substitute(storeID: store, taskID: chilled.taskID, lineNo: line.lineNo, picker: "Alex",
                                                     productID: fixture.product(P.wholeMilk), quantity: 2, now: at)
                } else {
                    _ = try await picking.pick(storeID: store, taskID: chilled.taskID, lineNo: line.lineNo, picker: "Alex", quantity: 1, now: at)
                }
            }
            for zone in [TemperatureZone.ambient, .frozen] {
                let task = try #require(tasks[zone])
                _ = try await picking.pick(storeID: store, taskID: task.taskID, lineNo: task.lines[0].lineNo, picker: "Alex", quantity: 1, now: at)
            }
            #expect(try await fixture.reserved(P.wholeMilk) == 3)
            #expect(try await fixture.reserved(P.milk) == 0)

            // Staging zone by zone: ready with the last one, at once.
            let first = try await picking.stage(storeID: store, taskID: tasks[.ambient]!.taskID, picker: "Alex", location: "Étagère A1", now: PickingFixture.monday("08:20"))
            #expect(!first.orderReady)
            #expect(first.task.status == .staged && first.task.stagingLocation == "Étagère A1")
            #expect(try await fixture.view(order).status == "picking")
            await #expect(throws: PickingError.alreadyStaged(location: "Étagère A1")) {
                try await picking.stage(storeID: store, taskID: tasks[.ambient]!.taskID, picker: "Alex", location: "B2", now: PickingFixture.monday("08:20"))
            }
            #expect(try await !picking.stage(storeID: store, taskID: chilled.taskID, picker: "Alex", location: "Frigo 2", now: PickingFixture.monday("08:21")).orderReady)
            // Ready, but the customer has not checked in: nothing is handed over.
            #expect(try await picking.stage(storeID: store, taskID: tasks[.frozen]!.taskID, picker: "Alex", location: "Congél 1", now: PickingFixture.monday("08:22")).orderReady)
            let ready = try await fixture.view(order)
            #expect(ready.status == "ready")
            // The customer's page adds up after the substitution: lines as charged, plus the fee.
            #expect(ready.lines.reduce(0) { $0 + $1.lineTotalCents } + ready.feeCents == ready.totalCents)
            #expect(ready.events.filter { $0.kind == "ready" }.count == 1)
            await #expect(throws: PickingError.notArrived) { try await picking.handOver(storeID: store, orderID: order.orderID, now: PickingFixture.monday("08:30")) }

            // At the counter with the pickup code (twice: one arrival), parking bay 12.
            let arrival = try await picking.checkIn(storeID: store, order: .pickupCode(order.pickupCode), parkingBay: "12", via: .counter, now: PickingFixture.monday("09:02"))
            #expect(arrival.isNew && arrival.orderID == order.orderID && arrival.parkingBay == "12" && arrival.via == .counter)
            let again = try await picking.checkIn(storeID: store, order: .pickupCode(order.pickupCode), via: .counter, now: PickingFixture.monday("09:03"))
            #expect(!again.isNew && again.arrivedAt == PickingFixture.monday("09:02") && again.parkingBay == "12")
            let queue = try await picking.handoverQueue(storeID: store)
            #expect(queue.count == 1)
            #expect(queue.first?.orderNumber == order.orderNumber)
            #expect(queue.first?.status == "ready")
            #expect(queue.first?.customerName == "Camille")
            #expect(queue.first?.parkingBay == "12")
            #expect(queue.first?.totes.map(\.zone) == [.ambient, .chilled, .frozen])
            #expect(queue.first?.totes.map(\.stagingLocation) == ["Étagère A1", "Frigo 2", "Congél 1"])
            #expect(queue.first?.totes.map(\.toteLabel) == ["A", "C", "F"].map { order.orderNumber + "-" + $0 })

            // Handover at 09:05: the slot started at 09:00, the customer came at 09:02, so 3 minutes.
            let handover = try await picking.handOver(storeID: store, orderID: order.orderID, now: PickingFixture.monday("09:05"))
            #expect(abs(handover.waitMinutes - 3) < 0.001)
            #expect(handover.totalCents == 2 * 99 + 99 + 149 + 399 + 190)
            let booking = try #require(try await fixture.slots.booking(storeID: store, orderID: order.orderID))
            #expect(booking.status == "booked")
            let promise = try await fixture.slots.promiseKeptRate(storeID: store, from: PickingFixture.monday("00:00"), to: PickingFixture.monday("23:00"))
            #expect(promise.store == PromiseRate(handovers: 1, kept: 1))
            #expect(try await fixture.int("SELECT actual_wait_minutes::int AS n FROM slot_bookings WHERE order_id = \(order.orderID)") == 3)
            // Stock left the store: on hand and reserved down by what was given.
            #expect(try await fixture.onHand(P.milk) == 50)
            #expect(try await fixture.reserved(P.milk) == 0)
            #expect(try await fixture.onHand(P.wholeMilk) == 20 - 3)
            #expect(try await fixture.reserved(P.wholeMilk) == 0)
            #expect(try await fixture.onHand(P.pasta) == 29)
            #expect(try await fixture.reserved(P.pasta) == 0)
            #expect(try await fixture.onHand(P.iceCream) == 9)
            #expect(try await fixture.reserved(P.iceCream) == 0)
            let final = try await fixture.view(order)
            #expect(final.status == "handed_over")
            #expect(final.events.map(\.kind) == ["placed", "picking_started", "substituted", "ready", "arrived", "handed_over"])
            #expect(try await picking.handoverQueue(storeID: store).isEmpty)

            // Afterwards: nothing more to hand over or check in.
            let after = try await fixture.snapshot()
            await #expect(throws: PickingError.alreadyHandedOver) { try await picking.handOver(storeID: store, orderID: order.orderID, now: PickingFixture.monday("09:06")) }
            await #expect(throws: PickingError.orderClosed(status: "handed_over")) {
                try await picking.checkIn(storeID: store, order: .order(order.orderID), via: .customer, now: PickingFixture.monday("09:06"))
            }
            await #expect(throws: PickingError.unknownOrder) {
                try await picking.checkIn(storeID: store, order: .pickupCode(order.pickupCode), via: .counter, now: PickingFixture.monday("09:06"))
            }
            #expect(try await fixture.snapshot() == after)
        }
    }

    @Test("\"I'm here\" before the order is ready: listed in arrival order, refused at handover until ready; an early arrival waits from the slot start")
    func arrivalBeforeReady() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await PickingFixture.make(db.pool)
            let picking = fixture.picking
            let store = fixture.storeID
            let early = try await fixture.place([(P.pasta, 1)], slotTime: "10:00", name: "Dominique")
            let late = try await fixture.place([(P.rice, 1)], slotTime: "10:00", name: "Sacha")
            try await picking.enqueueDue(storeID: store, now: PickingFixture.monday("08:00"))
            _ = try await picking.checkIn(storeID: store, order: .order(late.orderID), parkingBay: "B4", via: .customer, now: PickingFixture.monday("08:50"))
            _ = try await picking.checkIn(storeID: store, order: .order(early.orderID), via: .customer, now: PickingFixture.monday("08:55"))
            var queue = try await picking.handoverQueue(storeID: store)
            #expect(queue.map(\.orderID) == [late.orderID, early.orderID])
            #expect(queue.map(\.status) == ["picking", "picking"])
            #expect(queue[0].totes.map(\.status) == [.queued])
            #expect(queue[0].totes.map(\.stagingLocation) == [nil])
            #expect(try await fixture.view(late).events.last?.detail["note"] == "Vous avez signalé votre arrivée, place B4. Votre commande est encore en préparation.")
            await #expect(throws: PickingError.notReady(status: "picking")) {
                try await picking.handOver(storeID: store, orderID: late.orderID, now: PickingFixture.monday("08:56"))
            }
            for task in try await Self.pickEverything(fixture, picker: "Alex", at: PickingFixture.monday("08:56")) {
                _ = try await picking.stage(storeID: store, taskID: task.taskID, picker: "Alex", location: "A\(task.taskID)", now: PickingFixture.monday("08:57"))
            }
            queue = try await picking.handoverQueue(storeID: store)
            #expect(queue.map(\.status) == ["ready", "ready"])
            // Arrived at 08:50, before the 09:00 slot: the wait counts from 09:00.
            let handover = try await picking.handOver(storeID: store, orderID: late.orderID, now: PickingFixture.monday("09:01"))
            #expect(abs(handover.waitMinutes - 1) < 0.001)
            #expect(try await picking.handoverQueue(storeID: store).map(\.orderID) == [early.orderID])
        }
    }

    @Test("zones of one order staged at the same moment by different pickers make it ready exactly once")
    func concurrentStaging() async throws {
        try await TestDatabase.withSchema(maxConnections: 9) { db in
            let fixture = try await PickingFixture.make(db.pool)
            let picking = fixture.picking
            let store = fixture.storeID
            var orders: [PlacedOrder] = []
            for (index, time) in ["10:00", "10:00", "10:15", "10:15", "10:30", "10:30"].enumerated() {
                orders.append(try await fixture.place([(P.pasta, 1), (P.butter, 1), (P.sorbet, 1)], slotTime: time, name: "Client \(index)"))
            }
            try await picking.enqueueDue(storeID: store, now: PickingFixture.monday("08:30"))
            let at = PickingFixture.monday("08:31")
            var byZone: [TemperatureZone: [PickingTask]] = [:]
            for zone in TemperatureZone.allCases {
                let picker = "Picker \(zone.rawValue)"
                while let task = try await picking.claimNext(storeID: store, picker: picker, zone: zone, now: at) {
                    _ = try await picking.pick(storeID: store, taskID: task.taskID, lineNo: task.lines[0].lineNo, picker: picker, quantity: 1, now: at)
                    byZone[zone, default: []].append(task)
                }
            }
            // Each picker stages their zone's totes, all three pickers at once.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (zone, tasks) in byZone {
                    for task in tasks {
                        group.addTask {
                            _ = try await picking.stage(storeID: store, taskID: task.taskID, picker: "Picker \(zone.rawValue)",
                                                        location: "\(zone.rawValue)-\(task.taskID)", now: PickingFixture.monday("08:40"))
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await fixture.int("SELECT count(*) AS n FROM orders WHERE status = 'ready'") == orders.count)
            #expect(try await fixture.int("SELECT count(*) AS n FROM order_events WHERE kind = 'ready'") == orders.count)
        }
    }
}
