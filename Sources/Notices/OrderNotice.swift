import Foundation
import Postgres

/// What a notice tells the customer.
public enum NoticeKind: String, Sendable, Codable, CaseIterable {
    case ready
    case atRisk = "at_risk"
    case comeNow = "come_now"
}

/// Where a notice's e-mail stands (see sql/008_notices.sql for the life of a notice).
public enum DeliveryStatus: String, Sendable, Codable, CaseIterable {
    case pending, sending, sent, failed
    case noAddress = "no_address"
}

/// A notice as the customer sees it on the order page; delivery errors stay with the operator.
public struct OrderNotice: Sendable, Codable, Equatable {
    public var noticeID: Int64
    public var kind: NoticeKind
    public var subject: String
    public var body: String
    public var createdAt: Date
    public var delivery: DeliveryStatus
    public var sentAt: Date?

    static let columns: SQL = "notice_id, kind, subject, body, created_at, status, sent_at"

    init(row: PostgresRow) throws {
        let kind = try row.decode(String.self, "kind")
        let status = try row.decode(String.self, "status")
        guard let knownKind = NoticeKind(rawValue: kind), let delivery = DeliveryStatus(rawValue: status) else {
            throw PostgresError(code: .decoding, message: "unknown notice kind \(kind) or status \(status)")
        }
        self.noticeID = try row.decode(Int64.self, "notice_id")
        self.kind = knownKind
        self.subject = try row.decode(String.self, "subject")
        self.body = try row.decode(String.self, "body")
        self.createdAt = try row.decode(Date.self, "created_at")
        self.delivery = delivery
        self.sentAt = try row.decode(Date?.self, "sent_at")
    }
}
