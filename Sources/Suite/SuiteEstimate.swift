import Foundation
import Harness
import Results

/// What runs took on this machine: one line per finished run in `<cache>/timings.jsonl`, appended by every suite.
public struct TimingHistory {
    public struct Entry: Codable, Sendable {
        public var model: String
        public var task: String
        public var method: String
        public var steps: Int
        public var batch: Int
        public var seq: Int
        public var threads: Int?
        public var trainingTokens: Int
        public var trainingSeconds: Double
        public var evaluationExamples: Int
        public var evaluationSeconds: Double
        /// The run's process from start to exit.
        public var wallSeconds: Double
        /// A learning-rate proxy run (held-out loss instead of generation and metrics); nil in older lines.
        public var selection: Bool?
    }

    public let path: String
    public private(set) var entries: [Entry] = []

    public init(cacheFolder: String) {
        path = (cacheFolder as NSString).appendingPathComponent("timings.jsonl")
        guard let data = FileManager.default.contents(atPath: path) else { return }
        entries = data.split(separator: 0x0A).compactMap { try? JSONDecoder().decode(Entry.self, from: Data($0)) }
    }

    /// Appends a finished run (one `write` of one line, so concurrent suites do not interleave).
    public mutating func record(_ result: RunResult, wallSeconds: Double, threads: Int?) {
        guard result.status == .completed, result.budget.stepsRun == result.budget.steps else { return }
        let entry = Entry(model: result.spec.model, task: result.spec.task, method: result.spec.method, steps: result.budget.steps,
                          batch: result.budget.examplesPerStep, seq: result.budget.maxSequenceLength, threads: threads,
                          trainingTokens: result.cost.trainingTokens, trainingSeconds: result.cost.trainingSeconds,
                          evaluationExamples: result.budget.evaluationExamples, evaluationSeconds: result.cost.evaluationSeconds,
                          wallSeconds: wallSeconds, selection: result.spec.isSelectionRun)
        entries.append(entry)
        guard var line = try? JSONEncoder().encode(entry) else { return }
        line.append(0x0A)
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { return }
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}

/// The time runs should take, from what the same model, task and method took on this machine (scaled to the
/// budget: training by its tokens, evaluation by its examples, the rest — loading, probes, scoring — as measured);
/// a run with no such measurement borrows the task's, then the model's; with none at all, it is a guess and says so.
public struct SuiteEstimate {
    public struct Figure: Sendable {
        public var seconds: Double
        public var measured: Int
        public var guessed: Int
    }

    let history: TimingHistory
    let threads: Int?
    /// Seconds assumed for a run nothing on this machine resembles.
    static let unmeasuredSeconds = 120.0

    public init(history: TimingHistory, threads: Int?) {
        self.history = history
        self.threads = threads
    }

    public func seconds(_ spec: RunSpec) -> (seconds: Double, measured: Bool) {
        let sameModel = history.entries.filter { $0.model == spec.model && ($0.threads == threads || threads == nil || $0.threads == nil) }
        // Runs of the same kind first: a proxy run's evaluation is a forward pass, not generation, so a full run is
        // never estimated from one.
        let usable = spec.isSelectionRun ? sameModel : sameModel.filter { !($0.selection ?? false) }
        let sameKind = usable.filter { ($0.selection ?? false) == spec.isSelectionRun }
        for pool in [sameKind.filter { $0.task == spec.task && $0.method == spec.method },
                     usable.filter { $0.task == spec.task && $0.method == spec.method }, sameKind.filter { $0.task == spec.task },
                     usable.filter { $0.task == spec.task }, sameKind, usable] {
            let recent = Array(pool.suffix(5))
            guard !recent.isEmpty else { continue }
            let predictions = recent.map { predict(spec, from: $0) }
            return (predictions.sorted()[predictions.count / 2], true)
        }
        return (Self.unmeasuredSeconds, false)
    }

    private func predict(_ spec: RunSpec, from o: TimingHistory.Entry) -> Double {
        let tokensPerSequence = Double(o.trainingTokens) / Double(max(1, o.steps * o.batch)) * min(1, Double(spec.seq) / Double(o.seq))
        let tokens = spec.targetTokens.map(Double.init) ?? Double(spec.steps * spec.batch) * tokensPerSequence
        let training = o.trainingSeconds * tokens / Double(max(1, o.trainingTokens))
        let examples = Double(spec.evalLimit ?? o.evaluationExamples)
        let evaluation: Double
        if spec.isSelectionRun && !(o.selection ?? false) {
            // Measured from a full run: a forward pass per held-out example, about a third of a training step's work each.
            evaluation = o.trainingSeconds / Double(max(1, o.steps * o.batch)) * examples / 3
        } else {
            evaluation = o.evaluationSeconds * examples / Double(max(1, o.evaluationExamples))
        }
        let rest = max(0, o.wallSeconds - o.trainingSeconds - o.evaluationSeconds)
        return training + evaluation + rest
    }

    public func figure(_ specs: [RunSpec]) -> Figure {
        var figure = Figure(seconds: 0, measured: 0, guessed: 0)
        for spec in specs {
            let (s, measured) = seconds(spec)
            figure.seconds += s
            if measured { figure.measured += 1 } else { figure.guessed += 1 }
        }
        return figure
    }
}
