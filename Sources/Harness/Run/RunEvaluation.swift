import Engine
import Foundation
import Methods
import Metrics

/// The third stage: generate on the evaluation examples, score them with the task's metrics, and measure
/// calibration and forgetting.
struct RunEvaluation {
    var predictions: [Prediction]
    var result: RunResult

    static func run(_ plan: RunPlan, trained: RunTraining, options: Runner.Options) throws -> RunEvaluation {
        var result = trained.result
        let model = plan.model, encoder = plan.encoder, examples = plan.evalExamples, seq = plan.spec.seq
        let clock = Stopwatch()
        // Evaluated as deployed: a mergeable adapter folded into its base weights (DoRA would otherwise recompute
        // every adapted weight and its norms at each generated token), and unfolded after, so that the saved
        // adapter and model are what training left.
        let merged = Merging.merge(model)
        defer { Merging.unmerge(model) }
        result.method.mergedForEvaluation = merged
        if plan.spec.isSelectionRun {
            // A proxy run: the held-out loss that picks the learning rate, and nothing that costs generation.
            let probe = try Forgetting.taskProbe(name: "selection", examples: examples, encoder: encoder, limit: examples.count, seq: seq)
            let loss = Forgetting.nll(model: model, probe: probe, padID: encoder.eos)
            result.heldOutLoss = HeldOutLoss(mean: loss.mean, tokens: loss.tokens, examples: probe.sequences.count,
                                             data: plan.definition.selectionData.summary)
            result.cost.evaluationSeconds = clock.seconds
            result.cost.peakRSSBytes = ProcessStats.peakRSSBytes
            return RunEvaluation(predictions: [], result: result)
        }
        var predictions = try Evaluation.generate(model: model, encoder: encoder, examples: examples, seq: seq,
                                                  batch: plan.spec.evalBatch) { done in
            if options.shouldStop() { throw RunInterrupted() }
            options.onEvent(.evaluating(done: done, total: examples.count))
        }
        let metrics = plan.definition.metrics
        result.metrics = try TaskScoring.score(metrics, predictions: &predictions, resources: plan.scoringResources)
        let answerPairs = predictions.compactMap { p in TaskScoring.answerCorrect(p, metrics: metrics).map { (p.confidence, $0) } }
        let tokenPairs = try TokenCalibration.pairs(model: model, encoder: encoder, examples: examples, seq: seq)
        result.calibration = .init(
            answerLevel: answerPairs.isEmpty ? nil : Calibration(confidences: answerPairs.map(\.0), correct: answerPairs.map(\.1)),
            tokenLevel: tokenPairs.confidences.isEmpty ? nil : Calibration(confidences: tokenPairs.confidences, correct: tokenPairs.correct))
        result.forgetting = zip(plan.probes, plan.baseNLL).map { probe, base in
            let tuned = Forgetting.nll(model: model, probe: probe, padID: encoder.eos)
            return ForgettingResult(probe: probe.name, baseNLL: base.mean, tunedNLL: tuned.mean, delta: tuned.mean - base.mean, tokens: tuned.tokens)
        }
        result.cost.evaluationSeconds = clock.seconds
        result.cost.peakRSSBytes = ProcessStats.peakRSSBytes
        return RunEvaluation(predictions: predictions, result: result)
    }
}
