import Domain
import Foundation
import Logging
import Postgres

/// How the worker retries. Transient failures (no connection, a timeout, a 4xx) are tried
/// again after `firstRetry`, doubling up to `maxRetry`, each wait drawn between half and
/// all of it so that notices that failed together do not retry together; after
/// `maxAttempts` the notice is `failed`. A 5xx is the server refusing this message for
/// good, so it fails at once.
public struct DeliveryPolicy: Sendable {
    public var maxAttempts: Int
    public var firstRetry: TimeInterval
    public var maxRetry: TimeInterval
    /// How long a worker holds a notice it is sending. It must outlast a whole SMTP
    /// conversation (eight step timeouts), or a slow send could be taken over and sent twice.
    public var lease: TimeInterval

    public init(maxAttempts: Int = 8, firstRetry: TimeInterval = 60, maxRetry: TimeInterval = 3600, lease: TimeInterval = 300) {
        self.maxAttempts = max(1, maxAttempts)
        self.firstRetry = firstRetry
        self.maxRetry = max(firstRetry, maxRetry)
        self.lease = lease
    }

    /// The wait after the `attempts`-th failed attempt.
    func retryDelay(after attempts: Int) -> TimeInterval {
        let full = min(maxRetry, firstRetry * pow(2, Double(max(0, attempts - 1))))
        return full * Double.random(in: 0.5...1)
    }
}

/// Who sends: the SMTP client and the sender's address.
public struct Mailer: Sendable {
    public let client: SMTPClient
    public let from: MailAddress

    public init(client: SMTPClient, from: MailAddress) {
        self.client = client
        self.from = from
    }
}

/// What one delivery round did.
public struct DeliveryReport: Sendable, Equatable {
    public var sent = 0
    public var retrying = 0
    public var failed = 0
    public var noAddress = 0

    public var total: Int { sent + retrying + failed + noAddress }

    public static func + (lhs: DeliveryReport, rhs: DeliveryReport) -> DeliveryReport {
        DeliveryReport(sent: lhs.sent + rhs.sent, retrying: lhs.retrying + rhs.retrying, failed: lhs.failed + rhs.failed, noAddress: lhs.noAddress + rhs.noAddress)
    }

    public init(sent: Int = 0, retrying: Int = 0, failed: Int = 0, noAddress: Int = 0) {
        self.sent = sent
        self.retrying = retrying
        self.failed = failed
        self.noAddress = noAddress
    }
}

/// Customer notices: the order page's list, the "come now" reminders, and delivery by e-mail.
public struct NoticeService: Sendable {
    let pool: PostgresPool
    let logger: Logger
    public let policy: DeliveryPolicy
    /// A ready order is reminded this long before its slot starts.
    public let comeNowLead: TimeInterval
    /// Notices leased per delivery round.
    public static let batchSize = 20

    public init(pool: PostgresPool, logger: Logger, policy: DeliveryPolicy = DeliveryPolicy(), comeNowLead: TimeInterval = 15 * 60) {
        self.pool = pool
        self.logger = logger
        self.policy = policy
        self.comeNowLead = comeNowLead
    }

    /// An order's notices, newest first.
    public func notices(storeID: Int64, orderID: UUID) async throws -> [OrderNotice] {
        try await pool.withConnection { try await Self.notices(storeID: storeID, orderID: orderID, in: $0) }
    }

    /// The same, inside the caller's session (the order page reads them with the order).
    public static func notices(storeID: Int64, orderID: UUID, in session: PostgresSession) async throws -> [OrderNotice] {
        try await session.query("""
            SELECT \(OrderNotice.columns) FROM order_notices
             WHERE store_id = \(storeID) AND order_id = \(orderID)
             ORDER BY created_at DESC, notice_id DESC
            """).map(OrderNotice.init(row:))
    }

    /// Writes a "come now" notice for each ready order whose slot starts within
    /// `comeNowLead` (or has started and not ended) and whose customer has not arrived;
    /// once per order and slot. An order that became ready inside that window is left
    /// out: its "ready" notice went out at the same moment and already says it all.
    @discardableResult
    public func enqueueComeNow(now: Date = WallClock.now()) async throws -> Int {
        try await pool.withTransaction { tx in
            let due = try await tx.query("""
                SELECT o.store_id, o.order_id
                  FROM orders o
                 WHERE o.status = 'ready'
                   AND o.slot_starts_at <= \(now) + make_interval(secs => \(comeNowLead))
                   AND o.slot_ends_at > \(now)
                   AND o.ready_at < o.slot_starts_at - make_interval(secs => \(comeNowLead))
                   AND NOT EXISTS (SELECT 1 FROM arrivals a WHERE a.store_id = o.store_id AND a.order_id = o.order_id)
                   AND NOT EXISTS (SELECT 1 FROM order_notices n
                                    WHERE n.store_id = o.store_id AND n.order_id = o.order_id
                                      AND n.kind = 'come_now' AND n.slot_id = o.slot_id)
                """)
            var written = 0
            for row in due {
                let storeID = try row.decode(Int64.self, "store_id")
                let orderID = try row.decode(UUID.self, "order_id")
                if try await NoticeOutbox.enqueue(.comeNow, storeID: storeID, orderID: orderID, at: now, in: tx) { written += 1 }
            }
            return written
        }
    }

