import Foundation

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
    /// The adapter the run started from (spec `adapter`), nil for a fresh method.
    public var adapter: AdapterInfo?
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

        public init(name: String, config: [String: String], learningRate: Float, learningRateChoice: LearningRateChoice? = nil,
                        schedule: String, warmupSteps: Int, weightDecay: Float, targetedModules: Int,
                        mergedForEvaluation: Int? = nil) {
            self.name = name
            self.config = config
            self.learningRate = learningRate
            self.learningRateChoice = learningRateChoice
            self.schedule = schedule
            self.warmupSteps = warmupSteps
            self.weightDecay = weightDecay
            self.targetedModules = targetedModules
            self.mergedForEvaluation = mergedForEvaluation
        }
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
        /// How each step's sequences were batched, and the share of the positions computed that was padding.
        public var padding: TrainingPadding?

        public init(steps: Int, examplesPerStep: Int, maxSequenceLength: Int, seed: UInt64, orderDigest: String,
                        trainingSequences: Int, truncatedSequences: Int, evaluationExamples: Int, evaluationSplit: String,
                        decoding: String, wallClockLimit: Double? = nil, cutShort: Bool, stepsRun: Int, targetTokens: Int? = nil,
                        trainingExamples: Int? = nil, examplesSeen: Int? = nil, targetTokensSeen: Int? = nil) {
            self.steps = steps
            self.examplesPerStep = examplesPerStep
            self.maxSequenceLength = maxSequenceLength
            self.seed = seed
            self.orderDigest = orderDigest
            self.trainingSequences = trainingSequences
            self.truncatedSequences = truncatedSequences
            self.evaluationExamples = evaluationExamples
            self.evaluationSplit = evaluationSplit
            self.decoding = decoding
            self.wallClockLimit = wallClockLimit
            self.cutShort = cutShort
            self.stepsRun = stepsRun
            self.targetTokens = targetTokens
            self.trainingExamples = trainingExamples
            self.examplesSeen = examplesSeen
            self.targetTokensSeen = targetTokensSeen
        }
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

    public struct AdapterInfo: Codable, Sendable, Equatable {
        public var path: String
        /// `peft` or `peftbench`.
        public var layout: String
        /// Of its config and weights files together: a changed adapter at the same path is a different run.
        public var sha256: String
        public var notes: [String]

        public init(path: String, layout: String, sha256: String, notes: [String]) {
            self.path = path
            self.layout = layout
            self.sha256 = sha256
            self.notes = notes
        }
    }

    public struct DataFile: Codable, Sendable {
        public var split: String
        public var path: String
        public var sha256: String
        /// `shipped` (the project's own data) or `official`.
        public var origin: String

        public init(split: String, path: String, sha256: String, origin: String) {
            self.split = split
            self.path = path
            self.sha256 = sha256
            self.origin = origin
        }
    }

    public struct ModelInfo: Codable, Sendable {
        public var name: String
        public var file: String?
        public var sha256: String?
        public var parameters: Int

        public init(name: String, file: String? = nil, sha256: String? = nil, parameters: Int) {
            self.name = name
            self.file = file
            self.sha256 = sha256
            self.parameters = parameters
        }
    }

    public struct LossPoint: Codable, Sendable {
        public var step: Int
        public var loss: Double
        public var learningRate: Float

        public init(step: Int, loss: Double, learningRate: Float) {
            self.step = step
            self.loss = loss
            self.learningRate = learningRate
        }
    }

    public struct CalibrationResults: Codable, Sendable {
        /// Confidence = probability of the generated answer; correct = EM (CoQA) or strict accuracy (GSM8K).
        public var answerLevel: Calibration?
        /// Teacher forcing on the first reference: top-1 probability vs top-1 = reference token.
        public var tokenLevel: Calibration?

        public init(answerLevel: Calibration? = nil, tokenLevel: Calibration? = nil) {
            self.answerLevel = answerLevel
            self.tokenLevel = tokenLevel
        }
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
        /// Evaluation's generation alone (prompts' prefill and decoding, without scoring): the tokens generated and
        /// the seconds it took.
        public var generatedTokens: Int?
        public var generationSeconds: Double?
        /// The whole run, from reading its data to writing its files.
        public var wallSeconds: Double?
        /// The same time, phase by phase.
        public var phases: PhaseTimes?

        public init(trainableParameters: Int = 0, trainablePercent: Double = 0, peakRSSBytes: Int? = nil,
                        trainingSeconds: Double = 0, trainingTokens: Int = 0, tokensPerSecond: Double = 0,
                        trainingFLOPs: Double = 0, adapterBytes: Int? = nil, evaluationSeconds: Double = 0,
                        wallSeconds: Double? = nil) {
            self.trainableParameters = trainableParameters
            self.trainablePercent = trainablePercent
            self.peakRSSBytes = peakRSSBytes
            self.trainingSeconds = trainingSeconds
            self.trainingTokens = trainingTokens
            self.tokensPerSecond = tokensPerSecond
            self.trainingFLOPs = trainingFLOPs
            self.adapterBytes = adapterBytes
            self.evaluationSeconds = evaluationSeconds
            self.wallSeconds = wallSeconds
        }
    }

    public init(runID: String, status: Status, error: String? = nil, failure: Failure? = nil, spec: RunSpec, method: MethodInfo,
                    budget: Budget, data: [DataFile], model: ModelInfo, environment: EnvironmentReport,
                    lossCurve: [LossPoint] = [], metrics: [MetricResult] = [], calibration: CalibrationResults? = nil,
                    forgetting: [ForgettingResult] = [], heldOutLoss: HeldOutLoss? = nil, cost: Cost, startedAt: String,
                    finishedAt: String? = nil) {
        self.runID = runID
        self.status = status
        self.error = error
        self.failure = failure
        self.spec = spec
        self.method = method
        self.budget = budget
        self.data = data
        self.model = model
        self.environment = environment
        self.lossCurve = lossCurve
        self.metrics = metrics
        self.calibration = calibration
        self.forgetting = forgetting
        self.heldOutLoss = heldOutLoss
        self.cost = cost
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}
