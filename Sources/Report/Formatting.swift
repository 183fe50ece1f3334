import Foundation
import Results

/// How figures read in the report.
enum Formatting {
    static func score(_ m: MetricResult) -> String { number(m.score, scale: m.scale) }

    static func interval(_ m: MetricResult) -> String { m.ci95.count == 2 ? range((m.ci95[0], m.ci95[1]), scale: m.scale) : "" }

    static func count(_ n: Int) -> String {
        let f = NumberFormatter()
        f.numberStyle = .decimal
        f.locale = Locale(identifier: "en_US_POSIX")
        f.groupingSeparator = ","
        f.usesGroupingSeparator = true
        return f.string(from: NSNumber(value: n)) ?? String(n)
    }

    static func bytes(_ n: Int?) -> String {
        guard let n else { return "–" }
        return n >= 1 << 20 ? String(format: "%.1f MiB", Double(n) / 1_048_576) : String(format: "%.1f KiB", Double(n) / 1024)
    }

    static func seconds(_ s: Double) -> String { s >= 120 ? String(format: "%.1f min", s / 60) : String(format: "%.1f s", s) }

    static func signed(_ x: Double) -> String { String(format: "%+.4f", x) }

    /// A value on a metric's scale: four decimals on 0–1, two on 0–100.
    static func number(_ x: Double, scale: String) -> String { String(format: "%.\(scale == "0-1" ? 4 : 2)f", x) }

    static func signed(_ x: Double, scale: String) -> String { String(format: "%+.\(scale == "0-1" ? 4 : 2)f", x) }

    static func range(_ r: (Double, Double), scale: String) -> String { "[\(number(r.0, scale: scale)), \(number(r.1, scale: scale))]" }

    static func signedRange(_ r: (Double, Double), scale: String) -> String { "[\(signed(r.0, scale: scale)), \(signed(r.1, scale: scale))]" }
}
