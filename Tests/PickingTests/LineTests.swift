import Foundation
import Orders
import Picking
import Postgres
import Testing
import TestSupport

@Suite("Picking lines")
struct LineTests {
    typealias P = PickingFixture.P

    @Test("pick, substitute (price capped unless allowed, or cheaper), missing: totals, stock and the customer's timeline")
    func pickSubstituteMissing() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await PickingFixture.make(db.pool)
            let picking = fixture.picking
            let store = fixture.storeID
            let first = try await fixture.place([(P.milk, 2), (P.butter, 1), (P.pasta, 2), (P.rice, 1)], slotTime: "10:00")
            let second = try await fixture.place([(P.milk, 3)], slotTime: "10:30")
            #expect(first.totalCents == 2 * 109 + 250 + 2 * 149 + 189 + 190)
            #expect(try await fixture.reserved(P.milk) == 5)
            try await picking.enqueueDue(storeID: store, now: PickingFixture.monday("08:30"))
            let at = PickingFixture.monday("08:31")
            let chilled = try #require(try await picking.claimNext(storeID: store, picker: "Alex", zone: .chilled, now: at))
            let ambient = try #require(try await picking.claimNext(storeID: store, picker: "Alex", zone: .ambient, now: at))
            #expect(chilled.orderID == first.orderID && ambient.orderID == first.orderID)
            func line(_ task: PickingTask, _ product: Int) throws -> Int {
                try #require(task.lines.first { $0.productID == fixture.product(product) }).lineNo
            }

            // Dearer organic milk, not allowed: charged at the ordered milk's price.
            var task = try await picking.substitute(
                storeID: store, taskID: chilled.taskID, lineNo: try line(chilled, P.milk), picker: "Alex",
                productID: fixture.product(P.organicMilk), quantity: 2, now: at
            )
            let milkLine = try #require(task.lines.first { $0.productID == fixture.product(P.milk) })
            #expect(milkLine.status == .substituted)
            #expect(milkLine.substitute == Substitute(productID: fixture.product(P.organicMilk), name: "Lait bio", quantity: 2, unitPriceCents: 109))
            #expect(try await fixture.reserved(P.milk) == 3)
            #expect(try await fixture.reserved(P.organicMilk) == 2)
            // Dearer organic butter once the customer allows dearer substitutes: charged at its own price.
            // (The choice is made at checkout; set here so one order shows both rules.)
            _ = try await fixture.pool.query("UPDATE orders SET allow_dearer_substitutes = true WHERE store_id = \(store) AND order_id = \(first.orderID)")
            task = try await picking.substitute(
                storeID: store, taskID: chilled.taskID, lineNo: try line(chilled, P.butter), picker: "Alex",
                productID: fixture.product(P.organicButter), quantity: 1, now: at
            )
            #expect(task.status == .picked)
            #expect(task.lines.first { $0.productID == fixture.product(P.butter) }?.substitute?.unitPriceCents == 320)
            #expect(try await fixture.reserved(P.butter) == 0)
            #expect(try await fixture.reserved(P.organicButter) == 1)

