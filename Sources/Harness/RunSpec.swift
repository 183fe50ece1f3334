import Foundation
import Tasks
import Yams

/// Everything that defines a run: the task, the method and its hyperparameters, the model, the budget, the seed
/// and the evaluation. Two runs with equal specs are the same run (same id), which is what makes a suite resumable.
public struct RunSpec: Codable, Sendable, Equatable {
    public var task: String
    public var method: String
    /// Method hyperparameters with Hugging Face PEFT's names (`r`, `lora_alpha`, …); defaults fill the rest.
    public var params: [String: String] = [:]
    public var model = "smollm2-135m"
    /// The budget: optimizer steps × examples per step, at most `seq` tokens per example.
    public var steps = 100
    public var batch = 8
    public var seq = 256
    public var seed: UInt64 = 0
    /// Peak learning rate; nil takes the method's default (`MethodDefaults`).
    public var learningRate: Float?
    public var schedule = "linear"
    /// Nil: a tenth of the steps.
    public var warmupSteps: Int?
    public var weightDecay: Float = 0
    /// Nil: the task definition's `eval_limit`.
    public var evalLimit: Int?
    public var evalSplit = "validation"
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

    enum CodingKeys: String, CodingKey {
        case task, method, params, model, steps, batch, seq, seed, schedule
        case learningRate = "learning_rate", warmupSteps = "warmup_steps", weightDecay = "weight_decay"
        case evalLimit = "eval_limit", evalSplit = "eval_split", evalBatch = "eval_batch"
        case wallClockLimit = "wall_clock_limit", forgettingCorpus = "forgetting_corpus"
        case forgettingExamples = "forgetting_examples"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        task = try c.decode(String.self, forKey: .task)
        method = try c.decode(String.self, forKey: .method)
        var d = RunSpec(task: task, method: method)
        d.params = try c.decodeIfPresent([String: String].self, forKey: .params) ?? d.params
        d.model = try c.decodeIfPresent(String.self, forKey: .model) ?? d.model
        d.steps = try c.decodeIfPresent(Int.self, forKey: .steps) ?? d.steps
        d.batch = try c.decodeIfPresent(Int.self, forKey: .batch) ?? d.batch
        d.seq = try c.decodeIfPresent(Int.self, forKey: .seq) ?? d.seq
        d.seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        d.learningRate = try c.decodeIfPresent(Float.self, forKey: .learningRate)
        d.schedule = try c.decodeIfPresent(String.self, forKey: .schedule) ?? d.schedule
        d.warmupSteps = try c.decodeIfPresent(Int.self, forKey: .warmupSteps)
        d.weightDecay = try c.decodeIfPresent(Float.self, forKey: .weightDecay) ?? d.weightDecay
        d.evalLimit = try c.decodeIfPresent(Int.self, forKey: .evalLimit)
        d.evalSplit = try c.decodeIfPresent(String.self, forKey: .evalSplit) ?? d.evalSplit
        d.evalBatch = try c.decodeIfPresent(Int.self, forKey: .evalBatch) ?? d.evalBatch
        d.wallClockLimit = try c.decodeIfPresent(Double.self, forKey: .wallClockLimit)
        d.forgettingCorpus = try c.decodeIfPresent(String.self, forKey: .forgettingCorpus)
        d.forgettingExamples = try c.decodeIfPresent(Int.self, forKey: .forgettingExamples) ?? d.forgettingExamples
        self = d
    }

    /// A YAML run config (the same keys as `result.json`'s `spec`); unknown keys are errors, not silently ignored.
    public static func load(yaml path: String) throws -> RunSpec {
        guard let data = FileManager.default.contents(atPath: path) else { throw RunError("\(path): cannot read the file") }
        guard let text = String(data: data, encoding: .utf8) else { throw RunError("\(path): not UTF-8") }
        do {
            if let keys = try Yams.load(yaml: text) as? [String: Any] {
                let known = Set(["task", "method", "params", "model", "steps", "batch", "seq", "seed", "schedule", "learning_rate",
                                 "warmup_steps", "weight_decay", "eval_limit", "eval_split", "eval_batch", "wall_clock_limit",
                                 "forgetting_corpus", "forgetting_examples"])
                if let unknown = keys.keys.filter({ !known.contains($0) }).sorted().first {
                    throw RunError("\(path): unknown key '\(unknown)'")
                }
            }
            return try YAMLDecoder().decode(RunSpec.self, from: text)
        } catch let error as RunError {
            throw error
        } catch let error as DecodingError {
            throw RunError("\(path): \(DecodingErrorText.describe(error, format: "YAML"))")
        } catch {
            throw RunError("\(path): not valid YAML (\(String(describing: error).split(separator: "\n").first ?? ""))")
        }
    }

    public func validate() throws {
        guard steps >= 1 else { throw RunError("steps must be at least 1, got \(steps)") }
        guard batch >= 1 else { throw RunError("batch must be at least 1, got \(batch)") }
        guard seq >= 8 else { throw RunError("seq must be at least 8, got \(seq)") }
        guard evalBatch >= 1 else { throw RunError("eval_batch must be at least 1, got \(evalBatch)") }
        if let evalLimit, evalLimit < 1 { throw RunError("eval_limit must be at least 1, got \(evalLimit)") }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) { throw RunError("learning_rate must be positive, got \(learningRate)") }
        if let warmupSteps, warmupSteps < 0 || warmupSteps > steps { throw RunError("warmup_steps must be within 0...\(steps)") }
        if let wallClockLimit, !(wallClockLimit > 0) { throw RunError("wall_clock_limit must be positive seconds") }
        guard ["constant", "linear", "cosine"].contains(schedule) else { throw RunError("schedule must be constant, linear or cosine, got '\(schedule)'") }
        guard TaskDefinition.splits.contains(evalSplit), evalSplit != "train" else { throw RunError("eval_split must be validation or test, got '\(evalSplit)'") }
        guard forgettingExamples >= 0 else { throw RunError("forgetting_examples must be at least 0") }
    }

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

public struct RunError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
