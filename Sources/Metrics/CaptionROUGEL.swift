/// ROUGE-L as the COCO caption evaluation code computes it (`pycocoevalcap`'s `Rouge`, the ROUGE_L of the E2E and
/// WebNLG scripts): already tokenized text split on single spaces, the LCS with each reference, the best precision
/// and the best recall over the references (taken separately, not from one reference), F with β = 1.2; the corpus
/// score is the mean over segments. Unlike rouge-score's ROUGE-L, there is no tokenizer of its own and no
/// lower-casing: the caller's tokenization decides.
public enum CaptionROUGEL {
    public static let beta = 1.2
    public static let signature = "tok:given|split:space|beta:1.2|multi:max-p,max-r|version:peftbench-1"

    public static func score(candidate: String, references: [String]) -> Double {
        precondition(!references.isEmpty, "at least one reference")
        // Single spaces split, empty pieces kept: an empty string is one empty token, as in the reference.
        let c = candidate.split(separator: " ", omittingEmptySubsequences: false).map(ExactText.init)
        var bestPrecision = 0.0, bestRecall = 0.0
        for reference in references {
            let r = reference.split(separator: " ", omittingEmptySubsequences: false).map(ExactText.init)
            let lcs = Double(ROUGEL.table(r, c)[r.count][c.count])
            bestPrecision = max(bestPrecision, lcs / Double(c.count))
            bestRecall = max(bestRecall, lcs / Double(r.count))
        }
        guard bestPrecision != 0 && bestRecall != 0 else { return 0 }
        return (1 + beta * beta) * bestPrecision * bestRecall / (bestRecall + beta * beta * bestPrecision)
    }

    public static func corpus(hypotheses: [String], references: [[String]]) -> (corpus: Double, segments: [Double]) {
        precondition(hypotheses.count == references.count, "one reference set per hypothesis")
        let segments = zip(hypotheses, references).map { score(candidate: $0, references: $1) }
        return (segments.isEmpty ? 0 : segments.reduce(0, +) / Double(segments.count), segments)
    }
}
