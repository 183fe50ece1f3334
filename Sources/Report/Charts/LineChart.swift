import Foundation

/// One line per series over a shared x axis (training step, learning rate), each point with its tooltip; a series
/// may ring one point (the learning rate selection chose).
struct LineChart {
    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
        var ringed: Double?
        /// Points only, no line (a single point, or unordered samples).
        var pointsOnly = false
    }

    var frame: ChartFrame
    var series: [Series]
    /// How a point's tooltip reads its coordinates.
    var pointText: (Double, Double) -> String = { "x \(NumberText.compact($0)), y \(NumberText.compact($1))" }

    /// The legend entries matching the series' colours and dashes.
    static func legend(_ series: [Series]) -> [LegendEntry] {
        series.enumerated().map { LegendEntry(label: $0.element.name, colour: Palette.categorical($0.offset), dashed: Palette.secondCycle($0.offset)) }
    }

    func svg() -> String {
        let f = frame
        var marks: [String] = []
        for (i, s) in series.enumerated() {
            let colour = Palette.categorical(i)
            let finite = s.points.filter { $0.x.isFinite && $0.y.isFinite && (f.x.scale == .linear || $0.x > 0) }
            if !s.pointsOnly && finite.count > 1 {
                let path = finite.map { "\(coord(f.px($0.x))),\(coord(f.py($0.y)))" }.joined(separator: " ")
                let dash = Palette.secondCycle(i) ? " stroke-dasharray=\"6 3\"" : ""
                marks.append("<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.8\"\(dash)><title>\(HTMLEscape.escape(s.name))</title></polyline>")
            }
            // Dense curves (hundreds of steps) draw their line alone; sparse ones mark every point.
            if finite.count <= 40 || s.pointsOnly {
                for p in finite {
                    let ringed = s.ringed == p.x
                    marks.append("<circle cx=\"\(coord(f.px(p.x)))\" cy=\"\(coord(f.py(p.y)))\" r=\"\(ringed ? 5.5 : 2.8)\" fill=\"\(ringed ? "none" : colour)\" stroke=\"\(colour)\" stroke-width=\"\(ringed ? 2 : 1)\"><title>\(HTMLEscape.escape("\(s.name): \(pointText(p.x, p.y))\(ringed ? " (chosen)" : "")"))</title></circle>")
                }
            }
        }
        return f.render(marks)
    }
}
