import Foundation
import Testing
import TestSupport

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The command-line tools that prove a rendered code scans: rsvg-convert rasterizes the SVG
/// the way a printer driver would, zbarimg reads the QR codes back like a phone would.
enum ScanTools {
    struct ToolError: Error, CustomStringConvertible {
        let description: String
    }

    /// Renders `svg` to a PNG in `directory`. `dpi` sets the scale of documents sized in
    /// millimetres; `zoom` scales documents sized in pixels.
    static func rasterize(_ svg: String, dpi: Int = 96, zoom: Double = 1, in directory: URL) throws -> URL {
        let name = UUID().uuidString
        let input = directory.appendingPathComponent(name + ".svg")
        let output = directory.appendingPathComponent(name + ".png")
        try Data(svg.utf8).write(to: input)
        let tool = try locate("rsvg-convert", package: "librsvg2-bin")
        try run(tool, ["--dpi-x", "\(dpi)", "--dpi-y", "\(dpi)", "--zoom", "\(zoom)",
                       "--background-color", "white", "--output", output.path, input.path], in: directory)
        return output
    }

    /// Every QR code zbarimg finds in the image, one string per symbol.
    static func decode(_ png: URL) throws -> [String] {
        let tool = try locate("zbarimg", package: "zbar-tools")
        let result = try run(tool, ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", png.path], in: png.deletingLastPathComponent(), allowFailure: true)
        // zbarimg exits with 4 when the image holds no symbol: that is an empty answer, not a tool failure.
        guard result.status == 0 || result.status == 4 else {
            throw ToolError(description: "zbarimg failed (\(result.status)): \(result.stderr)")
        }
        return result.stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// The tool's path on PATH; a missing tool fails the test with what to install.
    static func locate(_ name: String, package: String) throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let candidates = path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw ToolError(description: "\(name) not found on PATH; install it: apt-get install \(package)")
        }
        return found
    }

    /// Runs a tool to completion. Output goes to files rather than pipes, so a chatty tool
    /// can never block on a full pipe while we wait for it.
    @discardableResult
    static func run(_ tool: URL, _ arguments: [String], in directory: URL, allowFailure: Bool = false) throws -> (status: Int32, stdout: String, stderr: String) {
        let name = UUID().uuidString
        let outURL = directory.appendingPathComponent(name + ".out")
        let errURL = directory.appendingPathComponent(name + ".err")
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let status = process.waitForExit()
        let stdout = try String(contentsOf: outURL, encoding: .utf8)
        let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        if !allowFailure, status != 0 {
            throw ToolError(description: "\(tool.lastPathComponent) failed (\(status)): \(stderr)")
        }
        return (status, stdout, stderr)
    }
}

/// Runs `body` with a fresh directory under the temporary directory, removed afterwards.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shelf-tests-" + UUID().uuidString)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

/// An element of a parsed SVG, with the translation and scale of its enclosing groups
/// folded in, so positions are in the document's own units.
struct SVGElement {
    let name: String
    let attributes: [String: String]
    let offset: (x: Double, y: Double)
    let scale: Double
    let text: String

    func number(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }

    /// Where a point given in the element's coordinates lands on the page.
    func page(_ x: Double, _ y: Double) -> (x: Double, y: Double) {
        (offset.x + x * scale, offset.y + y * scale)
    }
}

/// Parses SVG with Foundation's XMLParser; a parse error means the document is not well-formed XML.
final class SVGInspector: NSObject, XMLParserDelegate {
    private(set) var elements: [SVGElement] = []
    private var transforms: [(x: Double, y: Double, scale: Double)] = [(0, 0, 1)]
    private var open: [(name: String, attributes: [String: String], text: String)] = []

    static func parse(_ svg: String) throws -> [SVGElement] {
        let inspector = SVGInspector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = inspector
        guard parser.parse() else {
            let error = parser.parserError.map { String(describing: $0) } ?? "unknown error"
            throw ScanTools.ToolError(description: "SVG is not well-formed XML (line \(parser.lineNumber)): \(error)")
        }
        return inspector.elements
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        let outer = transforms.last!
        let (dx, dy, scale) = Self.transform(attributes["transform"])
        transforms.append((outer.x + dx * outer.scale, outer.y + dy * outer.scale, outer.scale * scale))
        open.append((name, attributes, ""))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if !open.isEmpty { open[open.count - 1].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let element = open.removeLast()
        transforms.removeLast()
        let outer = transforms.last!
        elements.append(SVGElement(name: element.name, attributes: element.attributes, offset: (outer.x, outer.y), scale: outer.scale, text: element.text))
    }

    /// Reads the "translate(x y) scale(s)" form the poster writes; anything else is an identity.
    private static func transform(_ value: String?) -> (Double, Double, Double) {
        guard let value else { return (0, 0, 1) }
        func arguments(of function: String) -> [Double] {
            guard let start = value.range(of: function + "(")?.upperBound,
                  let end = value[start...].firstIndex(of: ")") else { return [] }
            return value[start..<end].split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { Double($0) }
        }
        let translation = arguments(of: "translate") + [0, 0]
        let scale = arguments(of: "scale").first ?? 1
        return (translation[0], translation[1], scale)
    }
}
