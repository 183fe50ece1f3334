import Foundation

/// Horizontal bars from zero (or from a baseline at zero, for differences), each with its 95% interval as an error
/// bar and its value printed at the end; one row per label.
struct BarChart {
    struct Bar {
        var label: String
        var value: Double
        var interval: (Double, Double)?
        var colour: String
        var detail: String
    }

    var title: String
    var description: String
    var axisLabel: String
    var bars: [Bar]
    var width = 640.0
    var format: (Double) -> String = NumberText.compact

    func svg() -> String {
        let rowHeight = 22.0
        let labelWidth = min(200, 16 + 6.2 * Double(bars.map { min($0.label.count, 30) }.max() ?? 4))
        let values = bars.flatMap { [$0.value] + ($0.interval.map { [$0.0, $0.1] } ?? []) }
        let axis = Axis(label: axisLabel, values: values, includeZero: true, format: format)
        let height = 12 + 12 + rowHeight * Double(bars.count) + 40
        let frame = ChartFrame(title: title, description: description, x: axis, y: Axis(label: "", fixed: 0, 1), width: width, height: height,
                               left: labelWidth, showsYTicks: false)
        var marks: [String] = []
        let zero = frame.px(0)
        for (i, bar) in bars.enumerated() where bar.value.isFinite {
            let yTop = 12 + 6 + rowHeight * Double(i)
            let x = frame.px(bar.value)
            marks.append("<rect x=\"\(coord(min(zero, x)))\" y=\"\(coord(yTop))\" width=\"\(coord(abs(x - zero)))\" height=\"\(coord(rowHeight - 8))\" fill=\"\(bar.colour)\" fill-opacity=\"0.85\"><title>\(HTMLEscape.escape(bar.detail))</title></rect>")
            if let (lo, hi) = bar.interval, lo.isFinite, hi.isFinite {
                let mid = yTop + (rowHeight - 8) / 2
                marks.append("<path d=\"M\(coord(frame.px(lo))) \(coord(mid))H\(coord(frame.px(hi)))M\(coord(frame.px(lo))) \(coord(mid - 4))v8M\(coord(frame.px(hi))) \(coord(mid - 4))v8\" stroke=\"#1b1f24\" stroke-width=\"1.2\" fill=\"none\"/>")
            }
        }
        marks.append("<line x1=\"\(coord(zero))\" y1=\"12\" x2=\"\(coord(zero))\" y2=\"\(coord(height - 42))\" stroke=\"#57606a\"/>")
        var svg = frame.render(marks)
        let labels = bars.enumerated().map { i, bar in
            "<text x=\"\(coord(frame.left - 6))\" y=\"\(coord(12 + 6 + rowHeight * Double(i) + rowHeight / 2))\" text-anchor=\"end\" \(ChartFrame.font)><title>\(HTMLEscape.escape(bar.label))</title>\(HTMLEscape.escape(ChartFrame.cut(bar.label, 30)))</text>"
        }.joined(separator: "\n")
        svg.insert(contentsOf: labels + "\n", at: svg.range(of: "</svg>", options: .backwards)!.lowerBound)
        return svg
    }
}
