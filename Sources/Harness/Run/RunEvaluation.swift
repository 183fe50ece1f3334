import Engine
import Foundation
import Methods
import Metrics
import Results

/// The third stage: generate on the evaluation examples, score them with the task's metrics, and measure
/// calibration and forgetting.
struct RunEvaluation {
    var predictions: [Prediction]
    var statistics: ExampleStatistics?
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
            result.closePhase(\.evaluation, runStarted: plan.clock)
            return RunEvaluation(predictions: [], statistics: nil, result: result)
        }
        let generation = Stopwatch()
        var predictions = try Evaluation.generate(model: model, encoder: encoder, examples: examples, seq: seq,
                                                  batch: plan.spec.evalBatch) { done in
            if options.shouldStop() { throw RunInterrupted() }
            options.onEvent(.evaluating(done: done, total: examples.count))
        }
        result.cost.generationSeconds = generation.seconds
        result.cost.generatedTokens = predictions.reduce(0) { $0 + $1.logProbs.count }
        let metrics = plan.definition.metrics
        let scored = try TaskScoring.score(metrics, predictions: &predictions, resources: plan.scoringResources)
        result.metrics = scored.results
        result.closePhase(\.evaluation, runStarted: plan.clock)
        let withReferences = predictions.filter { !$0.references.isEmpty }
        var statistics = ExampleStatistics(examples: withReferences.map(\.id), metrics: scored.statistics.mapValues(ExampleStatistics.Table.init))
        let answerPairs = withReferences.map { p in TaskScoring.answerCorrect(p, metrics: metrics).map { (p.confidence, $0) } }
        let tokenPairs = try TokenCalibration.pairs(model: model, encoder: encoder, examples: examples, seq: seq)
        let answers = answerPairs.compactMap { $0 }, tokens = tokenPairs.flatMap { $0 }
        result.calibration = .init(
            answerLevel: answers.isEmpty ? nil : Calibration(confidences: answers.map(\.0), correct: answers.map(\.1)),
            tokenLevel: tokens.isEmpty ? nil : Calibration(confidences: tokens.map(\.confidence), correct: tokens.map(\.correct)))
        if !answers.isEmpty {
            statistics.calibration["answer-ece"] = rows(answerPairs.map { $0.map { [(confidence: $0.0, correct: $0.1)] } ?? [] })
        }
        if !tokens.isEmpty { statistics.calibration["token-ece"] = rows(tokenPairs) }
        result.closePhase(\.calibration, runStarted: plan.clock)
        result.forgetting = zip(plan.probes, plan.baseNLL).map { probe, base in
            let each = Forgetting.sequenceNLL(model: model, probe: probe, padID: encoder.eos)
            var table = SegmentStatistics(width: 2)
            for s in each { table.append([s.sum - base.mean * Double(s.tokens), Double(s.tokens)]) }
            statistics.forgetting[probe.name] = ExampleStatistics.Table(table)
            let sum = each.reduce(0) { $0 + $1.sum }, count = each.reduce(0) { $0 + $1.tokens }
            let tuned = count > 0 ? sum / Double(count) : 0
            return ForgettingResult(probe: probe.name, baseNLL: base.mean, tunedNLL: tuned, delta: tuned - base.mean, tokens: count)
        }
        result.cost.evaluationSeconds = clock.seconds
        result.cost.peakRSSBytes = ProcessStats.peakRSSBytes
        result.closePhase(\.forgetting, runStarted: plan.clock)
        return RunEvaluation(predictions: predictions, statistics: statistics, result: result)
    }

    /// Calibration statistics, one row per example.
    private static func rows(_ perExample: [[(confidence: Double, correct: Bool)]]) -> ExampleStatistics.Table {
        var table = SegmentStatistics(width: 45)
        for pairs in perExample { table.append(ExampleStatistics.calibrationRow(pairs)) }
        return ExampleStatistics.Table(table)
    }
}
