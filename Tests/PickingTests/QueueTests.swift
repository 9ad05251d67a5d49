import Foundation
import Orders
import Picking
import Postgres
import Slots
import Testing
import TestSupport

@Suite("Picking queue and claims")
struct QueueTests {
    typealias P = PickingFixture.P

    @Test("orders enter the queue when their slot's lead time starts, one task per zone, once; the customer can no longer change them")
    func enqueue() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await PickingFixture.make(db.pool)
            let order = try await fixture.place([(P.milk, 2), (P.pasta, 1), (P.iceCream, 1), (P.rice, 3)])
            // 10:00 Paris = 09:00Z, lead 60 minutes: due from 08:00Z.
            #expect(try await fixture.picking.enqueueDue(storeID: fixture.storeID, now: PickingFixture.monday("07:59")) == EnqueueSummary(orders: 0, tasks: 0))
            #expect(try await fixture.view(order).status == "placed")
            #expect(try await fixture.picking.enqueueDue(storeID: fixture.storeID, now: PickingFixture.monday("08:00")) == EnqueueSummary(orders: 1, tasks: 3))
            #expect(try await fixture.picking.enqueueDue(storeID: fixture.storeID, now: PickingFixture.monday("08:30")) == EnqueueSummary(orders: 0, tasks: 0))
            let view = try await fixture.view(order)
            #expect(view.status == "picking")
            #expect(!view.changeable)
            await #expect(throws: OrderError.notChangeable(status: "picking")) {
                try await fixture.orders.cancel(link: order.link, now: PickingFixture.placedAt)
            }
            let queue = try await fixture.picking.queue(storeID: fixture.storeID)
            #expect(queue.map(\.zone) == [.ambient, .chilled, .frozen])
            #expect(queue.map(\.lines) == [2, 1, 1])
            #expect(queue.allSatisfy { $0.status == .queued && $0.dueAt == order.slotStart })
            #expect(Set(queue.map(\.orderNumber)) == [order.orderNumber])
            #expect(try await fixture.int("SELECT count(*) AS n FROM picking_lines") == 4)
        }
    }

    @Test("claims take the earliest slot first, then smaller orders, then ambient before chilled before frozen")
    func claimOrder() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await PickingFixture.make(db.pool)
            let late = try await fixture.place([(P.iceCream, 1)], slotTime: "10:30")
            let big = try await fixture.place([(P.sorbet, 1), (P.pasta, 1), (P.milk, 1)], slotTime: "10:00")
            let small = try await fixture.place([(P.rice, 1), (P.butter, 1)], slotTime: "10:00")
            try await fixture.picking.enqueueDue(storeID: fixture.storeID, now: PickingFixture.monday("08:40"))
            var claimed: [(String, TemperatureZone)] = []
            while let task = try await fixture.picking.claimNext(storeID: fixture.storeID, picker: "Alex", now: PickingFixture.monday("08:41")) {
                claimed.append((task.orderNumber, task.zone))
            }
            #expect(claimed.map(\.0) == [small.orderNumber, small.orderNumber, big.orderNumber, big.orderNumber, big.orderNumber, late.orderNumber])
            #expect(claimed.map(\.1) == [.ambient, .chilled, .ambient, .chilled, .frozen, .frozen])
        }
    }

    @Test("a zone filter takes that zone's earliest task; lines come in the store's walking order")
    func zoneAndWalkingOrder() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await PickingFixture.make(db.pool)
            _ = try await fixture.place([(P.pasta, 1)], slotTime: "10:00")
            let order = try await fixture.place([(P.milk, 1), (P.butter, 2), (P.organicMilk, 1), (P.pasta, 1)], slotTime: "10:15")
            // The store re-laid out its chilled aisle: organic milk first, then butter, then milk.
            try await db.pool.query("""
                UPDATE store_products SET walk_sequence = CASE product_id WHEN \(fixture.product(P.organicMilk)) THEN 10
                    WHEN \(fixture.product(P.butter)) THEN 11 WHEN \(fixture.product(P.milk)) THEN 12 ELSE walk_sequence END
                 WHERE store_id = \(fixture.storeID)
                """)
            try await fixture.picking.enqueueDue(storeID: fixture.storeID, now: PickingFixture.monday("08:20"))
            let task = try #require(try await fixture.picking.claimNext(
                storeID: fixture.storeID, picker: "Alex", zone: .chilled, now: PickingFixture.monday("08:21")
            ))
            #expect(task.orderID == order.orderID)
            #expect(task.zone == .chilled)
            #expect(task.status == .claimed && task.claimedBy == "Alex" && task.claimCount == 1)
            #expect(task.lines.map(\.name) == ["Lait bio", "Beurre doux", "Lait demi-écrémé"])
            #expect(task.lines.map(\.orderedQuantity) == [1, 2, 1])
            #expect(task.toteLabel == order.orderNumber + "-C")
            #expect(try await fixture.picking.claimNext(storeID: fixture.storeID, picker: "Alex", zone: .frozen, now: PickingFixture.monday("08:21")) == nil)
            // The customer's timeline says picking started, once per order.
            _ = try await fixture.picking.claimNext(storeID: fixture.storeID, picker: "Sam", zone: .ambient, now: PickingFixture.monday("08:22"))
            _ = try await fixture.picking.claimNext(storeID: fixture.storeID, picker: "Sam", zone: .ambient, now: PickingFixture.monday("08:22"))
            #expect(try await fixture.view(order).events.map(\.kind) == ["placed", "picking_started"])
        }
    }

    @Test("a batch claims several small tasks of one zone, each in its own tote, within the line limit")
    func batch() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await PickingFixture.make(db.pool)
            let first = try await fixture.place([(P.pasta, 1)], slotTime: "10:00")
            let large = try await fixture.place([(P.pasta, 1), (P.rice, 1), (P.milk, 1)], slotTime: "10:00")
            let second = try await fixture.place([(P.rice, 2)], slotTime: "10:15")
            let third = try await fixture.place([(P.rice, 1), (P.pasta, 1), (P.iceCream, 1)], slotTime: "10:15")
            let fourth = try await fixture.place([(P.pasta, 2)], slotTime: "10:30")
            try await fixture.picking.enqueueDue(storeID: fixture.storeID, now: PickingFixture.monday("08:45"))
            await #expect(throws: PickingError.invalid("A batch holds 1 to 20 orders.")) {
                try await fixture.picking.claimBatch(storeID: fixture.storeID, picker: "Alex", zone: .ambient, maxOrders: 0, maxLines: 4)
            }
            // Ambient queue: first (1 line), large (2), second (1), third (2), fourth (1).
            // Up to 3 tasks of at most 1 line: first, second and fourth; the larger ones are left.
            let small = try await fixture.picking.claimBatch(
                storeID: fixture.storeID, picker: "Alex", zone: .ambient, maxOrders: 3, maxLines: 1, now: PickingFixture.monday("08:46")
            )
            #expect(small.map(\.orderID) == [first.orderID, second.orderID, fourth.orderID])
            #expect(small.allSatisfy { $0.zone == .ambient && $0.claimedBy == "Alex" && $0.status == .claimed && $0.lines.count == 1 })
            #expect(small.map(\.toteLabel) == [first, second, fourth].map { $0.orderNumber + "-A" })
            // One task of up to 2 lines: "large", the head of what is left.
            let next = try await fixture.picking.claimBatch(
                storeID: fixture.storeID, picker: "Sam", zone: .ambient, maxOrders: 1, maxLines: 2, now: PickingFixture.monday("08:46")
            )
            #expect(next.map(\.orderID) == [large.orderID])
            #expect(next.first?.lines.count == 2)
            let last = try #require(try await fixture.picking.claimNext(storeID: fixture.storeID, picker: "Kim", zone: .ambient, now: PickingFixture.monday("08:46")))
            #expect(last.orderID == third.orderID)
            #expect(try await fixture.picking.claimBatch(storeID: fixture.storeID, picker: "Kim", zone: .ambient, maxOrders: 5, maxLines: 50, now: PickingFixture.monday("08:46")).isEmpty)
            #expect(try await fixture.picking.tasks(storeID: fixture.storeID, claimedBy: "Alex").count == 3)
        }
    }

    @Test("a claim with no progress for the timeout returns to the queue, keeping its done lines; its old holder is refused")
    func abandonedClaims() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await PickingFixture.make(db.pool)
            let order = try await fixture.place([(P.pasta, 2), (P.rice, 1)], slotTime: "10:00")
            let other = try await fixture.place([(P.pasta, 1)], slotTime: "10:30")
            try await fixture.picking.enqueueDue(storeID: fixture.storeID, now: PickingFixture.monday("08:30"))
            let picking = fixture.picking
            let store = fixture.storeID
            let task = try #require(try await picking.claimNext(storeID: store, picker: "Alex", now: PickingFixture.monday("08:00")))
            #expect(task.orderID == order.orderID)
            let pasta = try #require(task.lines.first { $0.productID == fixture.product(P.pasta) })
            // Progress at 08:03 restarts the clock.
            _ = try await picking.pick(storeID: store, taskID: task.taskID, lineNo: pasta.lineNo, picker: "Alex", quantity: 2, now: PickingFixture.monday("08:03"))
            #expect(try await picking.releaseAbandonedClaims(storeID: store, now: PickingFixture.monday("08:12")).isEmpty)
            // Not stale yet: the next claim skips it.
            let skipped = try #require(try await picking.claimNext(storeID: store, picker: "Sam", now: PickingFixture.monday("08:12")))
            #expect(skipped.orderID == other.orderID)
            #expect(try await picking.releaseAbandonedClaims(storeID: store, now: PickingFixture.monday("08:13")) == [task.taskID])
            #expect(try await picking.queue(storeID: store).first { $0.taskID == task.taskID }?.status == .queued)
            let retaken = try #require(try await picking.claimNext(storeID: store, picker: "Kim", now: PickingFixture.monday("08:14")))
            #expect(retaken.taskID == task.taskID)
            #expect(retaken.claimedBy == "Kim" && retaken.claimCount == 2)
            #expect(retaken.lines.first { $0.lineNo == pasta.lineNo }?.status == .picked)
            let before = try await fixture.snapshot()
            let rice = try #require(retaken.lines.first { $0.status == .pending })
            await #expect(throws: PickingError.claimedBySomeoneElse) {
                try await picking.pick(storeID: store, taskID: task.taskID, lineNo: rice.lineNo, picker: "Alex", quantity: 1, now: PickingFixture.monday("08:15"))
            }
            #expect(try await fixture.snapshot() == before)
            // A claim also takes a stale task over by itself, without the sweep.
            let sams = try #require(try await picking.claimNext(storeID: store, picker: "Kim", now: PickingFixture.monday("08:23")))
            #expect(sams.taskID == skipped.taskID)
            #expect(sams.claimedBy == "Kim" && sams.claimCount == 2)
            await #expect(throws: PickingError.claimedBySomeoneElse) {
                try await picking.markMissing(storeID: store, taskID: skipped.taskID, lineNo: 1, picker: "Sam", now: PickingFixture.monday("08:24"))
            }
        }
    }

    @Test("a tote picked in full but never staged is taken over as picked, and the taker stages it")
    func abandonedPickedTote() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await PickingFixture.make(db.pool)
            let picking = fixture.picking
            let store = fixture.storeID
            let order = try await fixture.place([(P.pasta, 1)], slotTime: "10:00")
            try await picking.enqueueDue(storeID: store, now: PickingFixture.monday("08:00"))
            let task = try #require(try await picking.claimNext(storeID: store, picker: "Alex", now: PickingFixture.monday("08:00")))
            let picked = try await picking.pick(storeID: store, taskID: task.taskID, lineNo: task.lines[0].lineNo, picker: "Alex", quantity: 1, now: PickingFixture.monday("08:02"))
            #expect(picked.status == .picked)
            #expect(try await picking.claimNext(storeID: store, picker: "Sam", now: PickingFixture.monday("08:11")) == nil)
            let taken = try #require(try await picking.claimNext(storeID: store, picker: "Sam", now: PickingFixture.monday("08:12")))
            #expect(taken.taskID == task.taskID && taken.status == .picked && taken.claimedBy == "Sam" && taken.linesPending == 0)
            await #expect(throws: PickingError.claimedBySomeoneElse) {
                try await picking.stage(storeID: store, taskID: task.taskID, picker: "Alex", location: "A1", now: PickingFixture.monday("08:13"))
            }
            #expect(try await picking.stage(storeID: store, taskID: task.taskID, picker: "Sam", location: "A1", now: PickingFixture.monday("08:13")).orderReady)
            #expect(try await fixture.view(order).status == "ready")
            #expect(try await picking.releaseAbandonedClaims(storeID: store, now: PickingFixture.monday("09:00")).isEmpty)
        }
    }

    @Test("20 pickers claiming at once from 500 orders' tasks never take one twice and drain the queue")
    func concurrentPickers() async throws {
        try await TestDatabase.withSchema(maxConnections: 20) { db in
            let fixture = try await PickingFixture.make(db.pool)
            let slotIDs = [try await fixture.slot("10:00"), try await fixture.slot("10:15"), try await fixture.slot("10:30"), try await fixture.slot("11:00")]
            try await Self.seedOrders(fixture, count: 500, slotIDs: slotIDs.map { Int($0.slotID) })
            let summary = try await fixture.picking.enqueueDue(storeID: fixture.storeID, now: PickingFixture.monday("09:00"))
            #expect(summary.orders == 500)
            let expectedTasks = 500 + 250 + 166
            #expect(summary.tasks == expectedTasks)
            let picking = fixture.picking
            let store = fixture.storeID
            let start = ContinuousClock.now
            let claims = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for picker in 0..<20 {
                    group.addTask {
                        var mine: [Int64] = []
                        while let task = try await picking.claimNext(storeID: store, picker: "Picker \(picker)", now: PickingFixture.monday("09:00")) {
                            mine.append(task.taskID)
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: [[Int64]]()) { $0.append($1) }
            }
            let elapsed = ContinuousClock.now - start
            let all = claims.flatMap { $0 }
            #expect(all.count == expectedTasks)
            #expect(Set(all).count == expectedTasks)
            #expect(claims.filter { !$0.isEmpty }.count > 1, "claims were spread over pickers")
            #expect(try await fixture.int("SELECT count(*) AS n FROM picking_tasks WHERE status <> 'claimed' OR claim_count <> 1") == 0)
            // Zones of one order claimed at the same moment still start it once.
            #expect(try await fixture.int("SELECT count(*) AS n FROM order_events WHERE kind = 'picking_started'") == 500)
            #expect(try await fixture.int("SELECT count(*) AS n FROM orders WHERE picking_started_at IS NULL") == 0)
            print("picking: \(expectedTasks) claims by 20 pickers in \(elapsed)")
        }
    }

    @Test("12 pickers batching all three zones at once from 300 orders never take a task twice and drain the queue")
    func concurrentBatches() async throws {
        try await TestDatabase.withSchema(maxConnections: 12) { db in
            let fixture = try await PickingFixture.make(db.pool)
            let slotIDs = [try await fixture.slot("10:00"), try await fixture.slot("10:15")]
            try await Self.seedOrders(fixture, count: 300, slotIDs: slotIDs.map { Int($0.slotID) })
            let summary = try await fixture.picking.enqueueDue(storeID: fixture.storeID, now: PickingFixture.monday("09:00"))
            #expect(summary.tasks == 300 + 150 + 100)
            let picking = fixture.picking
            let store = fixture.storeID
            let claims = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for picker in 0..<12 {
                    group.addTask {
                        let zone = TemperatureZone.allCases[picker % 3]
                        var mine: [Int64] = []
                        while true {
                            let batch = try await picking.claimBatch(storeID: store, picker: "Picker \(picker)", zone: zone,
                                                                     maxOrders: 5, maxLines: 3, now: PickingFixture.monday("09:00"))
                            if batch.isEmpty { return mine }
                            #expect(batch.allSatisfy { $0.zone == zone })
                            mine += batch.map(\.taskID)
                        }
                    }
                }
                return try await group.reduce(into: [Int64]()) { $0 += $1 }
            }
            #expect(claims.count == summary.tasks)
            #expect(Set(claims).count == summary.tasks)
            #expect(try await fixture.int("SELECT count(*) AS n FROM order_events WHERE kind = 'picking_started'") == 300)
        }
    }

    /// Orders written straight into the tables (placing 500 through checkout would be slow):
    /// line 1 ambient pasta, every 2nd order chilled milk, every 3rd frozen ice cream.
    static func seedOrders(_ fixture: PickingFixture, count: Int, slotIDs: [Int]) async throws {
        let store = fixture.storeID
        try await fixture.pool.withTransaction { tx in
            try await tx.query("""
                INSERT INTO baskets (store_id, basket_id, token_hash)
                SELECT \(store), md5('basket' || i)::uuid, sha256(convert_to('token' || i, 'UTF8')) FROM generate_series(1, \(count)) i
                """)
            try await tx.query("""
                WITH chosen AS (
                    SELECT slot_id, starts_at, ends_at, row_number() OVER (ORDER BY starts_at) - 1 AS k
                      FROM slots WHERE store_id = \(store) AND slot_id = ANY(\(slotIDs)::bigint[])
                )
                INSERT INTO orders (store_id, order_id, order_number, link_hash, pickup_code, basket_id, customer_name, customer_phone,
                                    slot_id, slot_starts_at, slot_ends_at, subtotal_cents, fee_cents, total_cents, picking_minutes, placed_at)
                SELECT \(store), md5('order' || i)::uuid, 'S' || lpad(i::text, 6, '0'), sha256(convert_to('link' || i, 'UTF8')),
                       lpad(i::text, 6, '0'), md5('basket' || i)::uuid, 'Client ' || i, '0600000000',
                       c.slot_id, c.starts_at, c.ends_at, 0, 0, 0, 5, \(PickingFixture.placedAt)
                  FROM generate_series(1, \(count)) i
                  JOIN chosen c ON c.k = i % \(slotIDs.count)
                """)
            try await tx.query("""
                INSERT INTO order_lines (store_id, order_id, line_no, product_id, name, brand, size_text, temperature_zone, quantity, unit_price_cents)
                SELECT \(store), md5('order' || i)::uuid, line.no, line.product, line.name, '', '', line.zone, 1, 100
                  FROM generate_series(1, \(count)) i
                  CROSS JOIN LATERAL (VALUES (1, \(fixture.product(PickingFixture.P.pasta)), 'Pâtes', 'ambient', true),
                                             (2, \(fixture.product(PickingFixture.P.milk)), 'Lait', 'chilled', i % 2 = 0),
                                             (3, \(fixture.product(PickingFixture.P.iceCream)), 'Glace', 'frozen', i % 3 = 0))
                       AS line(no, product, name, zone, wanted)
                 WHERE line.wanted
                """)
        }
    }
}

