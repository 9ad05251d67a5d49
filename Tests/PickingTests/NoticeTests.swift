import Foundation
import Notices
import Orders
import Picking
import Postgres
import Slots
import Testing
import TestSupport

/// Customer notices end to end: written by the events that cause them (staging, re-plan,
/// the come-now job), delivered by the worker to a real SMTP server (aiosmtpd).
@Suite("Customer notices")
struct NoticeTests {
    typealias P = PickingFixture.P

    static func mailer(_ sink: SMTPSink) -> Mailer {
        Mailer(
            client: SMTPClient(SMTPConfiguration(host: "127.0.0.1", port: sink.port, stepTimeout: .seconds(10))),
            from: MailAddress("commandes@creneau.example")!
        )
    }

    struct Row: Equatable {
        var kind: String
        var status: String
        var attempts: Int
        var nextAttemptAt: Date?
        var lastError: String?
        var sentAt: Date?
    }

    static func rows(_ pool: PostgresPool, of orderID: UUID? = nil) async throws -> [Row] {
        let filter: SQL = orderID.map { "WHERE order_id = \($0)" } ?? ""
        return try await pool.query("""
            SELECT kind, status, attempts, next_attempt_at, last_error, sent_at FROM order_notices \(filter) ORDER BY notice_id
            """).map { row in
            Row(
                kind: try row.decode(String.self, "kind"), status: try row.decode(String.self, "status"),
                attempts: try row.decode(Int.self, "attempts"), nextAttemptAt: try row.decode(Date?.self, "next_attempt_at"),
                lastError: try row.decode(String?.self, "last_error"), sentAt: try row.decode(Date?.self, "sent_at")
            )
        }
    }

    static func enqueueReady(_ fixture: PickingFixture, _ order: PlacedOrder, at: Date = PickingFixture.monday("08:22")) async throws -> Bool {
        try await fixture.pool.withTransaction { tx in
            try await NoticeOutbox.enqueue(.ready(total: "12,34 €"), storeID: fixture.storeID, orderID: order.orderID, at: at, in: tx)
        }
    }

    /// Picks and stages every zone of the store's queue; the orders become ready at `at`.
    static func makeReady(_ fixture: PickingFixture, at: Date) async throws {
        try await fixture.picking.enqueueDue(storeID: fixture.storeID, now: at)
        for task in try await HandoverTests.pickEverything(fixture, picker: "Alex", at: at) {
            _ = try await fixture.picking.stage(storeID: fixture.storeID, taskID: task.taskID, picker: "Alex", location: "A\(task.taskID)", now: at)
        }
    }

    @Test("the last zone staged writes one \"ready\" notice in its transaction; a stage refused at commit leaves none")
    func readyInTheStageTransaction() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await PickingFixture.make(db.pool)
            let store = fixture.storeID
            let order = try await fixture.place([(P.pasta, 1), (P.milk, 1)], email: "camille@example.org")
            try await fixture.picking.enqueueDue(storeID: store, now: PickingFixture.monday("08:00"))
            let tasks = try await HandoverTests.pickEverything(fixture, picker: "Alex", at: PickingFixture.monday("08:10"))
            try #require(tasks.count == 2)
            _ = try await fixture.picking.stage(storeID: store, taskID: tasks[0].taskID, picker: "Alex", location: "A1", now: PickingFixture.monday("08:20"))
            #expect(try await Self.rows(db.pool).isEmpty)

