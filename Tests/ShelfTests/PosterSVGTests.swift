import Foundation
import Shelf
import Testing

@Suite("Poster SVG")
struct PosterSVGTests {
    /// Names chosen to break naive SVG: accents, ampersands, quotes, angle brackets.
    static let products: [(name: String, brand: String, size: String, cents: Int, quantity: PosterItem.NetQuantity)] = [
        ("Lait demi-écrémé", "Lactel", "1 L", 109, .init(1, .litre)),
        ("Crème fraîche épaisse & onctueuse", "Président", "20 cl", 189, .init(20, .centilitre)),
        ("Pâte à tartiner \"noisettes\"", "Nocciolata", "700 g", 649, .init(700, .gram)),
        ("Café moulu l'Original", "Carte Noire", "250 g", 429, .init(250, .gram)),
        ("Œufs frais de plein air <bio>", "Loué", "x 6", 329, .init(6, .piece)),
        ("Pain de mie complet sans croûte extra moelleux", "Harrys", "500 g", 235, .init(500, .gram)),
        ("Confiture fraise & rhubarbe", "Bonne Maman", "370 g", 319, .init(370, .gram)),
        ("Jus d'orange pressée", "Tropicana", "1,5 L", 449, .init(1.5, .litre)),
        ("Céréales « Pétales de maïs »", "Kellogg's", "375 g", 299, .init(375, .gram)),
        ("Beurre doux", "Président", "250 g", 279, .init(250, .gram)),
        ("Yaourt nature ×12", "Danone", "12 × 125 g", 389, .init(1500, .gram)),
        ("Thé vert menthe", "Lipton", "25 sachets", 1249, .init(25, .piece)),
    ]

    static func items(count: Int) -> [PosterItem] {
        (0..<count).map { index in
            let product = products[index % products.count]
            let round = index / products.count
            return PosterItem(
                name: round == 0 ? product.name : "\(product.name) (\(round + 1))",
                brand: product.brand,
                sizeText: product.size,
                priceCents: product.cents,
                unitPrice: .per(product.quantity),
                imageURL: index == 3 ? "https://images.creneau.example/cafe.png?w=200&h=200" : nil,
                url: "https://creneau.example/s/Ab3xK9q/p/\(index + 1)-\(String(index * 7919, radix: 36))"
            )
        }
    }

    static func content(items: [PosterItem], paper: PosterPaper = .a4) -> PosterContent {
        PosterContent(
            title: "Petit-déjeuner & goûter",
            storeName: "Créneau Rivoli",
            storeAddress: "12 rue de Rivoli, 75004 Paris",
            location: "Châtelet station, corridor 3",
            items: items,
            paper: paper
        )
    }

    /// What zbarimg reads on every page, printed at 150 dpi.
    static func scannedURLs(_ poster: PosterSVG) throws -> [String] {
        try withTemporaryDirectory { directory in
            try poster.pages().flatMap { try ScanTools.decode(ScanTools.rasterize($0, dpi: 150, in: directory)) }
        }
    }

    @Test func a4PosterOfTwelveItemsScansToExactlyItsItemURLs() throws {
        let items = Self.items(count: 12)
        let poster = try PosterSVG(Self.content(items: items))
        #expect(poster.pageCount == 1)
        let page = try #require(poster.pages().first)
        _ = try SVGInspector.parse(page)

        let scanned = try Self.scannedURLs(poster)
        #expect(scanned.count == 12)
        #expect(Set(scanned) == Set(items.map(\.url)))
    }

    @Test func pageIsA4PortraitInMillimetres() throws {
        let page = try PosterSVG(Self.content(items: Self.items(count: 3))).page(0)
        let root = try #require(SVGInspector.parse(page).last)
        #expect(root.name == "svg")
        #expect(root.attributes["width"] == "210mm")
        #expect(root.attributes["height"] == "297mm")
        #expect(root.attributes["viewBox"] == "0 0 210 297")
    }

