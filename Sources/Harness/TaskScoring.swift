import Foundation
import Metrics
import Results

/// The metrics a task definition names, computed through the metric registry over predictions; per-example scores
/// go into the predictions under the metric's name.
public enum TaskScoring {
    /// What scoring needs from disk, loaded before training so that a missing resource stops a run before it
    /// spends its budget.
    public static func resources(for metrics: [String]) throws -> MetricResources {
        do { return try MetricResources.load(for: try metrics.map(MetricRegistry.definition)) } catch { throw RunError("\(error)") }
    }

    /// The corpus scores with their intervals, and each metric's per-example statistics (rows follow the predictions
    /// that have references).
    public static func score(_ metrics: [String], predictions: inout [Prediction], resources: MetricResources) throws
        -> (results: [MetricResult], statistics: [String: SegmentStatistics]) {
        let scored = predictions.indices.filter { !predictions[$0].references.isEmpty }
        guard !scored.isEmpty else { throw RunError("the evaluation split has no references to score against") }
        let input = MetricInput(hypotheses: scored.map { predictions[$0].prediction }, references: scored.map { predictions[$0].references })
        let computed: [String: MetricScores]
        do { computed = try MetricRegistry.compute(metrics, input, resources: resources) } catch { throw RunError("\(error)") }
        var results: [MetricResult] = []
        var statistics: [String: SegmentStatistics] = [:]
        for name in metrics {
            guard let c = computed[name] else { continue }
            statistics[name] = c.statistics
            let definition = try MetricRegistry.definition(name)
            for (k, i) in scored.enumerated() { predictions[i].scores[name] = c.segments[k] }
            let ci = Bootstrap.interval(c.statistics, score: c.corpusScore)
            results.append(MetricResult(name: name, score: c.corpus, ci95: [ci.lower, ci.upper], signature: c.signature,
                                        scale: definition.scale.rawValue, reference: definition.reference))
        }
        for mode in GSM8KAccuracy.Extraction.allCases where metrics.contains("gsm8k-\(mode.rawValue)") {
            for i in scored { predictions[i].extracted[mode.rawValue] = GSM8KAccuracy.extract(predictions[i].prediction, mode) }
        }
        return (results, statistics)
    }

    /// Answer-level correctness for calibration: EM on CoQA, strict accuracy on GSM8K; nil for generation tasks.
    public static func answerCorrect(_ p: Prediction, metrics: [String]) -> Bool? {
        if metrics.contains("gsm8k-strict") { return p.scores["gsm8k-strict"].map { $0 > 0 } }
        if metrics.contains("em") { return p.scores["em"].map { $0 > 0 } }
        return nil
    }
}