    /// Delivers up to `limit` due notices, one SMTP conversation each.
    ///
    /// Exactly once per notice, as far as SMTP allows: a notice is first leased in its own
    /// committed transaction (status `sending`, attempts + 1, until now + lease), taken with
    /// FOR UPDATE SKIP LOCKED so two workers never take the same one; it is marked `sent`
    /// only after the server's 250, and only if the lease is still ours (same attempt
    /// count). Nothing is lost: a failure puts it back to `pending` with a backoff, and a
    /// worker that dies leaves a lease that runs out, after which another worker takes it.
    ///
    /// The one edge SMTP cannot close: if the server accepted the message and this worker
    /// died (or lost the database) before recording it, the notice is sent again when the
    /// lease runs out; delivery is at least once there. The second copy is the same message
    /// (same Message-ID, derived from the notice, and the same Date), so mail clients and
    /// the customer can tell it is a duplicate, not a new notice.
    public func deliverDue(via mailer: Mailer, now: Date = WallClock.now(), limit: Int = Self.batchSize) async throws -> DeliveryReport {
        let leased = try await lease(now: now, limit: limit)
        var report = DeliveryReport()
        for notice in leased {
            switch try await deliver(notice, via: mailer, now: now) {
            case .sent: report.sent += 1
            case .pending: report.retrying += 1
            case .failed: report.failed += 1
            case .noAddress: report.noAddress += 1
            case .sending: break
            }
        }
        return report
    }

    struct LeasedNotice {
        var storeID: Int64
        var noticeID: Int64
        var attempts: Int
        var subject: String
        var body: String
        var createdAt: Date
        var storeName: String
        var email: String?
    }

    private func lease(now: Date, limit: Int) async throws -> [LeasedNotice] {
        try await pool.withTransaction { tx in
            try await tx.query("""
                WITH due AS (
                    SELECT store_id, notice_id FROM order_notices
                     WHERE status IN ('pending', 'sending') AND next_attempt_at <= \(now)
                     ORDER BY next_attempt_at, store_id, notice_id
                     LIMIT \(limit)
                     FOR UPDATE SKIP LOCKED
                )
                UPDATE order_notices n
                   SET status = 'sending', attempts = n.attempts + 1,
                       next_attempt_at = \(now) + make_interval(secs => \(policy.lease))
                  FROM due, orders o, stores s
                 WHERE n.store_id = due.store_id AND n.notice_id = due.notice_id
                   AND o.store_id = n.store_id AND o.order_id = n.order_id AND s.store_id = n.store_id
                RETURNING n.store_id, n.notice_id, n.attempts, n.subject, n.body, n.created_at, s.name,
                          CASE WHEN o.contact_erased_at IS NULL THEN o.customer_email END AS email
                """).map { row in
                LeasedNotice(
                    storeID: try row.decode(Int64.self, "store_id"), noticeID: try row.decode(Int64.self, "notice_id"),
                    attempts: try row.decode(Int.self, "attempts"), subject: try row.decode(String.self, "subject"),
                    body: try row.decode(String.self, "body"), createdAt: try row.decode(Date.self, "created_at"),
                    storeName: try row.decode(String.self, "name"), email: try row.decode(String?.self, "email")
                )
            }
        }
    }

    private func deliver(_ notice: LeasedNotice, via mailer: Mailer, now: Date) async throws -> DeliveryStatus {
        // The address is read now, not when the notice was written: an erased contact is never mailed.
        guard let to = notice.email.flatMap(MailAddress.init) else {
            return try await settle(notice, as: .noAddress, now: now)
        }
        let message = MailMessage(
            from: mailer.from, fromName: notice.storeName, to: to, subject: notice.subject, body: notice.body,
            date: notice.createdAt, messageID: "notice.\(notice.storeID).\(notice.noticeID)@\(mailer.from.domain)"
        )
        do {
            try await mailer.client.send(message)
        } catch let error as SMTPError {
            let giveUp = error.permanent || notice.attempts >= policy.maxAttempts
            logger.warning("notice not delivered", metadata: [
                "notice": "\(notice.storeID).\(notice.noticeID)", "attempt": "\(notice.attempts)",
                "error": "\(error)", "final": "\(giveUp)",
            ])
            return try await settle(notice, as: giveUp ? .failed : .pending, error: error.description, now: now)
        }
        return try await settle(notice, as: .sent, now: now)
    }

    /// Records the outcome, if the lease is still ours: a worker whose lease ran out (and was
    /// taken over, raising attempts) must not overwrite what the new holder records.
    private func settle(_ notice: LeasedNotice, as outcome: DeliveryStatus, error: String? = nil, now: Date) async throws -> DeliveryStatus {
        let next: Date? = outcome == .pending ? now.addingTimeInterval(policy.retryDelay(after: notice.attempts)) : nil
        let sentAt: Date? = outcome == .sent ? now : nil
        let updated = try await pool.query("""
            UPDATE order_notices
               SET status = \(outcome.rawValue), next_attempt_at = \(next),
                   sent_at = \(sentAt),
                   last_error = \(error.map { String($0.prefix(500)) })
             WHERE store_id = \(notice.storeID) AND notice_id = \(notice.noticeID)
               AND status = 'sending' AND attempts = \(notice.attempts)
            """)
        if updated.affectedRows == 0 {
            logger.warning("notice lease lost before its outcome was recorded", metadata: ["notice": "\(notice.storeID).\(notice.noticeID)"])
            return .sending
        }
        return outcome
    }
}
