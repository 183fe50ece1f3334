import Engine
import Foundation
import Interchange
import Methods
import Results
import Training

/// The second stage: install the method, run the training loop, and fill the loss curve, the status and the
/// training costs.
struct RunTraining {
    var applied: AppliedMethod
    var result: RunResult

    static func run(_ plan: RunPlan, options: Runner.Options, checkpoint: (RunResult) throws -> Void) throws -> RunTraining {
        let spec = plan.spec
        var result = plan.result
        let steps = result.budget.steps
        let applied: AppliedMethod
        do {
            let tokenizer = plan.tokenizer
            let context = MethodContext(seed: spec.seed, tokenize: { tokenizer.encode($0) })
            if let adapter = spec.adapter {
                let imported = try PEFTAdapter.load(from: adapter, into: plan.model, context: context)
                guard imported.method == spec.method else {
                    throw RunError("\(adapter): the adapter is \(imported.method), the run names method \(spec.method)")
                }
                applied = imported.applied
                result.adapter = .init(path: adapter, layout: imported.layout, sha256: try PEFTAdapter.digest(adapter),
                                       notes: imported.notes)
            } else {
                let overrides = try MethodRegistry.withRunLength(spec.params, method: spec.method, steps: steps)
                applied = try MethodRegistry.apply(spec.method, to: plan.model, overrides: overrides, context: context)
            }
        } catch let error as RunError { throw error } catch { throw RunError("\(error)") }
        result.method.config = applied.config
        result.method.targetedModules = applied.targetedModules.count
        let trainable = applied.trainable.reduce(0) { $0 + $1.count }
        result.cost.trainableParameters = trainable
        result.cost.trainablePercent = 100 * Double(trainable) / Double(plan.model.parameterElementCount)
        try checkpoint(result)

        let trainer = Trainer(model: plan.model, settings: .init(
            schedule: LearningRateSchedule(kind: LearningRateSchedule.Kind(rawValue: spec.schedule)!, peak: result.method.learningRate,
                                           warmupSteps: result.method.warmupSteps, totalSteps: steps),
            optimizer: AdamW.Settings(weightDecay: spec.weightDecay)))
        trainer.hooks = applied.hooks
        var loop = TrainingLoop(trainer: trainer, wallClockLimit: spec.wallClockLimit)
        loop.shouldStop = options.shouldStop
        // The peak reported is training's and evaluation's, not the Float32 load a quantizing method then releases.
        _ = ProcessStats.resetPeakRSS()
        GEMM.resetFLOPCounter()
        let training = plan.training, order = plan.order, padID = plan.encoder.eos
        let rule = StepBatching.lengthGrouped
        var padding = TrainingPadding(rule: rule.rawValue)
        result.closePhase(\.setup, runStarted: plan.clock)
        let outcome = loop.run(steps: steps, batch: { i in
            (training.microBatches(order[i], padID: padID, rule: rule, padding: &padding),
             order[i].reduce(0) { $0 + training.sequences[$1].tokens.count })
        }) { event in
            switch event {
            case let .step(report, tokens, elapsed):
                options.onEvent(.step(step: report.step + 1, steps: steps, loss: report.loss,
                                      tokensPerSecond: Double(tokens) / max(1e-9, elapsed), elapsed: elapsed))
            case let .diverged(step, _):
                options.onEvent(.diverged(step: step))
            case let .stopped(ending, step):
                options.onEvent(.stopped(reason: ending.rawValue, step: step))
            }
        }
        result.lossCurve = outcome.losses.enumerated().map { .init(step: $0.offset + 1, loss: $0.element.loss, learningRate: $0.element.learningRate) }
        result.budget.stepsRun = outcome.stepsRun
        result.budget.examplesSeen = order.prefix(outcome.stepsRun).reduce(0) { $0 + $1.count }
        result.budget.targetTokensSeen = order.prefix(outcome.stepsRun).reduce(0) { $0 + training.targetTokens($1) }
        result.budget.padding = padding
        switch outcome.ending {
        case .completed: break
        case .diverged:
            result.status = .diverged
            let loss = outcome.divergedLoss ?? .nan
            result.error = "the loss or gradient turned \(loss.isNaN ? "NaN" : "infinite") at step \(outcome.stepsRun); training stopped"
        case .wallClock: result.budget.cutShort = true
        case .interrupted: throw RunInterrupted()
        }
        result.cost.trainingSeconds = outcome.seconds
        result.cost.trainingTokens = outcome.tokens
        result.cost.tokensPerSecond = Double(outcome.tokens) / max(1e-9, outcome.seconds)
        result.cost.trainingFLOPs = GEMM.executedFLOPs
        if result.status == .diverged { result.cost.peakRSSBytes = ProcessStats.peakRSSBytes }
        result.closePhase(\.training, runStarted: plan.clock)
        return RunTraining(applied: applied, result: result)
    }
}
