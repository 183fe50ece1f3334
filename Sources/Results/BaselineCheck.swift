import Foundation

/// A suite's figures against an earlier `suite.json` (a committed baseline): every measure of every task × method
/// entry (× sweep point) whose mean now lies outside the baseline's 95% interval (over seeds and examples) is flagged.
public struct BaselineCheck: Codable {
    public struct Moved: Codable, Equatable, CustomStringConvertible {
        public var task: String
        public var method: String
        public var sweep: [String: String]
        public var measure: String
        public var value: Double
        public var baseline: Double
        public var lower: Double
        public var upper: Double

        public var description: String {
            let point = sweep.isEmpty ? "" : " (" + sweep.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + ")"
            return "\(task) × \(method)\(point): \(measure) \(Self.number(value)), baseline \(Self.number(baseline)) "
                + "[\(Self.number(lower)), \(Self.number(upper))]"
        }

        static func number(_ x: Double) -> String { String(format: "%.4g", x) }

        public init(task: String, method: String, sweep: [String: String], measure: String, value: Double, baseline: Double,
                        lower: Double, upper: Double) {
            self.task = task
            self.method = method
            self.sweep = sweep
            self.measure = measure
            self.value = value
            self.baseline = baseline
            self.lower = lower
            self.upper = upper
        }
    }

    public var baseline: String
    /// Measures found in both.
    public var compared: Int
    public var moved: [Moved]

    public init(baseline: String, compared: Int, moved: [Moved]) {
        self.baseline = baseline
        self.compared = compared
        self.moved = moved
    }
}
