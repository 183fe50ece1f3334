import Foundation

/// What a legend shows for one series.
struct LegendEntry {
    enum Mark { case line, point, square }
    var label: String
    var colour: String
    var mark: Mark = .line
    var dashed = false
}

/// The frame every x/y chart draws in: the `<svg>` element with its accessible name (`aria-label`, `<title>`,
/// `<desc>`), the plot area, both axes with ticks, grid lines and labels, and the legend at the right. Every text
/// passes through `HTMLEscape`; everything else is numbers.
struct ChartFrame {
    var title: String
    var description: String
    var x: Axis
    var y: Axis
    var legend: [LegendEntry] = []
    var width = 640.0
    var height = 300.0
    /// Room at the left for y ticks (or, in a bar chart, the bars' labels).
    var left = 58.0
    var showsYTicks = true

    static let font = "font-size=\"11\" font-family=\"system-ui,sans-serif\""
    static let legendLabelLimit = 28

    var top: Double { 12 }
    var bottom: Double { 42 }
    var right: Double {
        guard !legend.isEmpty else { return 16 }
        let longest = legend.map { min($0.label.count, Self.legendLabelLimit) }.max() ?? 0
        return 36 + 6.2 * Double(longest)
    }

    var plotWidth: Double { width - left - right }
    var plotHeight: Double { height - top - bottom }

    func px(_ v: Double) -> Double { left + x.fraction(v) * plotWidth }
    func py(_ v: Double) -> Double { top + (1 - y.fraction(v)) * plotHeight }

    /// The chart with `marks` (SVG elements in plot coordinates) drawn over the axes; marks are clipped to the plot.
    func render(_ marks: [String]) -> String {
        var out = [ChartFrame.open(title: title, description: description, width: width, height: height)]
        out.append("<rect x=\"\(coord(left))\" y=\"\(coord(top))\" width=\"\(coord(plotWidth))\" height=\"\(coord(plotHeight))\" fill=\"#fff\" stroke=\"#d0d7de\"/>")
        for t in x.ticks {
            let p = px(t)
            out.append("<line x1=\"\(coord(p))\" y1=\"\(coord(top))\" x2=\"\(coord(p))\" y2=\"\(coord(top + plotHeight + 4))\" stroke=\"#eaeef2\"/>")
            out.append("<text x=\"\(coord(p))\" y=\"\(coord(top + plotHeight + 16))\" text-anchor=\"middle\" \(Self.font)>\(HTMLEscape.escape(x.format(t)))</text>")
        }
        for t in showsYTicks ? y.ticks : [] {
            let p = py(t)
            out.append("<line x1=\"\(coord(left - 4))\" y1=\"\(coord(p))\" x2=\"\(coord(left + plotWidth))\" y2=\"\(coord(p))\" stroke=\"#eaeef2\"/>")
            out.append("<text x=\"\(coord(left - 6))\" y=\"\(coord(p + 4))\" text-anchor=\"end\" \(Self.font)>\(HTMLEscape.escape(y.format(t)))</text>")
        }
        let logNote = { (a: Axis) in a.scale == .log ? " (log scale)" : "" }
        out.append("<text x=\"\(coord(left + plotWidth / 2))\" y=\"\(coord(height - 8))\" text-anchor=\"middle\" \(Self.font)>\(HTMLEscape.escape(x.label + logNote(x)))</text>")
        out.append("<text transform=\"translate(13 \(coord(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\" \(Self.font)>\(HTMLEscape.escape(y.label + logNote(y)))</text>")
        // Marks outside the plot (an interval past the axis) are cut at its edge by the nested viewport.
        out.append("<svg x=\"\(coord(left))\" y=\"\(coord(top))\" width=\"\(coord(plotWidth))\" height=\"\(coord(plotHeight))\" viewBox=\"\(coord(left)) \(coord(top)) \(coord(plotWidth)) \(coord(plotHeight))\" overflow=\"hidden\">")
        out += marks
        out.append("</svg>")
        out += legendMarks()
        out.append("</svg>")
        return out.joined(separator: "\n")
    }

    func legendMarks() -> [String] {
        var out: [String] = []
        let x0 = width - right + 12
        for (i, entry) in legend.enumerated() {
            let ly = top + 8 + 15 * Double(i)
            switch entry.mark {
            case .line: out.append("<line x1=\"\(coord(x0))\" y1=\"\(coord(ly))\" x2=\"\(coord(x0 + 16))\" y2=\"\(coord(ly))\" stroke=\"\(entry.colour)\" stroke-width=\"2.5\"\(entry.dashed ? " stroke-dasharray=\"4 2\"" : "")/>")
            case .point: out.append("<circle cx=\"\(coord(x0 + 8))\" cy=\"\(coord(ly))\" r=\"4\" fill=\"\(entry.colour)\"/>")
            case .square: out.append("<rect x=\"\(coord(x0 + 3))\" y=\"\(coord(ly - 5))\" width=\"10\" height=\"10\" fill=\"\(entry.colour)\"/>")
            }
            out.append("<text x=\"\(coord(x0 + 22))\" y=\"\(coord(ly + 4))\" \(Self.font)><title>\(HTMLEscape.escape(entry.label))</title>\(HTMLEscape.escape(ChartFrame.cut(entry.label, Self.legendLabelLimit)))</text>")
        }
        return out
    }

    /// The opening `<svg>` of a chart: class `chart` (what the report's tests look for), its accessible name.
    static func open(title: String, description: String, width: Double, height: Double) -> String {
        let t = HTMLEscape.escape(title)
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"\(coord(width))\" height=\"\(coord(height))\" viewBox=\"0 0 \(coord(width)) \(coord(height))\" role=\"img\" aria-label=\"\(t)\">\n<title>\(t)</title>\n<desc>\(HTMLEscape.escape(description))</desc>"
    }

    static func cut(_ s: String, _ limit: Int) -> String { s.count <= limit ? s : String(s.prefix(limit - 1)) + "…" }
}

/// A coordinate as SVG writes it.
func coord(_ v: Double) -> String {
    guard v.isFinite else { return "0" }
    let r = (v * 10).rounded() / 10
    return r == r.rounded() ? String(Int(r)) : String(r)
}
