import Domain

/// A virtual shelf as printable SVG pages: a header naming the shelf and the store, a grid of
/// product tiles (photo or initials, name, brand and size, price, unit price, QR code) and a
/// footer saying how it works. Pure: no I/O, the same content always gives the same bytes.
///
/// Sizes are millimetres: the document is exactly A4 or A3 portrait, with a matching viewBox.
public struct PosterSVG: Sendable {
    public let content: PosterContent
    /// The code printed on each item's tile, in item order: what a scan of the poster yields.
    public let qrCodes: [QRCode]
    private let layout: PageLayout

    /// Most items a page holds on the content's paper; further items continue on more pages,
    /// all drawn on the same grid.
    public var itemsPerPage: Int { layout.capacity }
    public var pageCount: Int { (content.items.count + itemsPerPage - 1) / itemsPerPage }

    /// Checks every item and encodes its URL, so that rendering cannot fail.
    public init(_ content: PosterContent) throws(PosterError) {
        guard !content.items.isEmpty else { throw .noItems }
        var codes: [QRCode] = []
        for item in content.items {
            codes.append(try Self.validated(item, errorCorrection: content.errorCorrection))
        }
        self.content = content
        self.qrCodes = codes
        self.layout = PageLayout(paper: content.paper, itemCount: content.items.count)
    }

    /// One complete SVG document per page.
    public func pages() -> [String] {
        (0..<pageCount).map(page)
    }