@Suite("Picking claim plan")
struct ClaimPlanTests {
    @Test("the claim walks a queue index in its ORDER BY, with no sort, with or without a zone")
    func claimUsesQueueIndex() async throws {
        try await TestDatabase.withSchema(maxConnections: 2) { db in
            let fixture = try await PickingFixture.make(db.pool)
            let slotIDs = [try await fixture.slot("10:00"), try await fixture.slot("10:15"), try await fixture.slot("10:30")]
            try await QueueTests.seedOrders(fixture, count: 500, slotIDs: slotIDs.map { Int($0.slotID) })
            try await fixture.picking.enqueueDue(storeID: fixture.storeID, now: PickingFixture.monday("09:00"))
            try await db.pool.query("ANALYZE")
            let expected: [TemperatureZone?: String] = [nil: "picking_tasks_queue", .frozen: "picking_tasks_zone_queue"]
            for (zone, index) in expected {
                let claim = PickingService.claimNextStatement(
                    storeID: fixture.storeID, picker: "Alex", zone: zone, now: PickingFixture.monday("09:00"), staleBefore: PickingFixture.monday("08:50")
                )
                // EXPLAIN without ANALYZE plans the statement without running it.
                let plan = try await db.pool.query(SQL(unsafeText: "EXPLAIN " + claim.text, bindings: claim.bindings))
                    .map { $0.text(0) ?? "" }.joined(separator: "\n")
                let next = try #require(plan.range(of: "CTE next").flatMap { start in plan.range(of: "CTE claimed").map { plan[start.upperBound..<$0.lowerBound] } })
                #expect(next.contains("Index Scan using \(index) on picking_tasks"), "\(plan)")
                #expect(!next.contains("Sort"), "\(plan)")
            }
            let batch = PickingService.claimBatchStatement(
                storeID: fixture.storeID, picker: "Alex", zone: .chilled, maxOrders: 4, maxLines: 3,
                now: PickingFixture.monday("09:00"), staleBefore: PickingFixture.monday("08:50")
            )
            let plan = try await db.pool.query(SQL(unsafeText: "EXPLAIN " + batch.text, bindings: batch.bindings))
                .map { $0.text(0) ?? "" }.joined(separator: "\n")
            #expect(plan.contains("Index Scan using picking_tasks_zone_queue on picking_tasks"), "\(plan)")
            #expect(try await fixture.int("SELECT count(*) AS n FROM picking_tasks WHERE status <> 'queued'") == 0)
        }
    }
}