            // A check that fails only at COMMIT, after the stage wrote the order, its timeline and its notice.
            try await db.pool.query("""
                CREATE FUNCTION refuse_ready() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$
                """)
            try await db.pool.query("""
                CREATE CONSTRAINT TRIGGER refuse_ready AFTER UPDATE ON orders DEFERRABLE INITIALLY DEFERRED
                   FOR EACH ROW WHEN (NEW.status = 'ready') EXECUTE FUNCTION refuse_ready()
                """)
            let before = try await fixture.snapshot()
            await #expect(throws: PostgresError.self) {
                try await fixture.picking.stage(storeID: store, taskID: tasks[1].taskID, picker: "Alex", location: "F1", now: PickingFixture.monday("08:22"))
            }
            #expect(try await fixture.snapshot() == before)
            #expect(try await Self.rows(db.pool).isEmpty)

            try await db.pool.query("DROP TRIGGER refuse_ready ON orders")
            let staged = try await fixture.picking.stage(storeID: store, taskID: tasks[1].taskID, picker: "Alex", location: "F1", now: PickingFixture.monday("08:22"))
            #expect(staged.orderReady)
            #expect(try await Self.rows(db.pool) == [Row(kind: "ready", status: "pending", attempts: 0, nextAttemptAt: PickingFixture.monday("08:22"))])
            let view = try await fixture.view(order)
            let notice = try #require(view.notices.first)
            #expect(view.notices.count == 1)
            #expect(notice.kind == .ready && notice.delivery == .pending && notice.createdAt == PickingFixture.monday("08:22"))
            #expect(notice.subject == "Votre commande \(view.orderNumber) est prête")
            // The slot in the store's time zone (10:00 in Paris is 09:00Z) and the total as the page shows it.
            #expect(notice.body.contains("Retrait : lundi 12 janvier, 10:00–10:15"))
            #expect(notice.body.contains("Total : 4,48\u{A0}€"))
            // No personal data in a notice: erasing the contact leaves nothing of it behind.
            #expect(!notice.body.contains("Camille") && !notice.body.contains("camille@"))

            // One event, one notice: writing it again is a no-op.
            #expect(try await !Self.enqueueReady(fixture, order))
            #expect(try await Self.rows(db.pool).count == 1)
        }
    }

    @Test("twelve notices and two workers delivering at once: twelve messages, each exactly once, named after its notice")
    func exactlyOnceWithTwoWorkers() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await PickingFixture.make(db.pool)
            var orders: [PlacedOrder] = []
            for index in 0..<12 {
                let slot = ["10:00", "10:15", "10:30", "10:45"][index % 4]
                orders.append(try await fixture.place([(P.pasta, 1)], slotTime: slot, email: "client\(index)@example.org"))
            }
            for order in orders { #expect(try await Self.enqueueReady(fixture, order)) }
            try await SMTPSink.with { sink in
                let mailer = Self.mailer(sink)
                let first = NoticeService(pool: db.pool, logger: PickingFixture.logger)
                let second = NoticeService(pool: db.pool, logger: PickingFixture.logger)
                let at = PickingFixture.monday("08:30")
                var sent = 0
                while true {
                    async let a = first.deliverDue(via: mailer, now: at, limit: 2)
                    async let b = second.deliverDue(via: mailer, now: at, limit: 2)
                    let (one, two) = try await (a, b)
                    #expect(one.retrying + one.failed + two.retrying + two.failed == 0)
                    sent += one.sent + two.sent
                    if one.total + two.total == 0 { break }
                }
                #expect(sent == 12)
                let received = try sink.messages()
                #expect(received.count == 12)
                let ids = try await db.pool.query("SELECT store_id, notice_id FROM order_notices ORDER BY notice_id").map {
                    "<notice.\(try $0.decode(Int64.self, "store_id")).\(try $0.decode(Int64.self, "notice_id"))@creneau.example>"
                }
                #expect(Set(received.compactMap { $0.headers["Message-ID"] }) == Set(ids))
                #expect(Set(received.flatMap(\.rcptTos)) == Set((0..<12).map { "client\($0)@example.org" }))
                #expect(received.allSatisfy { $0.subject.hasPrefix("Votre commande ") && $0.mailFrom == "commandes@creneau.example" })
                let rows = try await Self.rows(db.pool)
                #expect(rows.allSatisfy { $0.status == "sent" && $0.attempts == 1 && $0.sentAt == at && $0.nextAttemptAt == nil })
                #expect(try await fixture.view(orders[0]).notices.first?.delivery == .sent)
            }
        }
    }

    @Test("with the SMTP server down a notice waits with its attempt counted, and goes out once the server is back")
    func serverDownThenBack() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await PickingFixture.make(db.pool)
            let order = try await fixture.place([(P.pasta, 1)], email: "camille@example.org")
            #expect(try await Self.enqueueReady(fixture, order))
            let sink = try await SMTPSink.start()
            defer { sink.close() }
            sink.stop()
            let service = NoticeService(pool: db.pool, logger: PickingFixture.logger)
            let at = PickingFixture.monday("08:30")
            #expect(try await service.deliverDue(via: Self.mailer(sink), now: at) == DeliveryReport(retrying: 1))
            var row = try #require(try await Self.rows(db.pool).first)
            #expect(row.status == "pending" && row.attempts == 1 && row.sentAt == nil)
            // First retry after 60 s, drawn between half and all of it.
            let wait = try #require(row.nextAttemptAt).timeIntervalSince(at)
            #expect(wait >= 30 && wait <= 60)
            #expect(row.lastError?.hasPrefix("connect: cannot reach 127.0.0.1:\(sink.port)") == true)
            // Not due yet: nothing is tried.
            #expect(try await service.deliverDue(via: Self.mailer(sink), now: at.addingTimeInterval(20)) == DeliveryReport())

            try await sink.restart()
            #expect(try await service.deliverDue(via: Self.mailer(sink), now: at.addingTimeInterval(61)) == DeliveryReport(sent: 1))
            row = try #require(try await Self.rows(db.pool).first)
            #expect(row.status == "sent" && row.attempts == 2 && row.lastError == nil)
            #expect(try sink.messages().map(\.rcptTos) == [["camille@example.org"]])
        }
    }

    @Test("a notice whose \"sent\" was lost after the server took it goes again once its lease runs out, as the same message")
    func leaseRunsOut() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await PickingFixture.make(db.pool)
            let order = try await fixture.place([(P.pasta, 1)], email: "camille@example.org")
            #expect(try await Self.enqueueReady(fixture, order))
            try await SMTPSink.with { sink in
                let service = NoticeService(pool: db.pool, logger: PickingFixture.logger)
                let at = PickingFixture.monday("08:30")
                #expect(try await service.deliverDue(via: Self.mailer(sink), now: at) == DeliveryReport(sent: 1))
                // As if the worker died between the server's 250 and its commit: still leased, until 08:35.
                try await db.pool.query("""
                    UPDATE order_notices SET status = 'sending', sent_at = NULL, next_attempt_at = \(at.addingTimeInterval(service.policy.lease))
                    """)
                #expect(try await service.deliverDue(via: Self.mailer(sink), now: at.addingTimeInterval(60)) == DeliveryReport())
                #expect(try await service.deliverDue(via: Self.mailer(sink), now: at.addingTimeInterval(service.policy.lease)) == DeliveryReport(sent: 1))
                #expect(try await Self.rows(db.pool).map(\.attempts) == [2])
                // SMTP gives at least once at that edge; the copy is recognisable as the same notice.
                let received = try sink.messages()
                #expect(received.count == 2)
                #expect(Set(received.compactMap { $0.headers["Message-ID"] }).count == 1)
                #expect(Set(received.compactMap { $0.headers["Date"] }) == ["Mon, 12 Jan 2026 08:22:00 +0000"])
            }
        }
    }

    @Test("a 5xx refusal fails the notice at once, a 4xx after the last attempt; both stay on the order page")
    func refusedForGoodAndTooOften() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await PickingFixture.make(db.pool)
            let rejected = try await fixture.place([(P.pasta, 1)], email: "reject@example.org")
            let deferred = try await fixture.place([(P.rice, 1)], email: "tempfail@example.org")
            #expect(try await Self.enqueueReady(fixture, rejected))
            #expect(try await Self.enqueueReady(fixture, deferred))
            try await SMTPSink.with { sink in
                let service = NoticeService(pool: db.pool, logger: PickingFixture.logger, policy: DeliveryPolicy(maxAttempts: 3))
                let at = PickingFixture.monday("08:30")
                #expect(try await service.deliverDue(via: Self.mailer(sink), now: at) == DeliveryReport(retrying: 1, failed: 1))
                #expect(try await service.deliverDue(via: Self.mailer(sink), now: at.addingTimeInterval(3600)) == DeliveryReport(retrying: 1))
                #expect(try await service.deliverDue(via: Self.mailer(sink), now: at.addingTimeInterval(7200)) == DeliveryReport(failed: 1))
                #expect(try await service.deliverDue(via: Self.mailer(sink), now: at.addingTimeInterval(86_400)) == DeliveryReport())

                let refused = try #require(try await Self.rows(db.pool, of: rejected.orderID).first)
                #expect(refused.status == "failed" && refused.attempts == 1 && refused.nextAttemptAt == nil)
                #expect(refused.lastError?.hasPrefix("RCPT TO: 550") == true)
                let tooOften = try #require(try await Self.rows(db.pool, of: deferred.orderID).first)
                #expect(tooOften.status == "failed" && tooOften.attempts == 3 && tooOften.nextAttemptAt == nil)
                #expect(tooOften.lastError?.hasPrefix("RCPT TO: 451") == true)
                #expect(try sink.messages().isEmpty)
                for order in [rejected, deferred] {
                    #expect(try await fixture.view(order).notices.map(\.delivery) == [.failed])
                }
            }
        }
    }

    @Test("a phone-only order's notice is shown, never mailed; an erased contact is not mailed either")
    func noAddress() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await PickingFixture.make(db.pool)
            let phoneOnly = try await fixture.place([(P.pasta, 1)])
            let erased = try await fixture.place([(P.rice, 1)], email: "camille@example.org")
            #expect(try await Self.enqueueReady(fixture, phoneOnly))
            #expect(try await Self.enqueueReady(fixture, erased))
            #expect(try await Self.rows(db.pool).map(\.status) == ["no_address", "pending"])
            // Erased after the notice was written: the address is read when delivering.
            _ = try await fixture.orders.erasePersonalData(link: erased.link, now: PickingFixture.monday("08:25"))
            try await SMTPSink.with { sink throws in
                let service = NoticeService(pool: db.pool, logger: PickingFixture.logger)
                #expect(try await service.deliverDue(via: Self.mailer(sink), now: PickingFixture.monday("08:30")) == DeliveryReport(noAddress: 1))
                #expect(try sink.messages().isEmpty)
            }
            #expect(try await Self.rows(db.pool).map(\.status) == ["no_address", "no_address"])
            #expect(try await fixture.view(phoneOnly).notices.map(\.delivery) == [.noAddress])
        }
    }

    @Test("a re-plan that newly puts bookings at risk tells each customer once, offering the nearest free slots")
    func atRisk() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await PickingFixture.make(db.pool)
            var orders: [PlacedOrder] = []
            for index in 0..<3 { orders.append(try await fixture.place([(P.pasta, 1)], email: "client\(index)@example.org")) }
            let shifts = try await fixture.slots.roster(
                storeID: fixture.storeID, from: PickingFixture.placedAt, to: PickingFixture.placedAt.addingTimeInterval(3 * 86_400)
            )
            for shift in shifts.filter({ $0.role == .picker }).dropFirst() {
                _ = try await fixture.slots.removeShift(storeID: fixture.storeID, shiftID: shift.shiftID, now: PickingFixture.placedAt)
            }
            let atRisk = try await fixture.slots.atRiskBookings(storeID: fixture.storeID, now: PickingFixture.placedAt).map(\.orderID)
            try #require(!atRisk.isEmpty)
            for order in orders {
                let notices = try await fixture.view(order).notices
                if atRisk.contains(order.orderID) {
                    let notice = try #require(notices.first)
                    #expect(notices.count == 1)
                    #expect(notice.kind == .atRisk && notice.delivery == .pending)
                    #expect(notice.subject == "Votre créneau du lundi 12 janvier est à risque")
                    #expect(notice.body.contains("Ces créneaux sont encore libres, sans frais :\n- lundi 12 janvier, "))
                    let offered = notice.body.components(separatedBy: "\n").filter { $0.hasPrefix("- ") }
                    #expect((2...3).contains(offered.count))
                    #expect(!offered.contains { $0.contains("10:00–10:15") })
                } else {
                    #expect(notices.isEmpty)
                }
            }
            // Past the change deadline (08:00 Paris for the 10:00 slot) the customer could not act on it: nothing is written.
            let unchanged = try #require(orders.first { !atRisk.contains($0.orderID) })
            let late = try await db.pool.withTransaction { tx in
                try await NoticeOutbox.enqueue(.atRisk(alternatives: []), storeID: fixture.storeID, orderID: unchanged.orderID, at: PickingFixture.monday("07:01"), in: tx)
            }
            #expect(!late)
            // Still at risk after another re-plan: nobody is told twice.
            let count = try await Self.rows(db.pool).count
            _ = try await fixture.slots.replan(storeID: fixture.storeID, now: PickingFixture.placedAt)
            #expect(try await Self.rows(db.pool).count == count)
        }
    }

    @Test("\"come now\": once per ready order as its slot nears, not for a customer already here, nor for an order ready within the window")
    func comeNow() async throws {
        try await TestDatabase.withSchema { db in
            let fixture = try await PickingFixture.make(db.pool)
            let waiting = try await fixture.place([(P.pasta, 1)], email: "camille@example.org")
            let here = try await fixture.place([(P.rice, 1)])
            try await Self.makeReady(fixture, at: PickingFixture.monday("08:10"))
            _ = try await fixture.picking.checkIn(storeID: fixture.storeID, order: .pickupCode(here.pickupCode), via: .counter, now: PickingFixture.monday("08:40"))
            let late = try await fixture.place([(P.butter, 1)], slotTime: "10:15")
            try await Self.makeReady(fixture, at: PickingFixture.monday("09:05"))
            let service = NoticeService(pool: db.pool, logger: PickingFixture.logger, comeNowLead: 15 * 60)

            // The 10:00 slot starts at 09:00Z: reminders from 08:45Z.
            #expect(try await service.enqueueComeNow(now: PickingFixture.monday("08:44")) == 0)
            #expect(try await service.enqueueComeNow(now: PickingFixture.monday("08:50")) == 1)
            #expect(try await service.enqueueComeNow(now: PickingFixture.monday("09:10")) == 0)
            let notices = try await fixture.view(waiting).notices
            #expect(notices.map(\.kind) == [.comeNow, .ready])
            #expect(notices.first?.subject == "Votre commande \(try await fixture.view(waiting).orderNumber) vous attend")
            #expect(try await fixture.view(here).notices.map(\.kind) == [.ready])
            #expect(try await fixture.view(late).notices.map(\.kind) == [.ready])
        }
    }
}
