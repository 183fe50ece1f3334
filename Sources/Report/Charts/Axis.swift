import Foundation

/// One axis of a chart: its label, linear or logarithmic scale, the data range it spans, and ticks at round values.
struct Axis {
    enum Scale { case linear, log }

    var label: String
    var scale: Scale
    var lower: Double
    var upper: Double
    /// How a tick's value reads (the default is compact: 0.25, 1.2k, 3e-4).
    var format: (Double) -> String = NumberText.compact

    /// An axis spanning `values` with a little room; log when asked and every value is positive.
    init(label: String, values: [Double], log: Bool = false, includeZero: Bool = false, format: @escaping (Double) -> String = NumberText.compact) {
        self.label = label
        self.format = format
        let finite = values.filter { $0.isFinite && (!log || $0 > 0) }
        scale = log && !finite.isEmpty ? .log : .linear
        var lo = finite.min() ?? 0, hi = finite.max() ?? 1
        if scale == .log {
            lo = Foundation.log10(lo); hi = Foundation.log10(hi)
            if hi - lo < 1e-9 { lo -= 0.5; hi += 0.5 }
            let pad = (hi - lo) * 0.06
            (lower, upper) = (pow(10, lo - pad), pow(10, hi + pad))
        } else {
            if includeZero { lo = min(lo, 0); hi = max(hi, 0) }
            if hi - lo < 1e-12 { let d = Swift.max(abs(hi) * 0.1, 1e-3); lo -= d; hi += d }
            let pad = (hi - lo) * 0.06
            (lower, upper) = (includeZero && lo == 0 ? 0 : lo - pad, hi + pad)
        }
    }

    /// Whether values spanning this range read better on a log axis: positive and over two decades.
    static func spansDecades(_ values: [Double]) -> Bool {
        let positive = values.filter { $0.isFinite && $0 > 0 }
        guard let lo = positive.min(), let hi = positive.max() else { return false }
        return hi / lo >= 100
    }

    /// The value's position along the axis, 0 at `lower` and 1 at `upper`.
    func fraction(_ v: Double) -> Double {
        switch scale {
        case .linear: return (v - lower) / (upper - lower)
        case .log: return (Foundation.log10(Swift.max(v, .leastNormalMagnitude)) - Foundation.log10(lower)) / (Foundation.log10(upper) - Foundation.log10(lower))
        }
    }

    /// Round values inside the range: 1, 2 or 5 × 10^k steps (four to eight of them) on a linear axis; decades on a log
    /// axis, with 2 and 5 between them when it spans less than three.
    var ticks: [Double] {
        switch scale {
        case .linear:
            // The step nearest a fifth of the range among 1, 2 and 5 × 10^k (the rule d3's ticks use).
            let raw = (upper - lower) / 5
            let magnitude = pow(10, floor(Foundation.log10(raw)))
            let error = raw / magnitude
            let step = magnitude * (error >= 50.0.squareRoot() ? 10 : error >= 10.0.squareRoot() ? 5 : error >= 2.0.squareRoot() ? 2 : 1)
            var out: [Double] = []
            var t = ceil(lower / step) * step
            while t <= upper + step * 1e-9 {
                out.append(abs(t) < step * 1e-9 ? 0 : t)
                t += step
            }
            return out
        case .log:
            let (a, b) = (Int(floor(Foundation.log10(lower))), Int(ceil(Foundation.log10(upper))))
            let multipliers: [Double] = b - a <= 3 ? [1, 2, 5] : [1]
            var out: [Double] = []
            for d in a...b { for m in multipliers { let v = m * pow(10, Double(d)); if v >= lower && v <= upper { out.append(v) } } }
            return out
        }
    }
}

/// Numbers as charts and tables print them.
enum NumberText {
    /// Short and exact enough for a tick: 0, 0.25, 12, 1.2k, 3.4M, 2e-4.
    static func compact(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "NaN" : (v > 0 ? "∞" : "−∞") }
        let a = abs(v)
        if a == 0 { return "0" }
        if a >= 1e9 { return trim(v / 1e9) + "G" }
        if a >= 1e6 { return trim(v / 1e6) + "M" }
        if a >= 1e4 { return trim(v / 1e3) + "k" }
        if a >= 1e3 { return String(format: "%.0f", v) }
        if a < 1e-3 {
            let e = Int(floor(Foundation.log10(a)))
            return trim(v / pow(10, Double(e))) + "e\(e)"
        }
        return trim(v)
    }

    /// At most three significant digits, no trailing zeros.
    static func trim(_ v: Double) -> String {
        var s = String(format: "%.3g", v)
        if s.contains("e") { return s }
        if s.contains(".") { while s.hasSuffix("0") { s.removeLast() }; if s.hasSuffix(".") { s.removeLast() } }
        return s
    }
}

extension Axis {
    /// A linear axis over a fixed range (probabilities: 0…1).
    init(label: String, fixed lower: Double, _ upper: Double, format: @escaping (Double) -> String = NumberText.compact) {
        self.label = label
        self.scale = .linear
        self.lower = lower
        self.upper = upper
        self.format = format
    }
}
