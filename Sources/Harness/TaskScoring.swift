import Foundation
import Metrics

/// A corpus-level score with its bootstrap 95% interval and the signature of its settings.
public struct MetricResult: Codable, Sendable, Equatable {
    public var name: String
    public var score: Double
    public var ci95: [Double]
    public var signature: String
    /// `0-100` or `0-1`, as the reference tool prints it.
    public var scale: String
}

/// The metrics a task definition names, computed over predictions; per-example scores go into the predictions.
public enum TaskScoring {
    /// Metrics named by task definitions that this version does not compute yet.
    public static let pending: Set<String> = ["bleu", "nist", "meteor", "cider"]

    public static func score(_ metrics: [String], predictions: inout [Prediction]) throws -> (results: [MetricResult], unavailable: [String]) {
        var results: [MetricResult] = []
        var unavailable: [String] = []
        func mean(_ xs: [Double]) -> Double { xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count) }
        func meanResult(_ name: String, _ xs: [Double], signature: String, scale: String) -> MetricResult {
            let ci = Bootstrap.interval(segments: xs) { mean($0) }
            return MetricResult(name: name, score: mean(xs), ci95: [ci.lower, ci.upper], signature: signature, scale: scale)
        }
        let scored = predictions.indices.filter { !predictions[$0].references.isEmpty }
        guard !scored.isEmpty else { throw RunError("the evaluation split has no references to score against") }
        for metric in metrics {
            switch metric {
            case "sacrebleu":
                let bleu = BLEU()
                let stats = scored.map { bleu.statistics(hypothesis: predictions[$0].prediction, references: predictions[$0].references) }
                for (k, i) in scored.enumerated() { predictions[i].scores["sentence_bleu"] = BLEU.sentence.score(stats[k]).score }
                let ci = Bootstrap.interval(segments: stats) { bleu.score(segments: $0) }
                let maxRefs = scored.map { predictions[$0].references.count }.max() ?? 1
                results.append(MetricResult(name: "sacrebleu", score: bleu.score(segments: stats), ci95: [ci.lower, ci.upper],
                                            signature: bleu.signature(references: maxRefs), scale: "0-100"))
            case "rouge-l":
                let xs = scored.map { ROUGEL.best(references: predictions[$0].references, candidate: predictions[$0].prediction, summaryLevel: false).fmeasure }
                for (k, i) in scored.enumerated() { predictions[i].scores["rouge_l"] = xs[k] }
                results.append(meanResult("rouge-l", xs, signature: ROUGEL.signature(stem: false), scale: "0-1"))
            case "em", "f1":
                let pairs = scored.map { AnswerOverlap.score(prediction: predictions[$0].prediction, golds: predictions[$0].references) }
                let xs = pairs.map { metric == "em" ? $0.em : $0.f1 }
                for (k, i) in scored.enumerated() { predictions[i].scores[metric] = xs[k] }
                results.append(meanResult(metric, xs, signature: "convention:coqa|golds:leave-one-out", scale: "0-100"))
            case "gsm8k-strict", "gsm8k-flexible":
                let mode: GSM8KAccuracy.Extraction = metric == "gsm8k-strict" ? .strict : .flexible
                var xs: [Double] = []
                for i in scored {
                    let j = GSM8KAccuracy.judge(output: predictions[i].prediction, reference: predictions[i].references[0], mode: mode)
                    predictions[i].scores[metric] = j.correct ? 100 : 0
                    if let e = j.extracted { predictions[i].extracted[mode.rawValue] = e }
                    xs.append(j.correct ? 100 : 0)
                }
                results.append(meanResult(metric, xs, signature: "extract:\(mode.rawValue)|compare:numeric", scale: "0-100"))
            default:
                if pending.contains(metric) { unavailable.append(metric) } else { throw RunError("unknown metric '\(metric)' in the task definition") }
            }
        }
        return (results, unavailable)
    }

    /// Answer-level correctness for calibration: EM on CoQA, strict accuracy on GSM8K; nil for generation tasks.
    public static func answerCorrect(_ p: Prediction, metrics: [String]) -> Bool? {
        if metrics.contains("gsm8k-strict") { return p.scores["gsm8k-strict"].map { $0 > 0 } }
        if metrics.contains("em") { return p.scores["em"].map { $0 > 0 } }
        return nil
    }
}
