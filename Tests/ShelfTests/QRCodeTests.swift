import Foundation
import Shelf
import Testing

@Suite("QR codes")
struct QRCodeTests {
    static let shortURL = "https://creneau.example/s/Ab3xK9q"
    static let longURL = "https://creneau.example/magasins/paris-chatelet-les-halles/rayons/petit-dejeuner/produits/"
        + String(repeating: "confiture-extra-fraises-de-plougastel-", count: 6) + "?utm_source=affiche&utm_medium=metro&ref=Ab3xK9q"
    static let unicodeURL = "https://creneau.example/p/crème-brûlée?magasin=Châtelet–Les Halles&prix=2,49€&note=très bon ✓"

    @Test("an SVG document rendered, rasterized and scanned gives back the exact text",
          arguments: [shortURL, longURL, unicodeURL])
    func roundTrip(text: String) throws {
        let code = try QRCode(text)
        let svg = code.svgDocument(moduleSize: 6, title: "Code de retrait")
        _ = try SVGInspector.parse(svg)
        let decoded = try withTemporaryDirectory { directory in
            try ScanTools.decode(ScanTools.rasterize(svg, in: directory))
        }
        #expect(decoded == [text])
    }

    @Test func matrixHasTheShapeOfItsVersion() throws {
        let code = try QRCode(Self.shortURL)
        #expect(code.errorCorrection == .medium)
        #expect(code.size == 17 + 4 * code.version)
        #expect(code.matrix.count == code.size)
        #expect(code.matrix.allSatisfy { $0.count == code.size })
        // Each corner but the bottom-right holds a finder pattern: a dark 7×7 ring around a light one.
        for (top, left) in [(0, 0), (0, code.size - 7), (code.size - 7, 0)] {
            #expect((0..<7).allSatisfy { code[row: top, column: left + $0] && code[row: top + 6, column: left + $0] })
            #expect((1..<6).allSatisfy { !code[row: top + 1, column: left + $0] })
            #expect(code[row: top + 3, column: left + 3])
        }
        #expect(code.matrix[3][3] == code[row: 3, column: 3])
    }

    @Test func higherErrorCorrectionNeedsAtLeastAsManyModules() throws {
        let codes = try QRCode.ErrorCorrection.allCases.map { try QRCode(Self.longURL, errorCorrection: $0) }
        #expect(codes.map(\.errorCorrection) == [.low, .medium, .quartile, .high])
        #expect(zip(codes, codes.dropFirst()).allSatisfy { $0.version <= $1.version })
        #expect(codes.last!.version > codes.first!.version)
    }

    @Test func encodingIsCaseSensitiveAndDeterministic() throws {
        #expect(try QRCode("https://x.example/Ab3") == QRCode("https://x.example/Ab3"))
        #expect(try QRCode("https://x.example/Ab3") != QRCode("https://x.example/AB3"))
    }

    @Test func pathMergesHorizontalRunsIntoOneRectangleEach() throws {
        let code = try QRCode(Self.shortURL)
        let runs = code.matrix.reduce(0) { count, row in
            count + zip([false] + row, row).filter { !$0 && $1 }.count
        }
        let darkModules = code.matrix.joined().filter { $0 }.count
        let path = code.svgPathData
        #expect(path.filter { $0 == "M" }.count == runs)
        #expect(runs < darkModules)
        // The first dark module is the finder pattern's corner, after the 4-module quiet zone.
        #expect(path.hasPrefix("M4 4h7v1h-7z"))
    }

    @Test func svgElementPlacesTheCodeAndItsQuietZoneInTheGivenSquare() throws {
        let code = try QRCode(Self.shortURL)
        let element = code.svgElement(x: 10.5, y: 20, side: 35)
        let side = code.size + 2 * QRCode.quietZone
        #expect(code.sizeWithQuietZone == side)
        #expect(element.hasPrefix("<svg x=\"10.5\" y=\"20\" width=\"35\" height=\"35\" viewBox=\"0 0 \(side) \(side)\""))
        #expect(element.contains("shape-rendering=\"crispEdges\""))
        #expect(element.contains("<rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/>"))
    }

    @Test func documentEscapesItsTitleAndColours() throws {
        let code = try QRCode("x")
        let svg = code.svgDocument(moduleSize: 4, title: "Retrait <Châtelet> & \"quai\"", dark: "#0B5D3B")
        let elements = try SVGInspector.parse(svg)
        #expect(elements.first { $0.name == "title" }?.text == "Retrait <Châtelet> & \"quai\"")
        let root = try #require(elements.first { $0.name == "svg" })
        #expect(root.attributes["width"] == "\(4 * code.sizeWithQuietZone)")
        #expect(elements.first { $0.name == "path" }?.attributes["fill"] == "#0B5D3B")
    }

    @Test func emptyTextIsRejected() {
        #expect(throws: QRCodeError.emptyText) { try QRCode("") }
    }

    @Test func textWithNULIsRejected() {
        #expect(throws: QRCodeError.containsNUL) { try QRCode("https://a.example/\u{0}b") }
    }

    @Test func textBeyondVersion40IsRejectedWithItsSize() throws {
        let text = "https://creneau.example/" + String(repeating: "x", count: 2400)
        let error = #expect(throws: QRCodeError.self) { try QRCode(text) }
        #expect(error == .tooLong(byteCount: text.utf8.count, errorCorrection: .medium))
        #expect(error?.description.contains("at most 2331 bytes") == true)
        // The same text fits at the lowest level, which holds 2953 bytes.
        #expect(try QRCode(text, errorCorrection: .low).errorCorrection == .low)
    }
}
