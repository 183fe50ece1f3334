import Foundation
import Harness

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
    }

    public var baseline: String
    /// Measures found in both.
    public var compared: Int
    public var moved: [Moved]

    /// Reads the baseline's `suite.json`; a file that is not one is an error naming it.
    public static func load(_ path: String) throws -> SuiteSummary {
        guard FileManager.default.fileExists(atPath: path) else { throw RunError("\(path): cannot read the baseline") }
        return try SuiteSummary.read(path)
    }

    public init(current: SuiteSummary, baseline: SuiteSummary, path: String) {
        self.baseline = path
        var compared = 0
        var moved: [Moved] = []
        for task in current.comparison?.tasks ?? [] {
            guard let old = baseline.comparison?.tasks.first(where: { $0.task == task.task && $0.sweep == task.sweep }) else { continue }
            for (method, intervals) in task.intervals.sorted(by: { $0.key < $1.key }) {
                for now in intervals {
                    guard let then = old.intervals[method]?.first(where: { $0.measure == now.measure }) else { continue }
                    compared += 1
                    // The percentile interval of a biased statistic need not hold its own point (calibration error's
                    // absolute gaps only grow under resampling), so the baseline's value always counts as inside.
                    let (lower, upper) = (min(then.lower, then.mean), max(then.upper, then.mean))
                    if now.mean < lower || now.mean > upper {
                        moved.append(Moved(task: task.task, method: method, sweep: task.sweep, measure: now.measure, value: now.mean,
                                           baseline: then.mean, lower: then.lower, upper: then.upper))
                    }
                }
            }
        }
        self.compared = compared
        self.moved = moved
    }
}
