import Foundation
import Hummingbird
import Mustache
import NIOCore

/// Server-side pages: Mustache templates shipped as resources of this
/// module, rendered with HTML escaping on by default.
public struct Pages: Sendable {
    let library: MustacheLibrary

    static func load() async throws -> Pages {
        guard let root = resourceDirectory("templates") else {
            throw PagesError(description: "the Web module's templates are missing from its resource bundle")
        }
        return Pages(library: try await MustacheLibrary(directory: root.path))
    }

    /// A full page from `template`, which extends `layout`.
    func render(_ template: String, _ context: some Sendable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        guard let html = library.render(context, withTemplate: template) else {
            return Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "missing template \(template)")))
        }
        var headers = headers
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// Root of the static files (CSS, JS) served under /static.
    static var staticDirectory: String {
        resourceDirectory("static")?.path ?? "static"
    }

    /// The copied `Resources` folder sits inside the bundle's resource folder on macOS, but
    /// Linux Foundation takes a bundle's `Resources` folder as the resource folder itself.
    static func resourceDirectory(_ name: String) -> URL? {
        guard let root = Bundle.module.resourceURL else { return nil }
        let nested = root.appendingPathComponent("Resources").appendingPathComponent(name)
        return FileManager.default.fileExists(atPath: nested.path) ? nested : root.appendingPathComponent(name)
    }
}

struct PagesError: Error, CustomStringConvertible {
    var description: String
}
