import Foundation

/// Points with optional error bars in both directions, a colour per series, an optional label beside each point,
/// and an optional Pareto frontier drawn through the points it names (filled; the others hollow).
struct ScatterChart {
    struct Point {
        var x: Double
        var y: Double
        var xInterval: (Double, Double)?
        var yInterval: (Double, Double)?
        var series: Int
        var label: String
        /// What the point's tooltip says.
        var detail: String
    }

    var frame: ChartFrame
    var points: [Point]
    /// Indices into `points` on the frontier, in x order; nil when the chart draws none.
    var frontier: [Int]?
    /// Which points carry a label beside them (the rest are named by the legend and their tooltips).
    var labelled: Set<Int>?

    /// The legend entries matching the points' colours and marks.
    static func legend(_ points: [Point]) -> [LegendEntry] {
        points.map { LegendEntry(label: $0.label, colour: Palette.categorical($0.series), mark: Palette.secondCycle($0.series) ? .square : .point) }
    }

    func svg() -> String {
        let f = frame
        var marks: [String] = []
        if let frontier, frontier.count > 1 {
            let path = frontier.map { "\(coord(f.px(points[$0].x))),\(coord(f.py(points[$0].y)))" }.joined(separator: " ")
            marks.append("<polyline class=\"frontier\" points=\"\(path)\" fill=\"none\" stroke=\"#57606a\" stroke-width=\"1.2\" stroke-dasharray=\"5 3\"><title>Pareto frontier: no other method is both cheaper and better</title></polyline>")
        }
        for (i, p) in points.enumerated() where p.x.isFinite && p.y.isFinite {
            let colour = Palette.categorical(p.series)
            let (cx, cy) = (f.px(p.x), f.py(p.y))
            if let (lo, hi) = p.yInterval, lo.isFinite, hi.isFinite {
                marks.append("<line x1=\"\(coord(cx))\" y1=\"\(coord(f.py(lo)))\" x2=\"\(coord(cx))\" y2=\"\(coord(f.py(hi)))\" stroke=\"\(colour)\" stroke-width=\"1\"/>")
            }
            if let (lo, hi) = p.xInterval, lo.isFinite, hi.isFinite {
                marks.append("<line x1=\"\(coord(f.px(lo)))\" y1=\"\(coord(cy))\" x2=\"\(coord(f.px(hi)))\" y2=\"\(coord(cy))\" stroke=\"\(colour)\" stroke-width=\"1\"/>")
            }
            let onFrontier = frontier?.contains(i) ?? true
            let fill = onFrontier ? colour : "#fff", tip = "<title>\(HTMLEscape.escape(p.detail))</title>"
            if Palette.secondCycle(p.series) {
                marks.append("<rect x=\"\(coord(cx - 4))\" y=\"\(coord(cy - 4))\" width=\"8\" height=\"8\" fill=\"\(fill)\" stroke=\"\(colour)\" stroke-width=\"1.5\">\(tip)</rect>")
            } else {
                marks.append("<circle cx=\"\(coord(cx))\" cy=\"\(coord(cy))\" r=\"4.5\" fill=\"\(fill)\" stroke=\"\(colour)\" stroke-width=\"1.5\">\(tip)</circle>")
            }
            if labelled?.contains(i) ?? true {
                // Near the right edge a label goes to the left of its point, so that the plot does not cut it.
                let leftward = cx > f.left + f.plotWidth * 0.7
                marks.append("<text x=\"\(coord(leftward ? cx - 7 : cx + 7))\" y=\"\(coord(cy - 6))\"\(leftward ? " text-anchor=\"end\"" : "") \(ChartFrame.font) fill=\"#1b1f24\">\(HTMLEscape.escape(ChartFrame.cut(p.label, 22)))</text>")
            }
        }
        return f.render(marks)
    }

    /// The points no other point beats: at most the cost (x) and at least the quality (y), strictly better in one;
    /// in increasing x.
    static func paretoFrontier(_ points: [Point], higherIsBetter: Bool = true) -> [Int] {
        let candidates = points.indices.filter { points[$0].x.isFinite && points[$0].y.isFinite }
        let better: (Double, Double) -> Bool = higherIsBetter ? { $0 > $1 } : { $0 < $1 }
        let kept = candidates.filter { i in
            !candidates.contains { j in
                j != i && points[j].x <= points[i].x && !better(points[i].y, points[j].y)
                    && (points[j].x < points[i].x || better(points[j].y, points[i].y))
            }
        }
        return kept.sorted { (points[$0].x, points[$0].y) < (points[$1].x, points[$1].y) }
    }
}
