import Foundation
import Harness
import Results

/// Checking a suite's figures against a baseline's.
extension BaselineCheck {
    /// Reads the baseline's `suite.json`; a file that is not one is an error naming it.
    public static func load(_ path: String) throws -> SuiteSummary {
        guard FileManager.default.fileExists(atPath: path) else { throw RunError("\(path): cannot read the baseline") }
        return try SuiteSummary.read(path)
    }

    public init(current: SuiteSummary, baseline: SuiteSummary, path: String) {
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
        self.init(baseline: path, compared: compared, moved: moved)
    }
}
