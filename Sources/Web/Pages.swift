import Foundation
import Hummingbird
import Mustache
import NIOCore

/// Server-side pages: Mustache templates shipped as resources of this
/// module, rendered with HTML escaping on by default.
public struct Pages: Sendable {
    let library: MustacheLibrary

    static func load() async throws -> Pages {
        guard let root = resource("templates") else {
            throw PagesError(description: "the Web module's templates are missing from its resource bundle")
        }
        let library = try await MustacheLibrary(directory: root.path)
        // An unreadable folder gives an empty library rather than an error.
        guard library.getTemplate(named: "layout") != nil else {
            throw PagesError(description: "no templates could be read from \(root.path)")
        }
        return Pages(library: library)
    }

    /// A file or folder of this module's `Resources`. Foundation on Linux makes
    /// the bundle's own Resources folder its resource root, elsewhere not, so both are tried.
    static func resource(_ relativePath: String) -> URL? {
        guard let base = Bundle.module.resourceURL else { return nil }
        return [base.appendingPathComponent(relativePath), base.appendingPathComponent("Resources").appendingPathComponent(relativePath)]
            .first { FileManager.default.fileExists(atPath: $0.path) }
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
        resource("static")?.path ?? "static"
    }
}

struct PagesError: Error, CustomStringConvertible {
    var description: String
}
