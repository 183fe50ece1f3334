import Foundation
import Results

/// The loss curve as an inline SVG polyline. Built from numbers only, so nothing in it needs escaping.
enum LossCurve {
    static func svg(_ points: [RunResult.LossPoint], width: Double = 640, height: Double = 240) -> String {
        let finite = points.filter { $0.loss.isFinite }
        guard finite.count >= 1 else { return "<p>No finite loss was recorded.</p>" }
        let pad = 40.0
        let maxStep = Double(finite.map(\.step).max()!), minStep = Double(finite.map(\.step).min()!)
        let lo = finite.map(\.loss).min()!, hi = finite.map(\.loss).max()!
        let span = max(hi - lo, 1e-9)
        func x(_ s: Int) -> Double { pad + (Double(s) - minStep) / max(1, maxStep - minStep) * (width - 2 * pad) }
        func y(_ l: Double) -> Double { height - pad - (l - lo) / span * (height - 2 * pad) }
        let path = finite.map { String(format: "%.1f,%.1f", x($0.step), y($0.loss)) }.joined(separator: " ")
        return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="training loss by step">
        <rect x="0" y="0" width="\(Int(width))" height="\(Int(height))" fill="#fff" stroke="#ccc"/>
        <line x1="\(pad)" y1="\(height - pad)" x2="\(width - pad)" y2="\(height - pad)" stroke="#888"/>
        <line x1="\(pad)" y1="\(pad)" x2="\(pad)" y2="\(height - pad)" stroke="#888"/>
        <polyline fill="none" stroke="#1f6feb" stroke-width="1.5" points="\(path)"/>
        <text x="\(pad)" y="\(pad - 8)" font-size="11">\(String(format: "%.3f", hi))</text>
        <text x="\(pad)" y="\(height - pad + 14)" font-size="11">\(String(format: "%.3f", lo)) · step \(Int(minStep))</text>
        <text x="\(width - pad)" y="\(height - pad + 14)" font-size="11" text-anchor="end">step \(Int(maxStep))</text>
        </svg>
        """
    }
}
