import Checkpoints
import Foundation
import Metrics

/// `result.json`: everything a report or a later comparison needs to trust a run. The schema is versioned;
/// fields are only ever added within a version.
public struct RunResult: Codable, Sendable {
    public static let schemaVersion = "peftbench.run/1"

    /// `completed` and `diverged` are results; `failed` and `interrupted` are records of a run that did not finish
    /// (a suite runs an interrupted run again; a failed one when asked to).
    public enum Status: String, Codable, Sendable { case running, completed, diverged, failed, interrupted }

    public var schema = RunResult.schemaVersion
    public var runID: String
    public var status: Status
    public var error: String?
    /// Why a run failed, when its process did not live to say: a signal, an exit code, a suite limit.
    public var failure: Failure?
    public var spec: RunSpec
    public var method: MethodInfo
    public var budget: Budget
    public var data: [DataFile]
    public var model: ModelInfo
    public var environment: EnvironmentReport
    public var lossCurve: [LossPoint] = []
    public var metrics: [MetricResult] = []
    public var calibration: CalibrationResults?
    public var forgetting: [ForgettingResult] = []
    /// A learning-rate proxy run's score (`eval_split: selection`); such a run has no metrics.
    public var heldOutLoss: HeldOutLoss?
    public var cost: Cost
    public var startedAt: String
    public var finishedAt: String?

    public struct MethodInfo: Codable, Sendable {
        public var name: String
        public var config: [String: String]
        public var learningRate: Float
        /// How the learning rate was chosen (nil in records from before this was recorded).
        public var learningRateChoice: LearningRateChoice?
        public var schedule: String
        public var warmupSteps: Int
        public var weightDecay: Float
        public var targetedModules: Int
        /// Adapted projections folded into their base weights for evaluation (LoRA, DoRA, VeRA, (IA)³ on a
        /// Float32 base); nil in records from before this was done.
        public var mergedForEvaluation: Int?
    }

    public struct Budget: Codable, Sendable {
        public var steps: Int
        public var examplesPerStep: Int
        public var maxSequenceLength: Int
        public var seed: UInt64
        /// sha256 of the example order: equal across the methods of one comparison.
        public var orderDigest: String
        public var trainingSequences: Int
        public var truncatedSequences: Int
        public var evaluationExamples: Int
        public var evaluationSplit: String
        public var decoding: String
        public var wallClockLimit: Double?
        /// True when the wall-clock limit ended training before `steps`.
        public var cutShort: Bool
        public var stepsRun: Int
        /// The token budget the steps were derived from, when the spec gave one.
        public var targetTokens: Int?
        /// Training examples available after the selection hold-out and `train_examples`.
        public var trainingExamples: Int?
        /// What training consumed: sequences (examples × steps run) and the tokens the loss was taken on.
        public var examplesSeen: Int?
        public var targetTokensSeen: Int?
    }

    public struct Failure: Codable, Sendable, Equatable {
        /// `error`, `exit code N`, `signal N (SIGNAME)`, `time limit` or `memory limit`.
        public var cause: String
        /// The last lines the run wrote to stderr.
        public var stderrTail: [String]
        public init(cause: String, stderrTail: [String]) {
            self.cause = cause
            self.stderrTail = stderrTail
        }
    }

    public struct DataFile: Codable, Sendable {
        public var split: String
        public var path: String
        public var sha256: String
        /// `shipped` (the project's own data) or `official`.
        public var origin: String
    }

    public struct ModelInfo: Codable, Sendable {
        public var name: String
        public var file: String?
        public var sha256: String?
        public var parameters: Int
    }

    public struct LossPoint: Codable, Sendable {
        public var step: Int
        public var loss: Double
        public var learningRate: Float
    }

    public struct CalibrationResults: Codable, Sendable {
        /// Confidence = probability of the generated answer; correct = EM (CoQA) or strict accuracy (GSM8K).
        public var answerLevel: Calibration?
        /// Teacher forcing on the first reference: top-1 probability vs top-1 = reference token.
        public var tokenLevel: Calibration?
    }

    public struct Cost: Codable, Sendable {
        public var trainableParameters: Int = 0
        public var trainablePercent: Double = 0
        public var peakRSSBytes: Int?
        public var trainingSeconds: Double = 0
        public var trainingTokens: Int = 0
        public var tokensPerSecond: Double = 0
        public var trainingFLOPs: Double = 0
        public var adapterBytes: Int?
        public var evaluationSeconds: Double = 0
        /// The whole run, from reading its data to writing its files.
        public var wallSeconds: Double?
    }
}

extension RunResult {
    /// The record of a run that died before it could write one (killed, crashed while loading): its spec and
    /// what follows from the spec alone.
    public static func unstarted(_ spec: RunSpec, status: Status) -> RunResult {
        RunResult(
            runID: spec.runID, status: status, spec: spec,
            method: .init(name: spec.method, config: spec.params, learningRate: spec.statedLearningRate ?? 0,
                          schedule: spec.schedule, warmupSteps: spec.warmupSteps ?? spec.steps / 10, weightDecay: spec.weightDecay,
                          targetedModules: 0),
            budget: .init(steps: spec.steps, examplesPerStep: spec.batch, maxSequenceLength: spec.seq, seed: spec.seed, orderDigest: "",
                          trainingSequences: 0, truncatedSequences: 0, evaluationExamples: spec.evalLimit ?? 0, evaluationSplit: spec.evalSplit,
                          decoding: "", wallClockLimit: spec.wallClockLimit, cutShort: false, stepsRun: 0, targetTokens: spec.targetTokens),
            data: [], model: .init(name: spec.model, file: nil, sha256: nil, parameters: 0),
            environment: .current(), cost: .init(), startedAt: ISO8601DateFormatter().string(from: Date()))
    }
}

/// Writing a run's files so that a killed run never leaves a file that looks complete: each file is written to a
/// temporary name in the same folder and renamed over the final one.
public enum RunFiles {
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    public static func write(_ data: Data, to path: String) throws {
        do { try AtomicFile.write(data, to: path) } catch { throw RunError("\(error)") }
    }

    public static func writeResult(_ result: RunResult, folder: String) throws {
        try write(try encoder().encode(result) + Data("\n".utf8), to: (folder as NSString).appendingPathComponent("result.json"))
    }

    public static func writePredictions(_ predictions: [Prediction], folder: String) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var data = Data()
        for p in predictions {
            data.append(try e.encode(p))
            data.append(0x0A)
        }
        try write(data, to: (folder as NSString).appendingPathComponent("predictions.jsonl"))
    }

    public static func readResult(folder: String) throws -> RunResult {
        let path = (folder as NSString).appendingPathComponent("result.json")
        guard let data = FileManager.default.contents(atPath: path) else { throw RunError("\(path): no such file") }
        do { return try decoder().decode(RunResult.self, from: data) } catch {
            throw RunError("\(path): not a peftbench result (\(error))")
        }
    }

    public static func readPredictions(folder: String) throws -> [Prediction] {
        let path = (folder as NSString).appendingPathComponent("predictions.jsonl")
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try data.split(separator: 0x0A).map { try d.decode(Prediction.self, from: Data($0)) }
    }
}
