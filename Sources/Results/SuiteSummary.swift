import Foundation

/// `suite.json`: the suite's state and, per task × method entry, the runs and seeds done with the mean and standard
/// deviation of every metric and cost figure over them. Rewritten atomically after every run, so that a partial
/// suite has a truthful partial summary.
public struct SuiteSummary: Codable {
    public static let schemaVersion = "peftbench.suite/1"

    public struct Statistic: Codable, Equatable {
        public var mean: Double
        /// Sample standard deviation (n − 1); nil for a single run.
        public var std: Double?
        public var n: Int
        public var scale: String?

        public init?(_ values: [Double], scale: String? = nil) {
            let finite = values.filter(\.isFinite)
            guard !finite.isEmpty else { return nil }
            n = finite.count
            mean = finite.reduce(0, +) / Double(n)
            let m = mean
            std = n > 1 ? (finite.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n - 1)).squareRoot() : nil
            self.scale = scale
        }
    }

    public struct Group: Codable {
        public var task: String
        public var method: String
        public var methodName: String
        /// The sweep point, when the suite sweeps.
        public var sweep: [String: String]
        /// The learning rate the runs trained with, and how it was chosen (`default`, `given`, `selection`).
        public var learningRate: Float?
        public var learningRateChosenBy: String?
        public var runs: Int
        public var done: Int
        public var failed: Int
        public var seedsDone: [UInt64]
        public var metrics: [String: Statistic]
        public var cost: [String: Statistic]
        public var forgetting: [String: Statistic]

        public init(task: String, method: String, methodName: String, sweep: [String: String], learningRate: Float? = nil,
                        learningRateChosenBy: String? = nil, runs: Int, done: Int, failed: Int, seedsDone: [UInt64],
                        metrics: [String: Statistic], cost: [String: Statistic], forgetting: [String: Statistic]) {
            self.task = task
            self.method = method
            self.methodName = methodName
            self.sweep = sweep
            self.learningRate = learningRate
            self.learningRateChosenBy = learningRateChosenBy
            self.runs = runs
            self.done = done
            self.failed = failed
            self.seedsDone = seedsDone
            self.metrics = metrics
            self.cost = cost
            self.forgetting = forgetting
        }
    }

    public struct RunEntry: Codable {
        public var runID: String
        public var task: String
        public var method: String
        public var seed: UInt64
        public var sweep: [String: String]
        /// True for a learning-rate proxy run.
        public var selection: Bool?
        public var state: SuiteRunState
        public var error: String?
        public var heldBy: String?

        public init(runID: String, task: String, method: String, seed: UInt64, sweep: [String: String], selection: Bool? = nil,
                        state: SuiteRunState, error: String? = nil, heldBy: String? = nil) {
            self.runID = runID
            self.task = task
            self.method = method
            self.seed = seed
            self.sweep = sweep
            self.selection = selection
            self.state = state
            self.error = error
            self.heldBy = heldBy
        }
    }

    /// A sweep's axis: the spec key it varies and its values, in the suite file's order.
    public struct SweepAxis: Codable, Equatable {
        public var key: String
        public var values: [String]
        public init(key: String, values: [String]) {
            self.key = key
            self.values = values
        }
    }

    public var schema = SuiteSummary.schemaVersion
    public var suite: String
    public var file: String
    public var fileSHA256: String
    public var updatedAt: String
    public var counts: [String: Int]
    /// The sweep's axes (absent in summaries written before they were recorded, and when the suite sweeps nothing).
    public var sweepAxes: [SweepAxis]?
    public var groups: [Group]
    /// Learning-rate selection per task × method entry (× sweep point), when the suite selects.
    public var selection: [SelectionEntry]
    /// Seconds of run processes: the comparison's runs and the learning-rate proxy runs.
    public var seconds: [String: Double]
    /// Intervals over seeds and examples and paired tests between methods; written when the suite's invocation ends
    /// (a summary rewritten after each run leaves them out).
    public var comparison: SuiteComparison?
    /// Measures that moved outside a baseline's intervals, when the suite was run against one (`--baseline`).
    public var baselineCheck: BaselineCheck?
    public var runs: [RunEntry]

    public struct SelectionEntry: Codable {
        public var task: String
        public var method: String
        public var sweep: [String: String]
        /// The selected rate, once every proxy run it needs has a record.
        public var chosen: Float?
        /// Whether it is the smallest or largest rate tried, the grid widened as far as the suite lets it (the best
        /// may lie beyond).
        public var atGridEdge: Bool?
        /// Every rate tried: the grid's, then those past an edge, in rate order.
        public var candidates: [LearningRateChoice.Candidate]
        /// Rates tried past the grid's edges.
        public var widened: Int?
        public var data: String?
        public var proxySteps: Int

        public init(task: String, method: String, sweep: [String: String], chosen: Float? = nil, atGridEdge: Bool? = nil,
                        candidates: [LearningRateChoice.Candidate], widened: Int? = nil, data: String? = nil, proxySteps: Int) {
            self.task = task
            self.method = method
            self.sweep = sweep
            self.chosen = chosen
            self.atGridEdge = atGridEdge
            self.candidates = candidates
            self.widened = widened
            self.data = data
            self.proxySteps = proxySteps
        }
    }

    /// A `suite.json` as written.
    public static func read(_ path: String) throws -> SuiteSummary {
        guard let data = FileManager.default.contents(atPath: path) else { throw RunError("\(path): cannot read") }
        do { return try RunFiles.decoder().decode(SuiteSummary.self, from: data) } catch { throw RunError("\(path): not a suite.json (\(error))") }
    }

    /// Writes `<out>/suite.json` atomically; returns its path.
    @discardableResult
    public func write(outFolder: String) throws -> String {
        let path = (outFolder as NSString).appendingPathComponent("suite.json")
        try RunFiles.write(try RunFiles.encoder().encode(self) + Data("\n".utf8), to: path)
        return path
    }

    public init(suite: String, file: String, fileSHA256: String, updatedAt: String, counts: [String: Int], sweepAxes: [SweepAxis]? = nil, groups: [Group],
                    selection: [SelectionEntry], seconds: [String: Double], comparison: SuiteComparison? = nil,
                    baselineCheck: BaselineCheck? = nil, runs: [RunEntry]) {
        self.suite = suite
        self.file = file
        self.fileSHA256 = fileSHA256
        self.updatedAt = updatedAt
        self.counts = counts
        self.sweepAxes = sweepAxes
        self.groups = groups
        self.selection = selection
        self.seconds = seconds
        self.comparison = comparison
        self.baselineCheck = baselineCheck
        self.runs = runs
    }
}

/// Where a suite's run stands.
public enum SuiteRunState: String, Codable, Sendable { case done, failed, interrupted, running, pending }
