import Foundation

/// The statistics of a suite's comparison, from its runs' per-example statistics (`statistics.json`): for every task
/// × method entry (× sweep point) and every measure — each metric, calibration error, forgetting — an interval that
/// resamples seeds and examples; and paired tests (by example and seed) of every method against full fine-tuning and
/// against the task's best method, Holm-corrected within the task for each baseline. A method is called better or
/// worse than a baseline only where the corrected test says so.
public struct SuiteComparison: Codable {
    public static let alpha = 0.05

    public struct Interval: Codable, Equatable {
        public var measure: String
        public var kind: String
        public var mean: Double
        public var lower: Double
        public var upper: Double
        public var seeds: Int
        public var examples: Int

        public init(measure: String, kind: String, mean: Double, lower: Double, upper: Double, seeds: Int, examples: Int) {
            self.measure = measure
            self.kind = kind
            self.mean = mean
            self.lower = lower
            self.upper = upper
            self.seeds = seeds
            self.examples = examples
        }
    }

    public struct Test: Codable, Equatable {
        public var method: String
        public var baseline: String
        /// `full` (full fine-tuning) or `best` (the task's best method on this measure).
        public var against: String
        public var measure: String
        public var kind: String
        public var higherIsBetter: Bool
        /// Method minus baseline, mean over the paired seeds.
        public var delta: Double
        /// The paired bootstrap 95% interval of `delta` (resampling seeds and examples together for both); absent in
        /// summaries written before it was.
        public var deltaLower: Double?
        public var deltaUpper: Double?
        public var pValue: Double
        public var adjustedP: Double
        /// `better`, `worse` or `no significant difference`, for the method against the baseline.
        public var verdict: String
        public var seeds: [UInt64]
        public var examples: Int
        public var exact: Bool

        public init(method: String, baseline: String, against: String, measure: String, kind: String, higherIsBetter: Bool,
                        delta: Double, deltaLower: Double? = nil, deltaUpper: Double? = nil, pValue: Double, adjustedP: Double,
                        verdict: String, seeds: [UInt64], examples: Int, exact: Bool) {
            self.method = method
            self.baseline = baseline
            self.against = against
            self.measure = measure
            self.kind = kind
            self.higherIsBetter = higherIsBetter
            self.delta = delta
            self.deltaLower = deltaLower
            self.deltaUpper = deltaUpper
            self.pValue = pValue
            self.adjustedP = adjustedP
            self.verdict = verdict
            self.seeds = seeds
            self.examples = examples
            self.exact = exact
        }
    }

    public struct Task: Codable {
        public var task: String
        public var sweep: [String: String]
        /// Per method entry: an interval for each measure it has statistics for.
        public var intervals: [String: [Interval]]
        public var tests: [Test]
        /// Measures left out of the tests, and why (runs that scored different examples, runs without statistics).
        public var notes: [String]

        public init(task: String, sweep: [String: String], intervals: [String: [Interval]], tests: [Test], notes: [String]) {
            self.task = task
            self.sweep = sweep
            self.intervals = intervals
            self.tests = tests
            self.notes = notes
        }
    }

    public var alpha = SuiteComparison.alpha
    /// The tests and intervals, in words (what the report's methodology states).
    public var method: String
    public var tasks: [Task]

    public init(method: String, tasks: [Task]) {
        self.method = method
        self.tasks = tasks
    }
}
