import Checkpoints
import Foundation
import Methods
import Metrics
import Model
import Results
import Tasks
import Tokenizer

/// The first stage of a run: everything resolved before training starts — the task and its data, the model, the
/// data order and budget, the evaluation examples, the forgetting probes with the base model's NLL on them, and the
/// skeleton of the result.
struct RunPlan {
    let spec: RunSpec
    let definition: TaskDefinition
    let model: LlamaModel
    let tokenizer: BPETokenizer
    let encoder: PromptEncoder
    let training: TrainingSet
    let order: [[Int]]
    let evalExamples: [TaskExample]
    let scoringResources: MetricResources
    let probes: [ProbeSet]
    let baseNLL: [(mean: Double, tokens: Int)]
    var result: RunResult
    /// When the run started, for its wall time and its phases'.
    let clock: Date

    static func make(spec: RunSpec, options: Runner.Options, started: String, clock: Date) throws -> RunPlan {
        let catalog: TaskCatalog
        let definition: TaskDefinition
        do {
            catalog = try TaskCatalog(folder: options.tasksFolder)
            definition = try catalog.definition(spec.task)
        } catch { throw SetupError("\(error)") }
        do { _ = try MethodRegistry.method(named: spec.method) } catch { throw RunError("\(error)") }
        let scoringResources: MetricResources
        do { scoringResources = try TaskScoring.resources(for: definition.metrics) } catch { throw SetupError("\(error)") }

        // Data: a file that cannot be read fails every run of the task, so it is the suite's problem. Selection data
        // is held out of training whenever the task holds it out, so that every run of a task trains on the same set.
        let selection = definition.selectionData
        let trainData: TaskDefinition.ResolvedData, evalData: TaskDefinition.ResolvedData
        let trainExamples: [TaskExample], evalSource: [TaskExample]
        let files: [RunResult.DataFile]
        do {
            trainData = try definition.resolve(split: "train", root: catalog.root)
            let (train, heldOut) = selection.partition(training: try definition.format.load(trainData.path, options: definition.options).examples)
            trainExamples = spec.trainExamples.map { TrainingSet.fixedSubset(train, count: $0) } ?? train
            let evalSplitName = spec.isSelectionRun ? (selection.split ?? "train") : spec.evalSplit
            evalData = try definition.resolve(split: evalSplitName, root: catalog.root)
            evalSource = spec.isSelectionRun && selection.holdout != nil
                ? heldOut : try definition.format.load(evalData.path, options: definition.options).examples
            files = try [("train", trainData), (spec.evalSplit, evalData)].map {
                RunResult.DataFile(split: $0.0, path: $0.1.path, sha256: try FileDigest.sha256(path: $0.1.path), origin: $0.1.origin.rawValue)
            }
        } catch { throw SetupError("\(error)") }
        guard !trainExamples.isEmpty else { throw RunError("\(spec.task): no training examples left after the selection hold-out") }

        // Model
        do { _ = try ModelStore.resolvePath(spec.model) } catch { throw SetupError("\(error)") }
        let loaded: LoadedModel
        do { loaded = try ModelStore.load(spec.model, seed: spec.seed) } catch { throw SetupError("\(error)") }
        guard let tokenizer = loaded.tokenizer else { throw SetupError("model '\(spec.model)' has no tokenizer") }
        let model = loaded.model
        let modelDigest = try loaded.file.map { try FileDigest.sha256(path: $0) }
        // The built-in tiny model has no file; its weights follow from the seed.
        let modelKey = modelDigest ?? "tiny:\(spec.seed)"
        let encoder = try PromptEncoder(definition: definition, tokenizer: tokenizer)
        guard spec.seq + 1 <= model.config.maxPositionEmbeddings else {
            throw RunError("seq \(spec.seq) exceeds the model's \(model.config.maxPositionEmbeddings) positions")
        }

        // Budget: steps, or as many steps of the order as a token budget needs.
        let training = try TrainingSet(examples: trainExamples, encoder: encoder, seq: spec.seq, seed: spec.seed)
        let steps = spec.targetTokens.map { training.steps(toReach: $0, batch: spec.batch, task: spec.task) } ?? spec.steps
        let order = training.order(steps: steps, batch: spec.batch, task: spec.task)
        var orderText = order.map { $0.map(String.init).joined(separator: ",") }.joined(separator: ";")
        orderText += "|" + training.sequences.map { $0.tokens.map(String.init).joined(separator: " ") }.joined(separator: "\n")
        let limit = spec.evalLimit ?? definition.evalLimit ?? evalSource.count
        let evalExamples = Array(evalSource.prefix(limit))
        let choice = try learningRateChoice(spec: spec, options: options)
        let warmup = min(spec.warmupSteps ?? steps / 10, steps)

        var result = RunResult(
            runID: spec.runID, status: .running, spec: spec,
            method: .init(name: spec.method, config: [:], learningRate: choice.value, learningRateChoice: choice, schedule: spec.schedule,
                          warmupSteps: warmup, weightDecay: spec.weightDecay, targetedModules: 0),
            budget: .init(steps: steps, examplesPerStep: spec.batch, maxSequenceLength: spec.seq, seed: spec.seed,
                          orderDigest: FileDigest.sha256(Data(orderText.utf8)), trainingSequences: training.sequences.count,
                          truncatedSequences: training.truncated, evaluationExamples: evalExamples.count,
                          evaluationSplit: spec.evalSplit,
                          decoding: "greedy|max_new_tokens:\(definition.generation.maxNewTokens)|stop:\(definition.generation.stop)",
                          wallClockLimit: spec.wallClockLimit, cutShort: false, stepsRun: 0,
                          targetTokens: spec.targetTokens, trainingExamples: trainExamples.count),
            data: files,
            model: .init(name: spec.model, file: loaded.file, sha256: modelDigest, parameters: model.parameterElementCount),
            environment: .current(), cost: .init(), startedAt: started)
        result.closePhase(\.load, runStarted: clock)

        // Forgetting probes and the base model's NLL on them, before the method changes anything.
        let probes = try forgettingProbes(spec: spec, model: model, tokenizer: tokenizer, modelDigest: modelKey, catalog: catalog,
                                          cacheFolder: options.cacheFolder)
        let baseNLL = try probes.map {
            try Forgetting.cachedNLL(model: model, probe: $0, padID: encoder.eos, modelDigest: modelKey, cacheFolder: options.cacheFolder)
        }
        result.closePhase(\.forgettingBaseline, runStarted: clock)
        return RunPlan(spec: spec, definition: definition, model: model, tokenizer: tokenizer, encoder: encoder,
                       training: training, order: order, evalExamples: evalExamples, scoringResources: scoringResources,
                       probes: probes, baseNLL: baseNLL.map { ($0.mean, $0.tokens) }, result: result, clock: clock)
    }

