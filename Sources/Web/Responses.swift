import Domain
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// One way to answer JSON and to read forms, for every route.
enum Respond {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        if let writing = value as? any JSONWriting {
            var output = JSONOutput()
            writing.writeJSON(to: &output)
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: output.bytes)))
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// A JSON body produced earlier (an idempotent replay), sent byte for byte.
    static func rawJSON(_ body: String, status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// Post/redirect/get: a form's answer is a redirect, so reload never resubmits.
    static func seeOther(_ location: String, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    static let maxBody = 64 * 1024

    static func form(_ request: Request) async throws -> [String: String] {
        parseForm(String(buffer: try await request.body.collect(upTo: maxBody)))
    }

    /// application/x-www-form-urlencoded; a malformed escape gives an empty value, never an error.
    static func parseForm(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ") }
            guard let name = parts.first?.removingPercentEncoding else { continue }
            fields[name] = (parts.count > 1 ? parts[1] : "").removingPercentEncoding ?? ""
        }
        return fields
    }

    static func body<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let buffer = try await request.body.collect(upTo: maxBody)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch {
            throw Problem(.badRequest, type: "invalid-body", detail: "The request body is not valid JSON for this operation.")
        }
    }
}

extension Data {
    init(buffer: ByteBuffer) {
        self = Data(buffer.readableBytesView)
    }
}

extension Parameters {
    /// A path parameter that must be a positive integer id.
    func id(_ name: String) throws -> Int64 {
        guard let text = get(name), let value = Int64(text), value > 0 else {
            throw Problem(.notFound, detail: "There is nothing at this address.")
        }
        return value
    }

    func text(_ name: String) throws -> String {
        guard let value = get(name), !value.isEmpty, value.count <= 200 else {
            throw Problem(.notFound, detail: "There is nothing at this address.")
        }
        return value
    }
}