            // Pasta picked one at a time; a third unit is refused.
            let pasta = try line(ambient, P.pasta)
            task = try await picking.pick(storeID: store, taskID: ambient.taskID, lineNo: pasta, picker: "Alex", quantity: 1, now: at)
            #expect(task.lines.first { $0.lineNo == pasta }?.status == .pending)
            #expect(task.lines.first { $0.lineNo == pasta }?.pickedQuantity == 1)
            await #expect(throws: PickingError.tooMany(ordered: 2, remaining: 1)) {
                try await picking.pick(storeID: store, taskID: ambient.taskID, lineNo: pasta, picker: "Alex", quantity: 2, now: at)
            }
            task = try await picking.pick(storeID: store, taskID: ambient.taskID, lineNo: pasta, picker: "Alex", quantity: 1, now: at)
            #expect(task.lines.first { $0.lineNo == pasta }?.status == .picked)
            await #expect(throws: PickingError.lineAlreadyDone(status: "picked")) {
                try await picking.pick(storeID: store, taskID: ambient.taskID, lineNo: pasta, picker: "Alex", quantity: 1, now: at)
            }
            // No rice on the shelf.
            task = try await picking.markMissing(storeID: store, taskID: ambient.taskID, lineNo: try line(ambient, P.rice), picker: "Alex", now: at)
            #expect(task.status == .picked)
            #expect(task.lines.map(\.status) == [.picked, .missing])
            #expect(try await fixture.reserved(P.rice) == 0)
            #expect(try await fixture.reserved(P.pasta) == 2)

            let view = try await fixture.view(first)
            #expect(view.subtotalCents == 2 * 109 + 320 + 2 * 149)
            #expect(view.totalCents == view.subtotalCents + 190)
            #expect(view.events.map(\.kind) == ["placed", "picking_started", "substituted", "substituted", "missing"])
            let notes = view.events.compactMap { $0.detail["note"] }
            #expect(notes[1].hasPrefix("Lait demi-écrémé remplacé par Lait bio : 2 × 1,09\u{A0}€ (au prix du produit commandé)"))
            #expect(notes[2].hasPrefix("Beurre doux remplacé par Beurre bio : 1 × 3,20\u{A0}€."))
            #expect(notes[3].hasPrefix("Riz basmati manquant (1 × 1,89\u{A0}€), non facturé."))
            #expect(notes[3].hasSuffix("Nouveau total : \(String(format: "%d,%02d", view.totalCents / 100, view.totalCents % 100))\u{A0}€."))
            // The order's subtotal is the sum of its lines, charged where picking settled them.
            #expect(try await fixture.int("""
                SELECT count(*) AS n FROM orders o
                 WHERE o.subtotal_cents <> (SELECT sum(coalesce(l.charged_cents, l.quantity * l.unit_price_cents))
                                              FROM order_lines l WHERE l.store_id = o.store_id AND l.order_id = o.order_id)
                    OR o.total_cents <> o.subtotal_cents + o.fee_cents
                """) == 0)

            // Second order: one milk found, one cheaper whole milk for the rest, the third unit missing.
            let other = try #require(try await picking.claimNext(storeID: store, picker: "Sam", now: at))
            #expect(other.orderID == second.orderID)
            let milk = try line(other, P.milk)
            _ = try await picking.pick(storeID: store, taskID: other.taskID, lineNo: milk, picker: "Sam", quantity: 1, now: at)
            await #expect(throws: PickingError.tooMany(ordered: 3, remaining: 2)) {
                try await picking.substitute(storeID: store, taskID: other.taskID, lineNo: milk, picker: "Sam",
                                             productID: fixture.product(P.wholeMilk), quantity: 3, now: at)
            }
            task = try await picking.substitute(storeID: store, taskID: other.taskID, lineNo: milk, picker: "Sam",
                                                productID: fixture.product(P.wholeMilk), quantity: 1, now: at)
            #expect(task.lines[0].pickedQuantity == 1 && task.lines[0].substitute?.unitPriceCents == 99 && task.lines[0].remaining == 1)
            let secondView = try await fixture.view(second)
            #expect(secondView.subtotalCents == 109 + 99)
            #expect(secondView.events.last?.detail["note"]?.contains("1 sur 3 fourni comme commandé ; 1 manquant, non facturé") == true)
            #expect(try await fixture.reserved(P.milk) == 1)
            #expect(try await fixture.reserved(P.wholeMilk) == 1)
        }
    }

    @Test("racing taps on one line: no more than ordered is ever picked, and the rest are refused")
    func racingPicks() async throws {
        try await TestDatabase.withSchema(maxConnections: 8) { db in
            let fixture = try await PickingFixture.make(db.pool)
            let picking = fixture.picking
            let store = fixture.storeID
            _ = try await fixture.place([(P.rice, 3)], slotTime: "10:00")
            try await picking.enqueueDue(storeID: store, now: PickingFixture.monday("08:00"))
            let task = try #require(try await picking.claimNext(storeID: store, picker: "Alex", now: PickingFixture.monday("08:01")))
            let lineNo = task.lines[0].lineNo
            let results = await withTaskGroup(of: Result<PickingTask, any Error>.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        await Result { try await picking.pick(storeID: store, taskID: task.taskID, lineNo: lineNo, picker: "Alex", quantity: 1, now: PickingFixture.monday("08:02")) }
                    }
                }
                return await group.reduce(into: [Result<PickingTask, any Error>]()) { $0.append($1) }
            }
            let refusals = results.compactMap { result -> PickingError? in
                if case .failure(let error) = result { return error as? PickingError }
                return nil
            }
            #expect(results.count { (try? $0.get()) != nil } == 3)
            #expect(refusals.count == 9)
            #expect(refusals.allSatisfy { $0 == .lineAlreadyDone(status: "picked") })
            let done = try await picking.task(storeID: store, taskID: task.taskID)
            #expect(done.lines[0].pickedQuantity == 3 && done.status == .picked)
            #expect(try await fixture.int("SELECT lines_done AS n FROM picking_tasks WHERE task_id = \(task.taskID)") == 1)
        }
    }

    @Test("refusals (another store, another picker, unclaimed task, over quantity, bad substitutes, not ready) change nothing")
    func refusals() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await PickingFixture.make(db.pool)
            let elsewhere = try await PickingFixture.make(db.pool, slug: "autre-magasin")
            let picking = fixture.picking
            let store = fixture.storeID
            let order = try await fixture.place([(P.milk, 2), (P.pasta, 1)], slotTime: "10:00")
            try await picking.enqueueDue(storeID: store, now: PickingFixture.monday("08:00"))
            let at = PickingFixture.monday("08:01")
            let task = try #require(try await picking.claimNext(storeID: store, picker: "Alex", zone: .chilled, now: at))
            let queued = try #require(try await fixture.tasks(of: order)[.ambient])
            let milk = task.lines[0].lineNo
            let before = try await fixture.snapshot()

            func refused(_ expected: PickingError, _ action: () async throws -> Void) async {
                await #expect(throws: expected) { try await action() }
            }
            // Another store sees no such task or order, even with the right ids.
            await refused(.unknownTask) { _ = try await picking.pick(storeID: elsewhere.storeID, taskID: task.taskID, lineNo: milk, picker: "Alex", quantity: 1, now: at) }
            await refused(.unknownTask) { _ = try await picking.markMissing(storeID: elsewhere.storeID, taskID: task.taskID, lineNo: milk, picker: "Alex", now: at) }
            await refused(.unknownTask) { _ = try await picking.stage(storeID: elsewhere.storeID, taskID: task.taskID, picker: "Alex", location: "A1", now: at) }
            await #expect(throws: PickingError.unknownTask) { try await picking.task(storeID: elsewhere.storeID, taskID: task.taskID) }
            await refused(.unknownOrder) { _ = try await picking.handOver(storeID: elsewhere.storeID, orderID: order.orderID, now: at) }
            await refused(.unknownOrder) { _ = try await picking.checkIn(storeID: elsewhere.storeID, order: .pickupCode(order.pickupCode), via: .counter, now: at) }
            await refused(.unknownOrder) { _ = try await picking.checkIn(storeID: elsewhere.storeID, order: .order(order.orderID), via: .customer, now: at) }
            // A stale form: someone else holds the claim, or nobody does.
            await refused(.claimedBySomeoneElse) { _ = try await picking.pick(storeID: store, taskID: task.taskID, lineNo: milk, picker: "Sam", quantity: 1, now: at) }
            await refused(.claimedBySomeoneElse) { _ = try await picking.stage(storeID: store, taskID: task.taskID, picker: "Sam", location: "A1", now: at) }
            await refused(.notClaimed(status: "queued")) { _ = try await picking.markMissing(storeID: store, taskID: queued, lineNo: 2, picker: "Alex", now: at) }
            // Quantities and lines.
            await refused(.tooMany(ordered: 2, remaining: 2)) { _ = try await picking.pick(storeID: store, taskID: task.taskID, lineNo: milk, picker: "Alex", quantity: 3, now: at) }
            await refused(.invalidQuantity(0)) { _ = try await picking.pick(storeID: store, taskID: task.taskID, lineNo: milk, picker: "Alex", quantity: 0, now: at) }
            await refused(.unknownLine) { _ = try await picking.pick(storeID: store, taskID: task.taskID, lineNo: 99, picker: "Alex", quantity: 1, now: at) }
            // Substitutes: the same product, another zone, not sold here, not enough stock.
            func substitute(_ product: Int64, _ quantity: Int) async throws {
                _ = try await picking.substitute(storeID: store, taskID: task.taskID, lineNo: milk, picker: "Alex", productID: product,
                                                 quantity: quantity, now: at)
            }
            await refused(.sameProduct) { try await substitute(fixture.product(P.milk), 1) }
            await refused(.otherZone(substituteZone: "ambient", taskZone: "chilled")) { try await substitute(fixture.product(P.pasta), 1) }
            await refused(.unknownProduct) { try await substitute(elsewhere.product(P.organicMilk), 1) }
            await refused(.substituteOutOfStock(name: "Beurre bio", available: 1)) { try await substitute(fixture.product(P.organicButter), 2) }
            // Staging before every line is done, handing over before ready.
            await refused(.linesPending(1)) { _ = try await picking.stage(storeID: store, taskID: task.taskID, picker: "Alex", location: "F1", now: at) }
            await refused(.notReady(status: "picking")) { _ = try await picking.handOver(storeID: store, orderID: order.orderID, now: at) }
            await refused(.unknownOrder) { _ = try await picking.checkIn(storeID: store, order: .pickupCode("12ab56"), via: .counter, now: at) }
            await refused(.invalid("A parking bay is up to 10 letters or digits, e.g. 12 or B4.")) {
                _ = try await picking.checkIn(storeID: store, order: .order(order.orderID), parkingBay: "'; DROP TABLE orders; --", via: .customer, now: at)
            }
            await refused(.invalid("Give the picker's name (1 to 100 characters).")) { _ = try await picking.claimNext(storeID: store, picker: "  ", now: at) }
            #expect(try await fixture.snapshot() == before)

            // A line done twice past its quantity.
            _ = try await picking.pick(storeID: store, taskID: task.taskID, lineNo: milk, picker: "Alex", quantity: 1, now: at)
            let halfway = try await fixture.snapshot()
            await refused(.tooMany(ordered: 2, remaining: 1)) { _ = try await picking.pick(storeID: store, taskID: task.taskID, lineNo: milk, picker: "Alex", quantity: 2, now: at) }
            #expect(try await fixture.snapshot() == halfway)
            _ = try await picking.pick(storeID: store, taskID: task.taskID, lineNo: milk, picker: "Alex", quantity: 1, now: at)
            let done = try await fixture.snapshot()
            await refused(.lineAlreadyDone(status: "picked")) { _ = try await picking.pick(storeID: store, taskID: task.taskID, lineNo: milk, picker: "Alex", quantity: 1, now: at) }
            await refused(.lineAlreadyDone(status: "picked")) { _ = try await picking.markMissing(storeID: store, taskID: task.taskID, lineNo: milk, picker: "Alex", now: at) }
            await refused(.lineAlreadyDone(status: "picked")) { try await substitute(fixture.product(P.wholeMilk), 1) }
            #expect(try await fixture.snapshot() == done)
        }
    }
}
