import Foundation
import Hummingbird
import NIOCore

/// The API's description, kept in the repository as Resources/openapi.json
/// and checked by a test against the routes the router actually serves.
enum OpenAPIDocument {
    static func data() throws -> Data {
        guard let url = Pages.resource("openapi.json") else {
            throw PagesError(description: "openapi.json is missing from the Web module's resources")
        }
        return try Data(contentsOf: url)
    }

    static func response() throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=300"],
            body: .init(byteBuffer: ByteBuffer(bytes: try data()))
        )
    }
}
