import Domain

extension QRCode {
    /// Modules along one side including the quiet zone on both sides.
    public var sizeWithQuietZone: Int { size + 2 * Self.quietZone }

    /// Path data covering every dark module, in module units of a square that includes the
    /// quiet zone (the symbol starts at (4, 4)). Horizontal runs of dark modules are merged
    /// into one rectangle each, which keeps the path compact and free of hairline seams.
    public var svgPathData: String {
        var data = ""
        for row in 0..<size {
            var column = 0
            while column < size {
                guard self[row: row, column: column] else {
                    column += 1
                    continue
                }
                let start = column
                while column < size, self[row: row, column: column] { column += 1 }
                let run = column - start
                data += "M\(start + Self.quietZone) \(row + Self.quietZone)h\(run)v1h-\(run)z"
            }
        }
        return data
    }

    /// An `<svg>` element drawing the code and its quiet zone into the square at (`x`, `y`)
    /// with sides of `side` user units of the enclosing SVG.
    public func svgElement(x: Double, y: Double, side: Double, dark: String = "#000", light: String = "#fff") -> String {
        "<svg x=\"\(Markup.number(x))\" y=\"\(Markup.number(y))\" "
            + "width=\"\(Markup.number(side))\" height=\"\(Markup.number(side))\" "
            + svgCanvas(dark: dark, light: light) + "</svg>"
    }

    /// A standalone SVG document (no XML declaration, so it can also be inlined in HTML),
    /// e.g. for the pickup code on an order confirmation page. `title` is announced by screen readers.
    public func svgDocument(moduleSize: Int = 8, title: String? = nil, dark: String = "#000", light: String = "#fff") -> String {
        let pixels = sizeWithQuietZone * max(moduleSize, 1)
        let titleElement = title.map { "<title>\(Markup.escape($0))</title>" } ?? ""
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(pixels)\" height=\"\(pixels)\" role=\"img\" "
            + svgCanvas(dark: dark, light: light, prefix: titleElement) + "</svg>"
    }

    /// The viewBox, rendering hint and content shared by both renderers: a light square
    /// (the quiet zone) under one path of dark modules.
    private func svgCanvas(dark: String, light: String, prefix: String = "") -> String {
        let side = sizeWithQuietZone
        return "viewBox=\"0 0 \(side) \(side)\" shape-rendering=\"crispEdges\">"
            + prefix
            + "<rect width=\"\(side)\" height=\"\(side)\" fill=\"\(Markup.escape(light))\"/>"
            + "<path fill=\"\(Markup.escape(dark))\" d=\"\(svgPathData)\"/>"
    }
}
