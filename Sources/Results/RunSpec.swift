import Foundation

/// Everything that defines a run: the task, the method and its hyperparameters, the model, the budget, the seed
/// and the evaluation. Two runs with equal specs are the same run (same id), which is what makes a suite resumable.
/// Its keys — their names in YAML, JSON and on the command line, their help and their types — are declared once,
/// in `RunSpecKey.all`; decoding, encoding, the YAML key check, suite files and the CLI flags all read that list.
public struct RunSpec: Codable, Sendable, Equatable {
    public var task: String
    public var method: String
    /// Method hyperparameters with Hugging Face PEFT's names (`r`, `lora_alpha`, …); defaults fill the rest.
    public var params: [String: String] = [:]
    /// An adapter folder (PEFT's layout or peftbench's) installed instead of a fresh method: evaluated as it is with
    /// `steps: 0`, trained further otherwise. Its config names the method.
    public var adapter: String?
    public var model = "smollm2-135m"
    /// The budget: optimizer steps × examples per step, at most `seq` tokens per example.
    public var steps = 100
    public var batch = 8
    public var seq = 256
    /// A budget in training tokens instead of steps: training runs the fewest steps of the data order whose
    /// sequences hold at least this many tokens (the same steps for every method of a task).
    public var targetTokens: Int?
    public var seed: UInt64 = 0
    /// A smaller training set: the first k examples of a fixed order of the training split (the same for every seed
    /// and method), for sweeps over training-set size.
    public var trainExamples: Int?
    /// Peak learning rate: a number, `select` (chosen on held-out data by a suite), or nil for the method's default.
    public var learningRate: LearningRateSetting?
    public var schedule = "linear"
    /// Nil: a tenth of the steps.
    public var warmupSteps: Int?
    public var weightDecay: Float = 0
    /// Nil: the task definition's `eval_limit`.
    public var evalLimit: Int?
    /// The split scored: `test` (reported), `validation`, or `selection` (the task's selection data, where a run
    /// measures held-out loss only: a learning-rate proxy run).
    public var evalSplit = "test"
    public var evalBatch = 8
    /// Wall-clock cap on training, in seconds; a run it cuts short says so.
    public var wallClockLimit: Double?
    /// A UTF-8 text file, one probe text per non-empty line; nil samples the probes from the base model.
    public var forgettingCorpus: String?
    /// Examples per probe set for forgetting (model-sampled texts and each other task's validation targets).
    public var forgettingExamples = 8

    public init(task: String, method: String) {
        self.task = task
        self.method = method
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: RunSpecKey.CodingName.self)
        self.init(task: "", method: "")
        for key in RunSpecKey.all { try key.decode(&self, c) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: RunSpecKey.CodingName.self)
        for key in RunSpecKey.all { try key.encode(self, &c) }
    }

    public func validate() throws {
        guard !task.isEmpty else { throw RunError("task is missing") }
        guard !method.isEmpty else { throw RunError("method is missing") }
        // 0 steps: an evaluation-only run (of an imported adapter, or of the method as it starts).
        guard steps >= 0 else { throw RunError("steps must be at least 0, got \(steps)") }
        if steps == 0, targetTokens == nil, learningRate == .select { throw RunError("learning_rate: select needs training steps; steps is 0") }
        if let trainExamples, trainExamples < 1 { throw RunError("train_examples must be at least 1, got \(trainExamples)") }
        if let targetTokens, targetTokens < 1 { throw RunError("target_tokens must be at least 1, got \(targetTokens)") }
        guard batch >= 1 else { throw RunError("batch must be at least 1, got \(batch)") }
        guard seq >= 8 else { throw RunError("seq must be at least 8, got \(seq)") }
        guard evalBatch >= 1 else { throw RunError("eval_batch must be at least 1, got \(evalBatch)") }
        if let evalLimit, evalLimit < 1 { throw RunError("eval_limit must be at least 1, got \(evalLimit)") }
        if case .value(let v)? = learningRate, !(v > 0 && v.isFinite) { throw RunError("learning_rate must be positive, got \(v)") }
        // With a token budget the steps are known only once the data is read; the plan caps warm-up at them.
        if let warmupSteps, warmupSteps < 0 || (targetTokens == nil && warmupSteps > steps) {
            throw RunError("warmup_steps must be within 0...\(steps)")
        }
        if let wallClockLimit, !(wallClockLimit > 0) { throw RunError("wall_clock_limit must be positive seconds") }
        guard ["constant", "linear", "cosine"].contains(schedule) else { throw RunError("schedule must be constant, linear or cosine, got '\(schedule)'") }
        guard ["test", "validation", "selection"].contains(evalSplit) else {
            throw RunError("eval_split must be test, validation or selection, got '\(evalSplit)'")
        }
        guard forgettingExamples >= 0 else { throw RunError("forgetting_examples must be at least 0") }
    }

    /// Whether it is a learning-rate proxy run, which measures held-out loss and nothing else.
    public var isSelectionRun: Bool { evalSplit == "selection" }

    /// Stable across processes: the task, method, model, seed and a digest of the whole spec.
    public var runID: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding strings and numbers cannot fail.
        let digest = FileDigest.sha256(try! encoder.encode(self))
        let model = (self.model as NSString).lastPathComponent.replacingOccurrences(of: ".gguf", with: "")
        return "\(task)-\(method)-\(model)-s\(seed)-\(digest.prefix(10))"
    }
}