    @Test func textIsEscapedAndReadsBackUnchanged() throws {
        let poster = try PosterSVG(Self.content(items: Self.items(count: 12)))
        let page = poster.page(0)
        #expect(!page.contains("<bio>"))
        #expect(page.contains("&amp;"))
        let texts = try SVGInspector.parse(page).filter { $0.name == "text" }.map(\.text)
        // Names wrap over two lines, hence the space.
        let joined = texts.joined(separator: " ")
        for expected in ["Lait demi-écrémé", "Pâte à tartiner \"noisettes\"", "Café moulu l'Original",
                         "Confiture fraise & rhubarbe", "Petit-déjeuner & goûter", "Châtelet station, corridor 3",
                         "Scannez, commandez, retirez en magasin sans attendre"] {
            #expect(joined.contains(expected), "missing \(expected)")
        }
        // Prices French style, with the unit price a French shelf label must show.
        #expect(texts.contains("6,49\u{A0}€"))
        #expect(texts.contains("9,27\u{A0}€ / kg"))
        #expect(texts.contains("0,55\u{A0}€ / pièce"))
        // The photo URL is escaped too, and read back intact by the parser.
        let image = try SVGInspector.parse(page).first { $0.name == "image" }
        #expect(image?.attributes["xlink:href"] == "https://images.creneau.example/cafe.png?w=200&h=200")
    }

    @Test func qrCodesArePrintedLargeWithAClearQuietZone() throws {
        for paper in PosterPaper.allCases {
            for count in [1, 5, 12, 24] {
                let poster = try PosterSVG(Self.content(items: Self.items(count: count), paper: paper))
                for page in poster.pages() {
                    try Self.checkQRPlacement(page)
                }
            }
        }
    }

    /// Every code's dark symbol is at least 25 mm wide; its box (quiet zone included) stays on
    /// the page and holds no other drawing: no text starts and no image lies inside it.
    static func checkQRPlacement(_ page: String) throws {
        let elements = try SVGInspector.parse(page)
        let boxes = elements.filter { $0.name == "svg" && $0.attributes["x"] != nil }.map { code in
            let origin = code.page(code.number("x")!, code.number("y")!)
            let side = code.number("width")! * code.scale
            let modules = Double(code.attributes["viewBox"]!.split(separator: " ")[2])!
            return (x: origin.x, y: origin.y, side: side, symbol: side * (modules - 8) / modules)
        }
        #expect(!boxes.isEmpty)
        for box in boxes {
            #expect(box.symbol >= 25, "QR symbol only \(box.symbol) mm wide")
            #expect(box.x >= 0 && box.y >= 0 && box.x + box.side <= 420 && box.y + box.side <= 420)
            let inside = { (point: (x: Double, y: Double)) in
                point.x > box.x && point.x < box.x + box.side && point.y > box.y && point.y < box.y + box.side
            }
            for element in elements where ["text", "image", "circle", "line"].contains(element.name) {
                let x = element.number("x") ?? element.number("cx") ?? element.number("x1") ?? 0
                let y = element.number("y") ?? element.number("cy") ?? element.number("y1") ?? 0
                #expect(!inside(element.page(x, y)), "\(element.name) “\(element.text)” drawn inside a QR code")
            }
        }
        for (index, box) in boxes.enumerated() {
            for other in boxes[(index + 1)...] {
                let apart = box.x + box.side <= other.x || other.x + other.side <= box.x
                    || box.y + box.side <= other.y || other.y + other.side <= box.y
                #expect(apart, "two QR codes overlap")
            }
        }
    }

    @Test func a3PosterHoldsMoreItemsAndPaginatesTheRest() throws {
        let items = Self.items(count: 30)
        let poster = try PosterSVG(Self.content(items: items, paper: .a3))
        #expect(poster.itemsPerPage > 12)
        #expect(poster.pageCount == (30 + poster.itemsPerPage - 1) / poster.itemsPerPage)
        #expect(poster.pageCount == 2)

        let root = try #require(SVGInspector.parse(poster.page(0)).last)
        #expect(root.attributes["width"] == "297mm")
        #expect(root.attributes["height"] == "420mm")
        #expect(poster.page(1).contains("Page 2/2"))

        // Error correction M or better, and each code holds its item's URL.
        #expect(poster.qrCodes.count == 30)
        #expect(poster.qrCodes.allSatisfy { $0.errorCorrection >= .medium })
        #expect(poster.qrCodes.map(\.text) == items.map(\.url))

        let scanned = try Self.scannedURLs(poster)
        #expect(scanned.count == 30)
        #expect(Set(scanned) == Set(items.map(\.url)))
    }

