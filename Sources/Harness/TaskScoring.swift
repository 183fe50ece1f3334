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
    /// The E2E script's metrics (`bleu`, `nist`, `meteor`, `rouge-l`, `cider` in task definitions), computed together.
    public static let e2eFamily: Set<String> = ["bleu", "nist", "meteor", "rouge-l", "cider"]
    public static let known: Set<String> = e2eFamily.union(["sacrebleu", "em", "f1", "gsm8k-strict", "gsm8k-flexible"])

    /// What scoring needs from disk, loaded before training so that a missing resource stops a run before it
    /// spends its budget.
    public struct Resources: Sendable {
        var meteor: METEORResources?

        public static func load(for metrics: [String]) throws -> Resources {
            for m in metrics where !known.contains(m) { throw RunError("unknown metric '\(m)' in the task definition") }
            // The E2E family is computed in one pass, METEOR included.
            guard metrics.contains(where: e2eFamily.contains) else { return Resources(meteor: nil) }
            do { return Resources(meteor: try METEORResources()) } catch { throw RunError("\(error)") }
        }
    }

    public static func score(_ metrics: [String], predictions: inout [Prediction], resources: Resources) throws -> [MetricResult] {
        var results: [MetricResult] = []
        func mean(_ xs: [Double]) -> Double { xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count) }
        func meanResult(_ name: String, _ xs: [Double], signature: String, scale: String) -> MetricResult {
            let ci = Bootstrap.interval(segments: xs) { mean($0) }
            return MetricResult(name: name, score: mean(xs), ci95: [ci.lower, ci.upper], signature: signature, scale: scale)
        }
        let scored = predictions.indices.filter { !predictions[$0].references.isEmpty }
        guard !scored.isEmpty else { throw RunError("the evaluation split has no references to score against") }
        let e2e = try e2eScores(metrics, predictions: &predictions, indices: scored, resources: resources)
        for metric in metrics {
            if let r = e2e[metric] { results.append(r); continue }
            switch metric {
            case "sacrebleu":
                let bleu = BLEU()
                let stats = bleu.segmentStatistics(scored.map { (predictions[$0].prediction, predictions[$0].references) })
                for (k, i) in scored.enumerated() { predictions[i].scores["sentence_bleu"] = BLEU.sentence.score(stats[k]).score }
                let ci = Bootstrap.interval(segments: stats) { bleu.score(segments: $0) }
                let maxRefs = scored.map { predictions[$0].references.count }.max() ?? 1
                results.append(MetricResult(name: "sacrebleu", score: bleu.score(segments: stats), ci95: [ci.lower, ci.upper],
                                            signature: bleu.signature(references: maxRefs), scale: "0-100"))
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
                throw RunError("unknown metric '\(metric)' in the task definition")
            }
        }
        return results
    }

    /// The E2E family in one pass (one tokenization, one METEOR alignment per segment), each with its bootstrap
    /// interval over resampled segments; per-example scores go into the predictions.
    static func e2eScores(_ metrics: [String], predictions: inout [Prediction], indices: [Int], resources: Resources) throws -> [String: MetricResult] {
        let wanted = metrics.filter { e2eFamily.contains($0) }
        guard !wanted.isEmpty else { return [:] }
        guard let meteorResources = resources.meteor else { throw RunError("METEOR 1.5's resources were not loaded") }
        let hyps = indices.map { predictions[$0].prediction.trimmingCharacters(in: .whitespaces) }
        let refs = indices.map { predictions[$0].references }
        let (scores, segments) = try E2EMetrics(meteorResources: meteorResources).score(hypotheses: hyps, references: refs)
        for (k, i) in indices.enumerated() {
            predictions[i].scores["bleu"] = MTEval.bleu(segments.mteval[k])
            predictions[i].scores["meteor"] = segments.meteor[k].score
            predictions[i].scores["rouge_l"] = segments.rougeL[k]
            predictions[i].scores["cider"] = segments.cider[k]
        }
        func interval<S>(_ xs: [S], _ f: ([S]) -> Double) -> [Double] {
            let ci = Bootstrap.interval(segments: xs, score: f)
            return [ci.lower, ci.upper]
        }
        func mean(_ xs: [Double]) -> Double { xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count) }
        var out: [String: MetricResult] = [:]
        for m in wanted {
            switch m {
            case "bleu":
                out[m] = MetricResult(name: m, score: scores.BLEU, ci95: interval(segments.mteval) { MTEval.bleu(MTEval.sum($0)) },
                                      signature: MTEval().signature, scale: "0-1")
            case "nist":
                out[m] = MetricResult(name: m, score: scores.NIST, ci95: interval(segments.mteval) { MTEval.nist(MTEval.sum($0)) },
                                      signature: MTEval().signature, scale: "0-∞")
            case "meteor":
                out[m] = MetricResult(name: m, score: scores.METEOR, ci95: interval(segments.meteor, METEOR.corpus),
                                      signature: "tok:ptb+lc+nopunct|" + METEOR.signature, scale: "0-1")
            case "rouge-l":
                out[m] = MetricResult(name: m, score: scores.ROUGE_L, ci95: interval(segments.rougeL, mean),
                                      signature: "tok:ptb+lc+nopunct|" + CaptionROUGEL.signature, scale: "0-1")
            default:
                out[m] = MetricResult(name: m, score: scores.CIDEr, ci95: interval(segments.cider, mean),
                                      signature: "tok:ptb+lc+nopunct|" + CIDEr().signature, scale: "0-10")
            }
        }
        return out
    }

    /// Answer-level correctness for calibration: EM on CoQA, strict accuracy on GSM8K; nil for generation tasks.
    public static func answerCorrect(_ p: Prediction, metrics: [String]) -> Bool? {
        if metrics.contains("gsm8k-strict") { return p.scores["gsm8k-strict"].map { $0 > 0 } }
        if metrics.contains("em") { return p.scores["em"].map { $0 > 0 } }
        return nil
    }
}
