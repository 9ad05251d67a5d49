import Foundation
import Hummingbird
import Mustache
import NIOCore
import Synchronization

/// Server-side pages: Mustache templates shipped as resources of this
/// module, rendered with HTML escaping on by default.
public struct Pages: Sendable {
    let library: MustacheLibrary
    let memo = RenderMemo(capacity: 1024)

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
        page(template, body(template, context), status: status, headers: headers)
    }

    /// A page whose view comes back request after request (a poster's product, a shelf):
    /// rendered once per distinct view and answered from memory after that. The text is
    /// a function of the template and the view alone, so an equal view gets the same
    /// page; a change of price, stock or basket count is a different view. Not for views
    /// holding a per-request secret (a CSRF token): each would be rendered and kept once.
    func render(_ template: String, memoized view: some Sendable & Hashable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        let key = RenderMemo.Key(template: template, view: view)
        if let kept = memo[key] { return page(template, kept, status: status, headers: headers) }
        let rendered = body(template, view)
        if let rendered { memo[key] = rendered }
        return page(template, rendered, status: status, headers: headers)
    }

    private func body(_ template: String, _ view: some Sendable) -> ByteBuffer? {
        library.render(ViewTree.make(view) as Any, withTemplate: template).map { ByteBuffer(string: $0) }
    }

    private func page(_ template: String, _ body: ByteBuffer?, status: HTTPResponse.Status, headers: HTTPFields) -> Response {
        guard let body else {
            return Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "missing template \(template)")))
        }
        var headers = headers
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    /// Root of the static files (CSS, JS) served under /static.
    static var staticDirectory: String {
        resource("static")?.path ?? "static"
    }
}

/// Rendered pages by template and view, at most `capacity` of them: full, it starts
/// again empty (pages of a few kilobytes each, so a few megabytes at most). Rendering
/// the scan page was a third of its server CPU, for the same text scan after scan.
final class RenderMemo: Sendable {
    struct Key: Hashable, @unchecked Sendable {
        let template: String
        let view: AnyHashable

        init(template: String, view: some Sendable & Hashable) {
            self.template = template
            self.view = AnyHashable(view)
        }
    }

    let capacity: Int
    private let pages = Mutex<[Key: ByteBuffer]>([:])

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { pages.withLock { $0.count } }

    subscript(key: Key) -> ByteBuffer? {
        get { pages.withLock { $0[key] } }
        set {
            pages.withLock { pages in
                if pages.count >= capacity, pages[key] == nil { pages.removeAll(keepingCapacity: true) }
                pages[key] = newValue
            }
        }
    }
}

/// A page's view as the renderer reads it: each struct's fields in a dictionary.
/// swift-mustache looks a name up in a plain struct through `Mirror`, reflecting
/// every field each time and again at each level it climbs: nearly all of the
/// scan page handler's CPU. Reflecting the view once per render and answering
/// lookups from dictionaries renders the same text.
enum ViewTree {
    private enum Kind { case leaf, optional, collection, node, listed }

    /// What each type is, decided once: the dynamic casts that decide it cost more than the
    /// rest of the conversion when made for every value of every page.
    private static let kinds = Mutex<[ObjectIdentifier: Kind]>([:])

    static func make(_ value: Any, depth: Int = 0) -> Any? {
        let kind = kind(of: value)
        switch kind {
        case .leaf:
            return value
        case .optional:
            return (value as? any OptionalView)?.wrapped.flatMap { make($0, depth: depth) }
        case .collection, .node, .listed:
            break
        }
        // Deeper than any page nests: a value that refers to itself stays as it is.
        guard depth < 32 else { return value }
        if kind == .listed, let listed = value as? any ViewFields {
            var fields: [String: Any] = [:]
            for (label, field) in listed.viewFields {
                if let made = make(field, depth: depth + 1) { fields[label] = made }
            }
            return ViewNode(original: value, fields: fields)
        }
        let mirror = Mirror(reflecting: value)
        if kind == .collection {
            // A nil element stays the nil it was (the renderer writes it as such).
            return mirror.children.map { make($0.value, depth: depth + 1) ?? $0.value }
        }
        var fields: [String: Any] = [:]
        for child in mirror.children {
            if let label = child.label, let field = make(child.value, depth: depth + 1) { fields[label] = field }
        }
        return ViewNode(original: value, fields: fields)
    }

    private static func kind(of value: Any) -> Kind {
        let type = ObjectIdentifier(Swift.type(of: value))
        if let known = kinds.withLock({ $0[type] }) { return known }
        let kind: Kind
        switch value {
        // First: a cast looks through an optional, so `Optional("a") is String` holds, and the
        // type's next value may be nil.
        case is any OptionalView:
            kind = .optional
        case is any ViewFields:
            kind = .listed
        case is String, is Int, is Int64, is Bool, is Double, is any MustacheParent, is MustacheLambda, is any MustacheCustomRepresentation, is MustacheTemplate:
            kind = .leaf
        default:
            switch Mirror(reflecting: value).displayStyle {
            case .collection: kind = .collection
            case .struct, .class: kind = .node
            default: kind = .leaf
            }
        }
        kinds.withLock { $0[type] = kind }
        return kind
    }
}

/// A view that lists its own fields, so that ViewTree need not reflect it: the
/// scan page's views, whose reflection was a tenth of that page's server CPU.
/// An optional field is listed as the optional it is. ViewTreeTests checks that
/// each conforming view lists exactly the fields reflection finds.
protocol ViewFields {
    var viewFields: [String: Any] { get }
}

/// A struct of a view, its fields already read; it renders as the struct would.
struct ViewNode: MustacheParent, MustacheCustomRenderable {
    let original: Any
    let fields: [String: Any]

    func child(named name: String) -> Any? { fields[name] }
    var renderText: String { (original as? any MustacheCustomRenderable)?.renderText ?? String(describing: original) }
    var isNull: Bool { (original as? any MustacheCustomRenderable)?.isNull ?? false }
}

protocol OptionalView {
    var wrapped: Any? { get }
}

extension Optional: OptionalView {
    var wrapped: Any? { self.map { $0 as Any } }
}

struct PagesError: Error, CustomStringConvertible {
    var description: String
}