    @Test func errorCorrectionCanBeRaised() throws {
        var content = Self.content(items: Self.items(count: 2))
        content.errorCorrection = .high
        let poster = try PosterSVG(content)
        #expect(poster.qrCodes.allSatisfy { $0.errorCorrection == .high })
        let scanned = try Self.scannedURLs(poster)
        #expect(Set(scanned) == Set(content.items.map(\.url)))
    }

    @Test func anEmptyPosterIsRejected() {
        #expect(throws: PosterError.noItems) { try PosterSVG(Self.content(items: [])) }
        #expect(PosterError.noItems.description == "a poster needs at least one item")
    }

    @Test func aURLTooLongToPrintLegiblyIsRejected() throws {
        var items = Self.items(count: 2)
        items[1].url = "https://creneau.example/s/" + String(repeating: "Ab3xK9q", count: 30)
        let error = #expect(throws: PosterError.self) { try PosterSVG(Self.content(items: items)) }
        guard case let .urlTooLongForPrint(item, byteCount, modules, maximum) = error else {
            Issue.record("unexpected error \(String(describing: error))")
            return
        }
        #expect(item == items[1].name)
        #expect(byteCount == items[1].url.utf8.count)
        #expect(modules > maximum)
        #expect(error?.description.contains("use a shorter URL") == true)
    }

    @Test func aURLNoQRCodeHoldsIsRejected() throws {
        var items = Self.items(count: 1)
        items[0].url = "https://creneau.example/" + String(repeating: "x", count: 3000)
        #expect(throws: PosterError.unencodableURL(item: items[0].name, reason: .tooLong(byteCount: items[0].url.utf8.count, errorCorrection: .medium))) {
            try PosterSVG(Self.content(items: items))
        }
        items[0].url = ""
        #expect(throws: PosterError.unencodableURL(item: items[0].name, reason: .emptyText)) {
            try PosterSVG(Self.content(items: items))
        }
    }

    @Test func invalidItemsAreRejected() {
        var items = Self.items(count: 1)
        items[0].priceCents = -1
        #expect(throws: PosterError.negativePrice(item: items[0].name)) { try PosterSVG(Self.content(items: items)) }

        items = Self.items(count: 1)
        items[0].unitPrice = .per(.init(0, .gram))
        #expect(throws: PosterError.invalidNetQuantity(item: items[0].name)) { try PosterSVG(Self.content(items: items)) }

        items = Self.items(count: 1)
        items[0].imageURL = "javascript:alert(1)"
        #expect(throws: PosterError.unsupportedImageURL(item: items[0].name, url: "javascript:alert(1)")) {
            try PosterSVG(Self.content(items: items))
        }
    }

    @Test func pricesAreWrittenTheFrenchWay() {
        #expect(PriceText.euros(cents: 249) == "2,49\u{A0}€")
        #expect(PriceText.euros(cents: 5) == "0,05\u{A0}€")
        #expect(PriceText.euros(cents: 123_450) == "1\u{202F}234,50\u{A0}€")
        #expect(PriceText.euros(cents: -1990) == "-19,90\u{A0}€")
        #expect(PriceText.perUnit(priceCents: 99, quantity: .init(500, .gram)) == "1,98\u{A0}€ / kg")
        #expect(PriceText.perUnit(priceCents: 449, quantity: .init(1.5, .litre)) == "2,99\u{A0}€ / L")
        #expect(PriceText.perUnit(priceCents: 189, quantity: .init(20, .centilitre)) == "9,45\u{A0}€ / L")
        #expect(PriceText.perUnit(priceCents: 120, quantity: .init(330, .millilitre)) == "3,64\u{A0}€ / L")
        #expect(PriceText.perUnit(priceCents: 329, quantity: .init(6, .piece)) == "0,55\u{A0}€ / pièce")
        #expect(PriceText.perUnit(priceCents: 100, quantity: .init(.nan, .kilogram)) == nil)
        let precomputed = PosterItem(name: "Pommes", brand: "", sizeText: "vrac", priceCents: 0,
                                     unitPrice: .text("2,50 € / kg"), url: "https://creneau.example/p/1")
        #expect(precomputed.unitPriceText == "2,50 € / kg")
    }

    @Test func renderingIsDeterministic() throws {
        let content = Self.content(items: Self.items(count: 12))
        #expect(try PosterSVG(content).pages() == PosterSVG(content).pages())
    }
}
