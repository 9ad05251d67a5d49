import Domain
import Foundation

/// Server-side SVG charts. The pages' Content-Security-Policy forbids inline styles, so every
/// colour and size is a presentation attribute (fill=, stroke=, width=), never style=. Each
/// chart is an accessible image: role="img", a <title> naming it and a <desc> saying what it
/// shows, so a screen reader (and the browser test) finds it by its title.
enum Chart {
    struct Series: Sendable {
        var name: String
        var colour: String
        var values: [Double?]
    }

    static let ink = "#333333"
    static let grid = "#dddddd"
    static let font = "font-family=\"system-ui, sans-serif\" font-size=\"11\""

    static func document(id: String, title: String, description: String, width: Double, height: Double, _ body: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" class="chart" id="\(id)" role="img" aria-labelledby="\(id)-title \(id)-desc" \
        width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))">\
        <title id="\(id)-title">\(Markup.escape(title))</title><desc id="\(id)-desc">\(Markup.escape(description))</desc>\(body)</svg>
        """
    }

    static func empty(id: String, title: String) -> String {
        document(id: id, title: title, description: "Aucune donnée sur cette période.", width: 480, height: 60,
                 "<text x=\"10\" y=\"35\" \(font) fill=\"\(ink)\">Aucune donnée sur cette période.</text>")
    }

    static func text(_ x: Double, _ y: Double, _ content: String, anchor: String = "start", rotate: Bool = false) -> String {
        let transform = rotate ? " transform=\"rotate(-60 \(Markup.number(x)) \(Markup.number(y)))\"" : ""
        return "<text x=\"\(Markup.number(x))\" y=\"\(Markup.number(y))\" \(font) fill=\"\(ink)\" text-anchor=\"\(anchor)\"\(transform)>\(Markup.escape(content))</text>"
    }

    /// A round top for the value axis: 1, 2 or 5 times a power of ten.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let power = pow(10, floor(log10(value)))
        for step in [1.0, 2, 5, 10] where step * power >= value { return step * power }
        return 10 * power
    }

    /// At most `count` labels evenly spread over `total` positions.
    static func labelStride(_ total: Int, count: Int) -> Int { max(1, Int((Double(total) / Double(max(1, count))).rounded(.up))) }

    static func valueAxis(left: Double, top: Double, width: Double, height: Double, top max: Double) -> String {
        (0...4).map { step -> String in
            let value = max * Double(step) / 4
            let y = top + height - height * Double(step) / 4
            return "<line x1=\"\(Markup.number(left))\" y1=\"\(Markup.number(y))\" x2=\"\(Markup.number(left + width))\" y2=\"\(Markup.number(y))\" stroke=\"\(grid)\" stroke-width=\"1\"/>"
                + text(left - 4, y + 4, value >= 10 || value == 0 ? String(Int(value.rounded())) : Markup.number(value), anchor: "end")
        }.joined()
    }

    static func legend(_ series: [Series], x: Double, y: Double) -> String {
        series.enumerated().map { index, item in
            let left = x + Double(index) * 170
            return "<rect x=\"\(Markup.number(left))\" y=\"\(Markup.number(y - 9))\" width=\"10\" height=\"10\" fill=\"\(item.colour)\"/>"
                + text(left + 14, y, item.name)
        }.joined()
    }

    // MARK: Heatmap

    struct HeatCell: Sendable {
        /// 0…1 (or more when over-committed); nil for a slot without capacity.
        var value: Double?
        var closed: Bool
        var atRisk: Bool
        /// Tooltip, e.g. "2026-11-20 10:00 — 8 / 10".
        var label: String
    }

    /// Light to dark green by share booked; over 100% is drawn as full.
    static func heatColour(_ value: Double?) -> String {
        guard let value else { return "#ffffff" }
        let shades = ["#f1f8e9", "#dcedc8", "#c5e1a5", "#aed581", "#9ccc65", "#7cb342", "#558b2f", "#33691e"]
        let index = Int((min(max(value, 0), 1) * Double(shades.count - 1)).rounded())
        return shades[index]
    }

    static func heatmap(id: String, title: String, description: String, rows: [String], columns: [String], cells: [[HeatCell?]]) -> String {
        guard !rows.isEmpty, !columns.isEmpty else { return empty(id: id, title: title) }
        let cellWidth = max(8, min(28, 760 / Double(columns.count)))
        let cellHeight = max(4, min(18, 900 / Double(rows.count)))
        let left = 78.0, top = 44.0
        let width = left + cellWidth * Double(columns.count) + 10
        let height = top + cellHeight * Double(rows.count) + 30
        var body = ""
        let columnStride = labelStride(columns.count, count: Int(cellWidth * Double(columns.count) / 40))
        for (index, column) in columns.enumerated() where index % columnStride == 0 {
            body += text(left + cellWidth * Double(index) + cellWidth / 2, top - 6, column, anchor: "middle")
        }
        let rowStride = labelStride(rows.count, count: Int(cellHeight * Double(rows.count) / 13))
        for (rowIndex, row) in rows.enumerated() {
            let y = top + cellHeight * Double(rowIndex)
            if rowIndex % rowStride == 0 { body += text(left - 6, y + min(cellHeight, 13) - 2, row, anchor: "end") }
            for (columnIndex, cell) in cells[rowIndex].enumerated() {
                guard let cell else { continue }
                let x = left + cellWidth * Double(columnIndex)
                let fill = cell.closed ? "#bdbdbd" : heatColour(cell.value)
                let stroke = cell.atRisk ? "stroke=\"#c62828\" stroke-width=\"2\"" : "stroke=\"#ffffff\" stroke-width=\"0.5\""
                body += "<rect class=\"\(cell.closed ? "closed" : cell.atRisk ? "at-risk" : "open")\" x=\"\(Markup.number(x))\" y=\"\(Markup.number(y))\" "
                    + "width=\"\(Markup.number(cellWidth))\" height=\"\(Markup.number(cellHeight))\" fill=\"\(fill)\" \(stroke)><title>\(Markup.escape(cell.label))</title></rect>"
            }
        }
        body += "<rect x=\"\(Markup.number(left))\" y=\"14\" width=\"10\" height=\"10\" fill=\"#bdbdbd\"/>" + text(left + 14, 23, "fermé")
        body += "<rect x=\"\(Markup.number(left + 70))\" y=\"14\" width=\"10\" height=\"10\" fill=\"#ffffff\" stroke=\"#c62828\" stroke-width=\"2\"/>"
            + text(left + 84, 23, "à risque")
        body += "<rect x=\"\(Markup.number(left + 150))\" y=\"14\" width=\"10\" height=\"10\" fill=\"\(heatColour(0))\"/>" + text(left + 164, 23, "vide")
        body += "<rect x=\"\(Markup.number(left + 210))\" y=\"14\" width=\"10\" height=\"10\" fill=\"\(heatColour(1))\"/>" + text(left + 224, 23, "plein")
        return document(id: id, title: title, description: description, width: width, height: height, body)
    }

    // MARK: Line with a band

    /// A band (e.g. p10–p90) with its middle line, and another line to compare (e.g. observed).
    static func band(
        id: String, title: String, description: String, labels: [String],
        low: [Double?], middle: [Double?], high: [Double?], line: Series, bandName: String
    ) -> String {
        let all = (low + middle + high + line.values).compactMap { $0 }
        guard !labels.isEmpty, !all.isEmpty else { return empty(id: id, title: title) }
        let left = 50.0, top = 30.0, plotWidth = 860.0, plotHeight = 260.0
        let top_ = niceCeiling(all.max() ?? 1)
        let step = labels.count > 1 ? plotWidth / Double(labels.count - 1) : 0
        func x(_ index: Int) -> Double { left + step * Double(index) }
        func y(_ value: Double) -> Double { top + plotHeight - plotHeight * value / top_ }
        var body = valueAxis(left: left, top: top, width: plotWidth, height: plotHeight, top: top_)
        // Runs of consecutive hours that have a forecast: the band never bridges a gap.
        var run: [Int] = []
        func flush() {
            guard !run.isEmpty else { return }
            let upper = run.map { "\(Markup.number(x($0))),\(Markup.number(y(high[$0]!)))" }
            let lower = run.reversed().map { "\(Markup.number(x($0))),\(Markup.number(y(low[$0]!)))" }
            body += "<polygon class=\"band\" points=\"\((upper + lower).joined(separator: " "))\" fill=\"#bbdefb\" stroke=\"none\"/>"
            body += "<polyline points=\"\(run.map { "\(Markup.number(x($0))),\(Markup.number(y(middle[$0] ?? 0)))" }.joined(separator: " "))\" fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.5\"/>"
            run = []
        }
        for index in labels.indices {
            if low[index] != nil, high[index] != nil { run.append(index) } else { flush() }
        }
        flush()
        var points: [String] = []
        func flushLine() {
            if points.count > 1 {
                body += "<polyline class=\"observed\" points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(line.colour)\" stroke-width=\"1.5\"/>"
            } else if let only = points.first {
                let xy = only.split(separator: ",")
                body += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"2\" fill=\"\(line.colour)\"/>"
            }
            points = []
        }
        for index in labels.indices {
            if let value = line.values[index] { points.append("\(Markup.number(x(index))),\(Markup.number(y(value)))") } else { flushLine() }
        }
        flushLine()
        let stride_ = labelStride(labels.count, count: 8)
        for index in labels.indices where index % stride_ == 0 {
            body += text(x(index), top + plotHeight + 16, labels[index], anchor: "middle")
        }
        body += legend([Series(name: bandName, colour: "#bbdefb", values: []), Series(name: "prévision moyenne", colour: "#1565c0", values: []), line],
                       x: left, y: 16)
        return document(id: id, title: title, description: description, width: left + plotWidth + 40, height: top + plotHeight + 30, body)
    }

    // MARK: Bars

    /// Vertical bars, side by side when there are several series (a histogram is one series).
    static func bars(id: String, title: String, description: String, labels: [String], series: [Series]) -> String {
        let all = series.flatMap(\.values).compactMap { $0 }
        guard !labels.isEmpty, !all.isEmpty else { return empty(id: id, title: title) }
        let left = 50.0, top = 30.0, plotHeight = 240.0
        let groupWidth = max(6, min(48, 860 / Double(labels.count)))
        let plotWidth = groupWidth * Double(labels.count)
        let top_ = niceCeiling(all.max() ?? 1)
        let barWidth = groupWidth * 0.8 / Double(series.count)
        var body = valueAxis(left: left, top: top, width: plotWidth, height: plotHeight, top: top_)
        let rotate = labels.map(\.count).max() ?? 0 > 5
        let stride_ = labelStride(labels.count, count: Int(plotWidth / (rotate ? 14 : 36)))
        for (index, label) in labels.enumerated() {
            let groupLeft = left + groupWidth * Double(index) + groupWidth * 0.1
            for (seriesIndex, item) in series.enumerated() {
                guard let value = item.values[index] else { continue }
                let barHeight = plotHeight * value / top_
                body += "<rect class=\"bar\" x=\"\(Markup.number(groupLeft + barWidth * Double(seriesIndex)))\" y=\"\(Markup.number(top + plotHeight - barHeight))\" "
                    + "width=\"\(Markup.number(barWidth))\" height=\"\(Markup.number(barHeight))\" fill=\"\(item.colour)\"><title>\(Markup.escape("\(label) — \(item.name) : \(Markup.number(value))"))</title></rect>"
            }
            if index % stride_ == 0 {
                body += text(left + groupWidth * Double(index) + groupWidth / 2, top + plotHeight + 14, label, anchor: rotate ? "end" : "middle", rotate: rotate)
            }
        }
        if series.count > 1 || !series[0].name.isEmpty { body += legend(series, x: left, y: 16) }
        let height = top + plotHeight + (rotate ? 80 : 30)
        return document(id: id, title: title, description: description, width: left + plotWidth + 20, height: height, body)
    }
}
