import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Postgres

/// An RFC 9457 problem: what every API error looks like on the wire.
/// Domain modules throw their own errors; Web maps them to a Problem.
public struct Problem: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String
    /// A stable, machine-readable kind ("out-of-stock", "slot-full", …).
    public var type: String
    /// Extra members, e.g. the items that ran out.
    public var extensions: [String: ProblemValue]
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, type: String? = nil, title: String? = nil, detail: String,
        extensions: [String: ProblemValue] = [:], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.type = type ?? "about:blank"
        self.title = title ?? status.reasonPhrase
        self.detail = detail
        self.extensions = extensions
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [String: ProblemValue] = extensions
        body["type"] = .string(type)
        body["title"] = .string(title)
        body["status"] = .int(status.code)
        body["detail"] = .string(detail)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(body)
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The database is down or every connection is busy: try again shortly.
    static func unavailable(_ error: PostgresError) -> Problem {
        var headers = HTTPFields()
        headers[.retryAfter] = "1"
        let detail = error.code == .poolTimeout
            ? "The service is busy. Please retry in a moment."
            : "The service is temporarily unavailable. Please retry in a moment."
        return Problem(.serviceUnavailable, type: "unavailable", detail: detail, headers: headers)
    }
}

public enum ProblemValue: Codable, Sendable, Equatable {
    case string(String)
    case int(Int)
    case strings([String])
    case objects([[String: String]])

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .strings(let value): try container.encode(value)
        case .objects(let value): try container.encode(value)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode([String].self) { self = .strings(value) }
        else if let value = try? container.decode([[String: String]].self) { self = .objects(value) }
        else { self = .string(try container.decode(String.self)) }
    }
}