    /// The learning rate: the spec's number, the method's default, or what a suite selected for `select`.
    private static func learningRateChoice(spec: RunSpec, options: Runner.Options) throws -> LearningRateChoice {
        let rates = try MethodRegistry.method(named: spec.method).learningRates
        switch spec.learningRate {
        case nil: return LearningRateChoice(by: .methodDefault, value: rates.defaultValue, source: rates.source)
        case .value(let v)?: return LearningRateChoice(by: .given, value: v)
        case .select?:
            guard let chosen = options.learningRateChoice else { throw RunError("learning_rate: select, and no rate was selected") }
            return chosen
        }
    }

    private static func forgettingProbes(spec: RunSpec, model: LlamaModel, tokenizer: BPETokenizer, modelDigest: String,
                                         catalog: TaskCatalog, cacheFolder: String) throws -> [ProbeSet] {
        guard spec.forgettingExamples > 0 else { return [] }
        var probes: [ProbeSet] = []
        if let corpus = spec.forgettingCorpus {
            probes.append(try Forgetting.corpusProbe(path: corpus, tokenizer: tokenizer, limit: spec.forgettingExamples, seq: spec.seq))
        } else {
            probes.append(try Forgetting.sampledProbe(model: model, tokenizer: tokenizer, modelDigest: modelDigest, seed: 1234,
                                                      count: spec.forgettingExamples, length: 64, cacheFolder: cacheFolder))
        }
        for other in catalog.definitions where other.name != spec.task {
            let split: LoadedSplit
            do {
                let data = try other.resolve(split: "validation", root: catalog.root)
                split = try other.format.load(data.path, options: other.options)
            } catch { throw SetupError("\(error)") }
            probes.append(try Forgetting.taskProbe(name: other.name, examples: split.examples,
                                                   encoder: try PromptEncoder(definition: other, tokenizer: tokenizer),
                                                   limit: spec.forgettingExamples, seq: spec.seq))
        }
        return probes
    }
}
