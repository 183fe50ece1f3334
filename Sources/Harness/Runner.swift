import Checkpoints
import Engine
import Foundation
import Methods
import Metrics
import Model
import Tasks
import Tokenizer
import Training

/// One method on one task under a fixed budget: train, evaluate, measure calibration, forgetting and cost, and
/// leave `result.json`, `predictions.jsonl` and the adapter in `<out>/<run id>/`.
public final class Runner {
    public struct Options {
        public var tasksFolder = "tasks"
        public var outFolder = "runs"
        /// Re-run even when a completed result exists.
        public var force = false
        public var cacheFolder: String
        public var log: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        /// Rewrite one progress line in place (a terminal) instead of logging lines.
        public var interactive = false
        /// Also write every parameter of the tuned model (`model.safetensors`), for full fine-tuning above all.
        public var saveModel = false

        public init(cacheFolder: String) { self.cacheFolder = cacheFolder }
    }

    public let spec: RunSpec
    public let options: Options

    public init(spec: RunSpec, options: Options) {
        self.spec = spec
        self.options = options
    }

    public var folder: String { (options.outFolder as NSString).appendingPathComponent(spec.runID) }

    /// Runs (or finds the completed run of this spec) and returns its result. A failure is recorded in
    /// `result.json` as `failed` before it is thrown.
    @discardableResult
    public func run() throws -> RunResult {
        try spec.validate()
        if !options.force, let done = try? RunFiles.readResult(folder: folder), done.status == .completed {
            options.log("\(spec.runID): already completed, kept (pass --force to run again)")
            return done
        }
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw RunError("\(folder): cannot create the run folder (\(error.localizedDescription))")
        }
        var partial: RunResult?
        do {
            return try execute { partial = $0 }
        } catch {
            if var failed = partial {
                failed.status = .failed
                failed.error = "\(error)"
                failed.finishedAt = Self.timestamp()
                try? RunFiles.writeResult(failed, folder: folder)
            } else if (try? FileManager.default.contentsOfDirectory(atPath: folder))?.isEmpty == true {
                // Failed before there was anything to record (an unknown task, unreadable data): no empty run folder.
                try? FileManager.default.removeItem(atPath: folder)
            }
            throw error
        }
    }

    static func timestamp() -> String { ISO8601DateFormatter().string(from: Date()) }

    private func execute(_ checkpoint: (RunResult) -> Void) throws -> RunResult {
        let started = Self.timestamp()
        let catalog = try TaskCatalog(folder: options.tasksFolder)
        let definition = try catalog.definition(spec.task)
        do { _ = try MethodRegistry.method(named: spec.method) } catch { throw RunError("\(error)") }
        let scoringResources = try TaskScoring.resources(for: definition.metrics)

        // Data
        let trainData = try definition.resolve(split: "train", root: catalog.root)
        let evalData = try definition.resolve(split: spec.evalSplit, root: catalog.root)
        let trainSplit = try definition.format.load(trainData.path, options: definition.options)
        let evalSplit = try definition.format.load(evalData.path, options: definition.options)
        let files = try [("train", trainData), (spec.evalSplit, evalData)].map {
            RunResult.DataFile(split: $0.0, path: $0.1.path, sha256: try FileDigest.sha256(path: $0.1.path), origin: $0.1.origin.rawValue)
        }

        // Model
        let loaded: LoadedModel
        do { loaded = try ModelStore.load(spec.model, seed: spec.seed) } catch { throw RunError("\(error)") }
        guard let tokenizer = loaded.tokenizer else { throw RunError("model '\(spec.model)' has no tokenizer") }
        let model = loaded.model
        let modelDigest = try loaded.file.map { try FileDigest.sha256(path: $0) }
        // The built-in tiny model has no file; its weights follow from the seed.
        let modelKey = modelDigest ?? "tiny:\(spec.seed)"
        let encoder = try PromptEncoder(definition: definition, tokenizer: tokenizer)
        guard spec.seq + 1 <= model.config.maxPositionEmbeddings else {
            throw RunError("seq \(spec.seq) exceeds the model's \(model.config.maxPositionEmbeddings) positions")
        }

        // Budget
        let training = try TrainingSet(examples: trainSplit.examples, encoder: encoder, seq: spec.seq, seed: spec.seed)
        let order = training.order(steps: spec.steps, batch: spec.batch, task: spec.task)
        var orderText = order.map { $0.map(String.init).joined(separator: ",") }.joined(separator: ";")
        orderText += "|" + training.sequences.map { $0.tokens.map(String.init).joined(separator: " ") }.joined(separator: "\n")
        let limit = spec.evalLimit ?? definition.evalLimit ?? evalSplit.examples.count
        let evalExamples = Array(evalSplit.examples.prefix(limit))
        let learningRate = spec.learningRate ?? MethodDefaults.learningRate(spec.method)
        let warmup = spec.warmupSteps ?? spec.steps / 10

        var result = RunResult(
            runID: spec.runID, status: .running, spec: spec,
            method: .init(name: spec.method, config: [:], learningRate: learningRate, schedule: spec.schedule,
                          warmupSteps: warmup, weightDecay: spec.weightDecay, targetedModules: 0),
            budget: .init(steps: spec.steps, examplesPerStep: spec.batch, maxSequenceLength: spec.seq, seed: spec.seed,
                          orderDigest: FileDigest.sha256(Data(orderText.utf8)), trainingSequences: training.sequences.count,
                          truncatedSequences: training.truncated, evaluationExamples: evalExamples.count,
                          evaluationSplit: spec.evalSplit,
                          decoding: "greedy|max_new_tokens:\(definition.generation.maxNewTokens)|stop:\(definition.generation.stop)",
                          wallClockLimit: spec.wallClockLimit, cutShort: false, stepsRun: 0),
            data: files,
            model: .init(name: spec.model, file: loaded.file, sha256: modelDigest, parameters: model.parameterElementCount),
            environment: .current(), cost: .init(), startedAt: started)
        checkpoint(result)

        // Forgetting probes and the base model's NLL on them, before the method changes anything.
        let probes = try forgettingProbes(model: model, tokenizer: tokenizer, modelDigest: modelKey, catalog: catalog)
        let baseNLL = try probes.map {
            try Forgetting.cachedNLL(model: model, probe: $0, padID: encoder.eos, modelDigest: modelKey, cacheFolder: options.cacheFolder)
        }

        // Method
        let applied: AppliedMethod
        do {
            let overrides = try MethodRegistry.withRunLength(spec.params, method: spec.method, steps: spec.steps)
            applied = try MethodRegistry.apply(spec.method, to: model, overrides: overrides,
                                               context: MethodContext(seed: spec.seed, tokenize: { tokenizer.encode($0) }))
        } catch { throw RunError("\(error)") }
        result.method.config = applied.config
        result.method.targetedModules = applied.targetedModules.count
        let trainable = applied.trainable.reduce(0) { $0 + $1.count }
        result.cost.trainableParameters = trainable
        result.cost.trainablePercent = 100 * Double(trainable) / Double(model.parameterElementCount)
        try RunFiles.writeResult(result, folder: folder)
        checkpoint(result)

        // Training
        let trainer = Trainer(model: model, settings: .init(
            schedule: LearningRateSchedule(kind: LearningRateSchedule.Kind(rawValue: spec.schedule)!, peak: learningRate,
                                           warmupSteps: warmup, totalSteps: spec.steps),
            optimizer: AdamW.Settings(weightDecay: spec.weightDecay)))
        trainer.hooks = applied.hooks
        // The peak reported is training's and evaluation's, not the Float32 load a quantizing method then releases.
        _ = ProcessStats.resetPeakRSS()
        GEMM.resetFLOPCounter()
        let clock = Stopwatch()
        var tokens = 0
        let logEvery = max(1, spec.steps / 20)
        for (index, step) in order.enumerated() {
            let report = trainer.step([training.batch(step, padID: encoder.eos)])
            tokens += step.reduce(0) { $0 + training.sequences[$1].tokens.count }
            result.lossCurve.append(.init(step: index + 1, loss: report.loss, learningRate: report.learningRate))
            result.budget.stepsRun = index + 1
            if report.diverged {
                result.status = .diverged
                result.error = "the loss or gradient turned \(report.loss.isNaN ? "NaN" : "infinite") at step \(index + 1); training stopped"
                options.log("\(spec.runID): diverged at step \(index + 1)")
                break
            }
            let elapsed = clock.seconds
            progress(step: index + 1, loss: report.loss, tokens: tokens, elapsed: elapsed, every: logEvery)
            if let cap = spec.wallClockLimit, elapsed >= cap, index + 1 < spec.steps {
                result.budget.cutShort = true
                options.log("\(spec.runID): wall-clock limit reached after \(index + 1) of \(spec.steps) steps")
                break
            }
        }
        if options.interactive { FileHandle.standardError.write(Data("\n".utf8)) }
        result.cost.trainingSeconds = clock.seconds
        result.cost.trainingTokens = tokens
        result.cost.tokensPerSecond = Double(tokens) / max(1e-9, result.cost.trainingSeconds)
        result.cost.trainingFLOPs = GEMM.executedFLOPs
        checkpoint(result)
        if result.status == .diverged {
            // Nothing trained is worth evaluating; the record of where it went wrong is the result.
            result.cost.peakRSSBytes = ProcessStats.peakRSSBytes
            result.finishedAt = Self.timestamp()
            try RunFiles.writeResult(result, folder: folder)
            return result
        }

        // Evaluation
        let evalClock = Stopwatch()
        var predictions = try Evaluation.generate(model: model, encoder: encoder, examples: evalExamples, seq: spec.seq,
                                                  batch: spec.evalBatch) { done in
            if self.options.interactive {
                FileHandle.standardError.write(Data("\rgenerating \(done)/\(evalExamples.count)".utf8))
            }
        }
        if options.interactive { FileHandle.standardError.write(Data("\n".utf8)) }
        result.metrics = try TaskScoring.score(definition.metrics, predictions: &predictions, resources: scoringResources)
        let answerPairs = predictions.compactMap { p in TaskScoring.answerCorrect(p, metrics: definition.metrics).map { (p.confidence, $0) } }
        let tokenPairs = try TokenCalibration.pairs(model: model, encoder: encoder, examples: evalExamples, seq: spec.seq)
        result.calibration = .init(
            answerLevel: answerPairs.isEmpty ? nil : Calibration(confidences: answerPairs.map(\.0), correct: answerPairs.map(\.1)),
            tokenLevel: tokenPairs.confidences.isEmpty ? nil : Calibration(confidences: tokenPairs.confidences, correct: tokenPairs.correct))
        result.forgetting = zip(probes, baseNLL).map { probe, base in
            let tuned = Forgetting.nll(model: model, probe: probe, padID: encoder.eos)
            return ForgettingResult(probe: probe.name, baseNLL: base.mean, tunedNLL: tuned.mean, delta: tuned.mean - base.mean, tokens: tuned.tokens)
        }
        result.cost.evaluationSeconds = evalClock.seconds
        result.cost.peakRSSBytes = ProcessStats.peakRSSBytes

        // Files
        if spec.method != "full" { result.cost.adapterBytes = try saveAdapter(applied) }
        if options.saveModel {
            let tensors = model.parameters.map { p in (name: p.name, shape: p.shape, values: UnsafeBufferPointer(start: p.value.pointer, count: p.count)) }
            do {
                try SafetensorsWriter.write(tensors, metadata: ["format": "pt", "method": spec.method],
                                            to: (folder as NSString).appendingPathComponent("model.safetensors"))
            } catch { throw RunError("\(error)") }
        }
        try RunFiles.writePredictions(predictions, folder: folder)
        if result.status == .running { result.status = .completed }
        result.finishedAt = Self.timestamp()
        try RunFiles.writeResult(result, folder: folder)
        options.log("\(spec.runID): \(result.status.rawValue); " + result.metrics.map { String(format: "%@ %.2f", $0.name, $0.score) }.joined(separator: ", "))
        return result
    }

    private func progress(step: Int, loss: Double, tokens: Int, elapsed: Double, every: Int) {
        let rate = Double(tokens) / max(1e-9, elapsed)
        let eta = elapsed / Double(step) * Double(spec.steps - step)
        let line = String(format: "step %d/%d  loss %.4f  %.0f tok/s  ETA %.0fs", step, spec.steps, loss, rate, eta)
        if options.interactive {
            FileHandle.standardError.write(Data(("\r" + line + "   ").utf8))
        } else if step % every == 0 || step == spec.steps {
            options.log("\(spec.runID): \(line)")
        }
    }

    private func forgettingProbes(model: LlamaModel, tokenizer: BPETokenizer, modelDigest: String, catalog: TaskCatalog) throws -> [ProbeSet] {
        guard spec.forgettingExamples > 0 else { return [] }
        var probes: [ProbeSet] = []
        if let corpus = spec.forgettingCorpus {
            probes.append(try Forgetting.corpusProbe(path: corpus, tokenizer: tokenizer, limit: spec.forgettingExamples, seq: spec.seq))
        } else {
            probes.append(try Forgetting.sampledProbe(model: model, tokenizer: tokenizer, modelDigest: modelDigest, seed: 1234,
                                                      count: spec.forgettingExamples, length: 64, cacheFolder: options.cacheFolder))
        }
        for other in catalog.definitions where other.name != spec.task {
            let data = try other.resolve(split: "validation", root: catalog.root)
            let split = try other.format.load(data.path, options: other.options)
            probes.append(try Forgetting.taskProbe(name: other.name, examples: split.examples,
                                                   encoder: try PromptEncoder(definition: other, tokenizer: tokenizer),
                                                   limit: spec.forgettingExamples, seq: spec.seq))
        }
        return probes
    }

    /// The adapter goes to a temporary folder first and is renamed into place whole.
    private func saveAdapter(_ applied: AppliedMethod) throws -> Int {
        let target = (folder as NSString).appendingPathComponent("adapter")
        let temporary = (folder as NSString).appendingPathComponent(".adapter.partial-\(getpid())")
        let fm = FileManager.default
        try? fm.removeItem(atPath: temporary)
        do {
            try AdapterFile.save(applied, to: temporary)
            try? fm.removeItem(atPath: target)
            try fm.moveItem(atPath: temporary, toPath: target)
        } catch {
            try? fm.removeItem(atPath: temporary)
            throw RunError("\(target): cannot save the adapter (\(error))")
        }
        let names = (try? fm.contentsOfDirectory(atPath: target)) ?? []
        return names.reduce(0) { total, name in
            total + ((try? fm.attributesOfItem(atPath: (target as NSString).appendingPathComponent(name))[.size] as? Int) ?? 0)
        }
    }
}
