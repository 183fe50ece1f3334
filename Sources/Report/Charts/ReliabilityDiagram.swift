import Foundation
import Results

/// Accuracy against confidence over equal-width bins: a bar per non-empty bin at its accuracy, the diagonal of
/// perfect calibration, and the gap between each bin's mean confidence and accuracy shaded.
struct ReliabilityDiagram {
    var title: String
    var bins: [Calibration.Bin]
    var ece: Double?

    func svg(width: Double = 300, height: Double = 260) -> String {
        let total = bins.reduce(0) { $0 + $1.count }
        let description = "Reliability diagram over \(bins.count) equal-width confidence bins, \(total) predictions"
            + (ece.map { String(format: "; expected calibration error %.4f", $0) } ?? "")
        let frame = ChartFrame(title: title, description: description, x: Axis(label: "confidence", fixed: 0, 1),
                               y: Axis(label: "accuracy", fixed: 0, 1), width: width, height: height, left: 46)
        var marks: [String] = []
        marks.append("<line x1=\"\(coord(frame.px(0)))\" y1=\"\(coord(frame.py(0)))\" x2=\"\(coord(frame.px(1)))\" y2=\"\(coord(frame.py(1)))\" stroke=\"#57606a\" stroke-dasharray=\"4 3\"><title>perfect calibration</title></line>")
        for bin in bins where bin.count > 0 {
            let (x0, x1) = (frame.px(bin.lower) + 1, frame.px(bin.upper) - 1)
            let top = frame.py(bin.accuracy), base = frame.py(0)
            let detail = String(format: "confidence %.2f–%.2f: %d predictions, accuracy %.3f, mean confidence %.3f",
                                bin.lower, bin.upper, bin.count, bin.accuracy, bin.meanConfidence)
            marks.append("<rect x=\"\(coord(x0))\" y=\"\(coord(top))\" width=\"\(coord(max(0.5, x1 - x0)))\" height=\"\(coord(max(0, base - top)))\" fill=\"#0072B2\" fill-opacity=\"0.8\"><title>\(HTMLEscape.escape(detail))</title></rect>")
            let gap = frame.py(bin.meanConfidence)
            marks.append("<rect x=\"\(coord(x0))\" y=\"\(coord(min(gap, top)))\" width=\"\(coord(max(0.5, x1 - x0)))\" height=\"\(coord(abs(gap - top)))\" fill=\"#D55E00\" fill-opacity=\"0.35\" stroke=\"#D55E00\" stroke-width=\"0.6\"/>")
        }
        if total == 0 {
            marks.append("<text x=\"\(coord(frame.px(0.5)))\" y=\"\(coord(frame.py(0.5)))\" text-anchor=\"middle\" \(ChartFrame.font)>no predictions</text>")
        }
        return frame.render(marks)
    }
}
