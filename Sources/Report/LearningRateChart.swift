import Foundation
import Results

/// Learning-rate sensitivity from a suite's selection runs: held-out loss against learning rate (log axis), one line
/// per method, the selected rate of each ringed. Method names are escaped; everything else is numbers.
enum LearningRateChart {
    struct Series {
        var method: String
        /// (learning rate, held-out loss) of every proxy run that completed, by rate.
        var points: [(rate: Double, loss: Double)]
        var chosen: Double?
    }

    /// Okabe–Ito: distinguishable with the common colour-vision deficiencies.
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

    static func series(_ proxies: [RunResult], labels: [String: String]) -> [Series] {
        var byMethod: [String: [(Double, Double)]] = [:]
        for r in proxies where r.status == .completed {
            guard let loss = r.heldOutLoss?.mean, loss.isFinite else { continue }
            byMethod[labels[r.runID] ?? r.spec.method, default: []].append((Double(r.method.learningRate), loss))
        }
        return byMethod.keys.sorted().map { method in
            let points = byMethod[method]!.sorted { $0.0 < $1.0 }
            return Series(method: method, points: points.map { (rate: $0.0, loss: $0.1) }, chosen: points.min { $0.1 < $1.1 }?.0)
        }
    }

    static func svg(_ series: [Series], width: Double = 720, height: Double = 300) -> String {
        let all = series.flatMap(\.points)
        guard !all.isEmpty else { return "<p>No selection run has finished.</p>" }
        let left = 56.0, right = 170.0, top = 16.0, bottom = 40.0
        let lx = all.map { log10($0.rate) }, ly = all.map(\.loss)
        let (x0, x1) = (lx.min()! - 0.1, lx.max()! + 0.1)
        let (y0, y1) = (ly.min()!, max(ly.max()!, ly.min()! + 1e-6))
        func x(_ rate: Double) -> Double { left + (log10(rate) - x0) / (x1 - x0) * (width - left - right) }
        func y(_ loss: Double) -> Double { height - bottom - (loss - y0) / (y1 - y0) * (height - top - bottom) }
        var parts = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"held-out loss against learning rate, per method\">",
                     "<title>Held-out loss of the learning-rate selection runs, per method</title>",
                     "<rect x=\"0\" y=\"0\" width=\"\(Int(width))\" height=\"\(Int(height))\" fill=\"#fff\" stroke=\"#ccc\"/>",
                     axis(x1: left, y1: height - bottom, x2: width - right, y2: height - bottom),
                     axis(x1: left, y1: top, x2: left, y2: height - bottom)]
        for decade in Int(ceil(x0))...Int(floor(x1)) where x1 >= x0 {
            let px = x(pow(10, Double(decade)))
            parts.append("<line x1=\"\(f(px))\" y1=\"\(f(height - bottom))\" x2=\"\(f(px))\" y2=\"\(f(height - bottom + 4))\" stroke=\"#888\"/>")
            parts.append("<text x=\"\(f(px))\" y=\"\(f(height - bottom + 16))\" font-size=\"11\" text-anchor=\"middle\">1e\(decade)</text>")
        }
        for value in [y0, (y0 + y1) / 2, y1] {
            parts.append("<text x=\"\(f(left - 6))\" y=\"\(f(y(value) + 4))\" font-size=\"11\" text-anchor=\"end\">\(String(format: "%.3f", value))</text>")
        }
        parts.append("<text x=\"\(f((left + width - right) / 2))\" y=\"\(f(height - 6))\" font-size=\"11\" text-anchor=\"middle\">learning rate (log scale)</text>")
        for (i, s) in series.enumerated() {
            let colour = palette[i % palette.count]
            let path = s.points.map { "\(f(x($0.rate))),\(f(y($0.loss)))" }.joined(separator: " ")
            parts.append("<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\" points=\"\(path)\"/>")
            for p in s.points {
                let label = HTMLEscape.escape("\(s.method): learning rate \(String(format: "%g", p.rate)), held-out loss \(String(format: "%.4f", p.loss))")
                parts.append("<circle cx=\"\(f(x(p.rate)))\" cy=\"\(f(y(p.loss)))\" r=\"\(p.rate == s.chosen ? 5 : 2.5)\" fill=\"\(p.rate == s.chosen ? "none" : colour)\" stroke=\"\(colour)\" stroke-width=\"1.5\"><title>\(label)</title></circle>")
            }
            let ly = top + 14 * Double(i) + 8
            parts.append("<line x1=\"\(f(width - right + 12))\" y1=\"\(f(ly))\" x2=\"\(f(width - right + 30))\" y2=\"\(f(ly))\" stroke=\"\(colour)\" stroke-width=\"2\"/>")
            parts.append("<text x=\"\(f(width - right + 34))\" y=\"\(f(ly + 4))\" font-size=\"11\">\(HTMLEscape.escape(s.method))</text>")
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }

    private static func axis(x1: Double, y1: Double, x2: Double, y2: Double) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"#888\"/>"
    }

    private static func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