    /// The SVG document of page `index` (from 0).
    public func page(_ index: Int) -> String {
        precondition((0..<pageCount).contains(index), "no page \(index) in a \(pageCount)-page poster")
        let first = index * itemsPerPage
        let indices = first..<min(first + itemsPerPage, content.items.count)
        let paper = content.paper.size
        let tiles = indices.enumerated().map { slot, itemIndex in
            tile(itemIndex, at: layout.tileOrigin(slot: slot))
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" \
            width="\(n(paper.width))mm" height="\(n(paper.height))mm" viewBox="0 0 \(n(paper.width)) \(n(paper.height))" \
            font-family="\(Style.fontFamily)">
            <title>\(Markup.escape(content.title + " · " + content.storeName))</title>
            <rect width="\(n(paper.width))" height="\(n(paper.height))" fill="#fff"/>
            \(header())
            \(tiles.joined(separator: "\n"))
            \(footer(page: index))
            </svg>

            """
    }

    // MARK: Validation

    /// Smallest module printed, in millimetres: below it phone cameras at arm's length
    /// (about 40 cm) start to miss the code.
    static let minimumModuleSize = 0.6

    /// Largest symbol, in modules without the quiet zone, that keeps modules at least
    /// `minimumModuleSize` on a tile of nominal size.
    static var maximumModules: Int {
        Int(Tile.qrSide / minimumModuleSize) - 2 * QRCode.quietZone
    }

    private static func validated(_ item: PosterItem, errorCorrection: QRCode.ErrorCorrection) throws(PosterError) -> QRCode {
        guard item.priceCents >= 0 else { throw .negativePrice(item: item.name) }
        guard item.unitPriceText != nil else { throw .invalidNetQuantity(item: item.name) }
        if let image = item.imageURL, !isPrintableImageURL(image) {
            throw .unsupportedImageURL(item: item.name, url: image)
        }
        let code: QRCode
        do {
            code = try QRCode(item.url, errorCorrection: errorCorrection)
        } catch {
            throw .unencodableURL(item: item.name, reason: error)
        }
        guard code.size <= maximumModules else {
            throw .urlTooLongForPrint(item: item.name, byteCount: item.url.utf8.count, modules: code.size, maximumModules: maximumModules)
        }
        return code
    }

    /// Only images a printer or browser fetches the ordinary way; other schemes (file:,
    /// javascript:) have no business in a poster rendered on a server.
    private static func isPrintableImageURL(_ url: String) -> Bool {
        let lowercased = url.lowercased()
        return ["https://", "http://", "data:image/"].contains { lowercased.hasPrefix($0) }
    }

    // MARK: Header and footer

    /// Drawn at A4 proportions and scaled with the paper width, so an A3 poster reads from farther away.
    private func header() -> String {
        let width = layout.bandWidth, inset = 6.0
        let inner = width - 2 * inset
        let storeLine = storeMarkup(maxWidth: inner * 0.6)
        let location = Style.headerSmall.fitted(content.location, maxWidth: inner * 0.38)
        return """
            <g transform="translate(\(n(PageLayout.margin)) \(n(PageLayout.margin))) scale(\(n(layout.typeScale)))">\
            <rect width="\(n(width))" height="\(n(PageLayout.headerHeight))" rx="3" fill="\(Style.accent)"/>\
            \(Style.brand.text("créneau", x: width - inset, y: 9.5))\
            \(Style.title.text(Style.title.fitted(content.title, maxWidth: inner - 30), x: inset, y: 10.6))\
            \(Style.tagline.text("Scannez, commandez, retirez en magasin sans attendre", x: inset, y: 16.8))\
            \(Style.headerSmall.markup(storeLine, x: inset, y: 22.4))\
            \(Style.headerSmall.anchored(.end).text(location, x: width - inset, y: 22.4))\
            </g>
            """
    }

    /// "Store name · address", the name in bold, the address cut first when space runs out.
    private func storeMarkup(maxWidth: Double) -> String {
        let bold = Style.headerSmall.bold
        let name = bold.fitted(content.storeName, maxWidth: maxWidth)
        let room = maxWidth - bold.width(of: name) - Style.headerSmall.width(of: " · ")
        let address = Style.headerSmall.fitted(content.storeAddress, maxWidth: room)
        let nameMarkup = "<tspan font-weight=\"700\">\(Markup.escape(name))</tspan>"
        guard !address.isEmpty else { return nameMarkup }
        return nameMarkup + Markup.escape(" · " + address)
    }

    private func footer(page index: Int) -> String {
        let width = layout.bandWidth
        let steps = ["Scannez le code d’un produit", "Choisissez votre créneau", "Retirez en magasin"]
        let column = width / Double(steps.count)
        let stepMarkup = steps.enumerated().map { number, step in
            let x = Double(number) * column
            return "<circle cx=\"\(n(x + 2.2))\" cy=\"4.4\" r=\"2.2\" fill=\"\(Style.accent)\"/>"
                + Style.stepNumber.text(String(number + 1), x: x + 2.2, y: 5.45)
                + Style.step.text(Style.step.fitted(step, maxWidth: column - 7), x: x + 5.6, y: 5.5)
        }
        let pageText = pageCount > 1 ? "Page \(index + 1)/\(pageCount)" : ""
        return """
            <g transform="translate(\(n(PageLayout.margin)) \(n(layout.footerTop))) scale(\(n(layout.typeScale)))">\
            <line x1="0" y1="0.2" x2="\(n(width))" y2="0.2" stroke="\(Style.rule)" stroke-width="0.3"/>\
            \(stepMarkup.joined())\
            \(Style.note.text("Sans application ni compte : l’appareil photo du téléphone suffit. Prix TTC en euros.", x: 0, y: 10.4))\
            \(Style.note.anchored(.end).text(pageText, x: width, y: 10.4))\
            </g>
            """
    }

    // MARK: Tiles

    /// A tile drawn in its nominal frame (`Tile.width` × `Tile.height`) and scaled onto the grid.
    private func tile(_ index: Int, at origin: (x: Double, y: Double)) -> String {
        let item = content.items[index]
        let textWidth = Tile.textRight - Tile.nameLeft
        let nameLines = Style.name.wrapped(item.name, maxWidth: textWidth, maxLines: 2)
        let nameMarkup = nameLines.enumerated().map { line, text in
            Style.name.text(text, x: Tile.nameLeft, y: Tile.nameBaseline + Double(line) * Tile.nameLineHeight)
        }
        // Brand and size follow the name directly, whether it took one line or two.
        let details = [item.brand, item.sizeText].filter { !$0.isEmpty }.joined(separator: " · ")
        let detailsY = Tile.nameBaseline + Double(nameLines.count) * Tile.nameLineHeight + 0.3
        let price = PriceText.euros(cents: item.priceCents)
        let priceWidth = Tile.textRight - Tile.padding
        let priceStyle = Style.price.shrunk(toFit: price, maxWidth: priceWidth)
        return """
            <g transform="translate(\(n(origin.x)) \(n(origin.y))) scale(\(n(layout.tileScale)))">\
            <rect width="\(n(Tile.width))" height="\(n(Tile.height))" rx="2.5" fill="#fff" stroke="\(Style.rule)" stroke-width="0.35"/>\
            \(thumbnail(item))\
            \(nameMarkup.joined())\
            \(Style.details.text(Style.details.fitted(details, maxWidth: textWidth), x: Tile.nameLeft, y: detailsY))\
            \(priceStyle.text(price, x: Tile.padding, y: Tile.priceBaseline))\
            \(Style.details.text(Style.details.fitted(item.unitPriceText ?? "", maxWidth: priceWidth), x: Tile.padding, y: Tile.unitPriceBaseline))\
            \(qrCodes[index].svgElement(x: Tile.qrX, y: Tile.qrY, side: Tile.qrSide))\
            </g>
            """
    }

    /// The product photo, or a coloured square with the product's initials.
    private func thumbnail(_ item: PosterItem) -> String {
        let side = Tile.thumbnailSide, origin = Tile.padding
        let frame = "x=\"\(n(origin))\" y=\"\(n(origin))\" width=\"\(n(side))\" height=\"\(n(side))\""
        if let url = item.imageURL {
            return "<rect \(frame) rx=\"1.5\" fill=\"#fff\" stroke=\"\(Style.rule)\" stroke-width=\"0.25\"/>"
                + "<image \(frame) preserveAspectRatio=\"xMidYMid meet\" xlink:href=\"\(Markup.escape(url))\"/>"
        }
        let colors = Style.placeholderColors(for: item.name)
        let initials = Self.initials(of: item.name)
        return "<rect \(frame) rx=\"1.5\" fill=\"\(colors.background)\"/>"
            + Style.initials.filled(colors.foreground).text(initials, x: origin + side / 2, y: origin + side / 2 + 2.2)
    }

    /// Up to two initials, from the first words long enough to carry meaning
    /// ("Pâte à tartiner" gives "PT", not "PÀ").
    private static func initials(of name: String) -> String {
        let words = name.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        let meaningful = words.filter { $0.count >= 3 }
        let chosen = (meaningful.isEmpty ? words : meaningful).prefix(2)
        let letters = chosen.compactMap(\.first).map { String($0).uppercased() }.joined()
        return letters.isEmpty ? "?" : letters
    }
}

/// Why a poster cannot be printed.
public enum PosterError: Error, Hashable, CustomStringConvertible {
    case noItems
    case negativePrice(item: String)
    case invalidNetQuantity(item: String)
    case unsupportedImageURL(item: String, url: String)
    case unencodableURL(item: String, reason: QRCodeError)
    /// The URL encodes, but into modules too small to scan from arm's length on a tile.
    case urlTooLongForPrint(item: String, byteCount: Int, modules: Int, maximumModules: Int)

    public var description: String {
        switch self {
        case .noItems:
            "a poster needs at least one item"
        case let .negativePrice(item):
            "item “\(item)”: the price is negative"
        case let .invalidNetQuantity(item):
            "item “\(item)”: the net quantity must be a positive amount to compute the unit price"
        case let .unsupportedImageURL(item, url):
            "item “\(item)”: image URL “\(url)” must start with https://, http:// or data:image/"
        case let .unencodableURL(item, reason):
            "item “\(item)”: its URL cannot be a QR code: \(reason)"
        case let .urlTooLongForPrint(item, byteCount, modules, maximum):
            "item “\(item)”: its URL (\(byteCount) bytes) needs a QR code of \(modules)×\(modules) modules, "
                + "but a tile prints at most \(maximum)×\(maximum) legibly; use a shorter URL"
        }
    }
}

// MARK: - Geometry

/// A product tile's nominal frame, in millimetres; the grid scales it up (never down) to fill the page.
private enum Tile {
    static let width = 92.0
    static let height = 36.0
    static let padding = 3.0
    static let thumbnailSide = 14.0
    static let nameLeft = padding + thumbnailSide + 3
    static let nameBaseline = 6.6
    static let nameLineHeight = 4.1
    static let priceBaseline = 29.0
    static let unitPriceBaseline = 33.4
    /// The QR box includes the quiet zone, so nothing else may be drawn inside it.
    static let qrSide = 34.0
    static let qrX = width - 1 - qrSide
    static let qrY = (height - qrSide) / 2
    /// Where text stops, leaving air before the QR box.
    static let textRight = qrX - 1
}

/// Where the header, footer and tiles go on one paper size, for one poster.
private struct PageLayout: Sendable {
    static let headerHeight = 26.0
    static let footerHeight = 11.5
    static let gap = 3.0
    static let margin = 7.0
    /// Air between the tiles and the header or footer bands.
    static let bandSpacing = 4.0

    let typeScale: Double
    let footerTop: Double
    let capacity: Int
    let columns: Int
    let tileScale: Double
    private let gridOrigin: (x: Double, y: Double)

    /// Width of the header and footer bands before `typeScale` is applied.
    let bandWidth: Double

    init(paper: PosterPaper, itemCount: Int) {
        let size = paper.size, margin = Self.margin
        typeScale = size.width / PosterPaper.a4.size.width
        bandWidth = (size.width - 2 * margin) / typeScale
        footerTop = size.height - margin - Self.footerHeight * typeScale
        let top = margin + Self.headerHeight * typeScale + Self.bandSpacing
        let area = (width: size.width - 2 * margin, height: footerTop - Self.bandSpacing - top)

        let maxColumns = Self.fitting(Tile.width, in: area.width)
        let maxRows = Self.fitting(Tile.height, in: area.height)
        capacity = maxColumns * maxRows

        // Every page uses the grid of the fullest page, so tiles keep one size across pages.
        let grid = Self.largestTiles(count: min(itemCount, capacity), maxColumns: maxColumns, maxRows: maxRows, area: area)
        columns = grid.columns
        tileScale = grid.scale
        let used = (
            width: Double(grid.columns) * Tile.width * grid.scale + Double(grid.columns - 1) * Self.gap,
            height: Double(grid.rows) * Tile.height * grid.scale + Double(grid.rows - 1) * Self.gap
        )
        gridOrigin = (margin + (area.width - used.width) / 2, top + (area.height - used.height) / 2)
    }

    func tileOrigin(slot: Int) -> (x: Double, y: Double) {
        let (row, column) = slot.quotientAndRemainder(dividingBy: columns)
        return (
            gridOrigin.x + Double(column) * (Tile.width * tileScale + Self.gap),
            gridOrigin.y + Double(row) * (Tile.height * tileScale + Self.gap)
        )
    }

    private static func fitting(_ length: Double, in available: Double) -> Int {
        max(1, Int((available + gap) / (length + gap)))
    }

    /// The columns × rows arrangement of `count` tiles that lets them grow the most.
    private static func largestTiles(
        count: Int, maxColumns: Int, maxRows: Int, area: (width: Double, height: Double)
    ) -> (columns: Int, rows: Int, scale: Double) {
        let arrangements = (1...maxColumns).compactMap { columns -> (columns: Int, rows: Int, scale: Double)? in
            let rows = (count + columns - 1) / columns
            guard rows <= maxRows else { return nil }
            let scale = min(
                (area.width - Double(columns - 1) * gap) / Double(columns) / Tile.width,
                (area.height - Double(rows - 1) * gap) / Double(rows) / Tile.height
            )
            return (columns, rows, scale)
        }
        // maxColumns always qualifies, since count never exceeds the capacity.
        return arrangements.max { $0.scale < $1.scale }!
    }
}

// MARK: - Type

/// One kind of text on the poster: size in millimetres, weight, colour, alignment.
private struct TextStyle {
    enum Anchor: String { case start, middle, end }

    var size: Double
    var isBold = false
    var fill: String
    var anchor = Anchor.start

    var bold: TextStyle { var style = self; style.isBold = true; return style }
    func anchored(_ anchor: Anchor) -> TextStyle { var style = self; style.anchor = anchor; return style }
    func filled(_ fill: String) -> TextStyle { var style = self; style.fill = fill; return style }

    /// A `<text>` element holding `content`, escaped.
    func text(_ content: String, x: Double, y: Double) -> String {
        markup(Markup.escape(content), x: x, y: y)
    }

    /// A `<text>` element holding already escaped markup (e.g. `<tspan>`s).
    func markup(_ inner: String, x: Double, y: Double) -> String {
        guard !inner.isEmpty else { return "" }
        let weight = isBold ? " font-weight=\"700\"" : ""
        let anchoring = anchor == .start ? "" : " text-anchor=\"\(anchor.rawValue)\""
        return "<text x=\"\(Markup.number(x))\" y=\"\(Markup.number(y))\" font-size=\"\(Markup.number(size))\"\(weight)\(anchoring) fill=\"\(fill)\">\(inner)</text>"
    }

    // Text is laid out without a font engine, so widths are estimated from Helvetica's
    // metrics, rounded up: a line may end a little early, never run into the QR code.

    func width(of text: some StringProtocol) -> Double {
        let ems = text.reduce(0.0) { $0 + Self.advance(of: $1) }
        return ems * size * (isBold ? 1.1 : 1.0)
    }

    private static func advance(of character: Character) -> Double {
        switch character {
        case "i", "j", "l", "I", ".", ",", ":", ";", "'", "’", "!", "|": 0.24
        case " ", "\u{A0}", "f", "t", "-", "(", ")", "/": 0.3
        case "r", "\"", "«", "»": 0.36
        case "m", "M", "w": 0.85
        case "W", "@", "%": 0.95
        case "0"..."9", "€", "&": 0.57
        case _ where character.isUppercase: 0.7
        case _ where character.isLowercase: 0.57
        default: 0.65
        }
    }

    /// `text`, cut at a word (or a character) and ended with "…" if it is wider than `maxWidth`.
    func fitted(_ text: String, maxWidth: Double) -> String {
        guard width(of: text) > maxWidth else { return text }
        var cut = Substring(text)
        while !cut.isEmpty, width(of: cut + "…") > maxWidth {
            cut = cut.dropLast()
        }
        if let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) > cut.count / 2 {
            cut = cut[..<space]
        }
        guard !cut.isEmpty else { return "" }
        return cut.trimmingTrailingSeparators() + "…"
    }

    /// `text` broken at spaces into at most `maxLines` lines; the last one is cut if needed.
    func wrapped(_ text: String, maxWidth: Double, maxLines: Int) -> [String] {
        var lines: [String] = []
        var words = text.split(separator: " ")[...]
        while let word = words.first, lines.count < maxLines - 1 {
            var line = String(word)
            words.removeFirst()
            while let next = words.first, width(of: line + " " + next) <= maxWidth {
                line += " " + next
                words.removeFirst()
            }
            // A single word too long for a line still has to be cut rather than overflow.
            lines.append(fitted(line, maxWidth: maxWidth))
        }
        if !words.isEmpty {
            lines.append(fitted(words.joined(separator: " "), maxWidth: maxWidth))
        }
        return lines
    }

    /// This style, made smaller if needed so that `text` fits on one line.
    func shrunk(toFit text: String, maxWidth: Double) -> TextStyle {
        var style = self
        let natural = width(of: text)
        if natural > maxWidth { style.size *= maxWidth / natural }
        return style
    }
}

private extension Substring {
    /// Drops what reads badly right before "…": spaces and dangling punctuation ("épaisse &…").
    func trimmingTrailingSeparators() -> String {
        var text = self
        while let last = text.last, last.isWhitespace || ",;:·-–&/(«".contains(last) { text.removeLast() }
        return String(text)
    }
}

/// The poster's colours and type.
private enum Style {
    static let fontFamily = "Helvetica, Arial, 'Liberation Sans', 'Nimbus Sans', sans-serif"
    static let accent = "#0B5D3B"
    static let ink = "#14181F"
    static let muted = "#5B6270"
    static let rule = "#C9CED6"

    static let title = TextStyle(size: 8, isBold: true, fill: "#fff")
    static let brand = TextStyle(size: 4.4, isBold: true, fill: "#fff", anchor: .end)
    static let tagline = TextStyle(size: 3.9, isBold: true, fill: "#fff")
    static let headerSmall = TextStyle(size: 3, fill: "#DCEFE4")
    static let step = TextStyle(size: 2.9, fill: ink)
    static let stepNumber = TextStyle(size: 2.9, isBold: true, fill: "#fff", anchor: .middle)
    static let note = TextStyle(size: 2.4, fill: muted)
    static let name = TextStyle(size: 3.5, isBold: true, fill: ink)
    static let details = TextStyle(size: 2.7, fill: muted)
    static let price = TextStyle(size: 10, isBold: true, fill: ink)
    static let initials = TextStyle(size: 6, isBold: true, fill: ink, anchor: .middle)

    private static let placeholderPalette: [(background: String, foreground: String)] = [
        ("#E3F2EA", "#0B5D3B"), ("#FDEBD3", "#8A4B08"), ("#E4ECFB", "#1F4E9A"),
        ("#F8E1E7", "#8E1F43"), ("#EEE8F9", "#4F2D8F"), ("#FFF4C7", "#7A5B00"),
    ]

    /// A colour pair chosen from the name with a stable hash (FNV-1a), so a product keeps
    /// its colour from one print to the next; Swift's `Hasher` is seeded per process.
    static func placeholderColors(for name: String) -> (background: String, foreground: String) {
        var hash: UInt32 = 2_166_136_261
        for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return placeholderPalette[Int(hash % UInt32(placeholderPalette.count))]
    }
}

/// Shorthand for the many coordinates written into attributes.
private func n(_ value: Double) -> String { Markup.number(value) }
