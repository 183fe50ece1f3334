import Foundation

/// CIDEr-D as the COCO caption evaluation code computes it (`pycocoevalcap`'s `Cider`, which the E2E and WebNLG
/// scripts call): TF-IDF vectors of 1- to 4-grams, document frequencies over the reference sets of the whole corpus,
/// per-order cosine similarity with the hypothesis counts clipped to the reference's, a Gaussian penalty (σ = 6) on
/// the length difference, averaged over orders and references, ×10, and the corpus score the mean over segments.
///
/// Input is already tokenized: tokens are split on whitespace, as the reference splits its tokenized strings. Two
/// of its quirks are kept because the published numbers depend on them: the "length" in the penalty counts bigrams,
/// and an n-gram no reference set contains gets document frequency 1 (idf log N).
public struct CIDEr: Sendable {
    public var maxOrder = 4
    public var sigma = 6.0

    public init(maxOrder: Int = 4, sigma: Double = 6.0) {
        self.maxOrder = maxOrder
        self.sigma = sigma
    }

    public var signature: String { "n:\(maxOrder)|sigma:\(sigma)|clip:yes|tok:whitespace|version:peftbench-1" }

    /// N-gram counts of one tokenized string (split as Python's `str.split()` splits), keyed by the n-gram's tokens
    /// joined with a separator no token holds.
    func counts(_ text: String) -> [ExactText: Int] {
        let words = PythonText.split(text).map(String.init)
        var out: [ExactText: Int] = [:]
        for k in 1...maxOrder where words.count >= k {
            for i in 0...(words.count - k) { out[ExactText(words[i..<(i + k)].joined(separator: "\u{1}")), default: 0] += 1 }
        }
        return out
    }

    static func order(_ key: ExactText) -> Int { key.text.utf8.reduce(1) { $0 + ($1 == 1 ? 1 : 0) } }

    struct Vector {
        var weights: [[ExactText: Double]]
        /// Each order's n-grams in byte order: sums over them then run in one order in every process (a Dictionary's
        /// order changes from process to process, and with it a sum's last bits).
        var keys: [[ExactText]]
        var norms: [Double]
        var bigrams: Int
    }

    /// Per-segment scores and their mean.
    public func score(hypotheses: [String], references: [[String]]) -> (corpus: Double, segments: [Double]) {
        precondition(hypotheses.count == references.count, "one reference set per hypothesis")
        guard !hypotheses.isEmpty else { return (0, []) }
        let refCounts = references.map { $0.map(counts) }
        var documentFrequency: [ExactText: Double] = [:]
        for set in refCounts {
            var seen = Set<ExactText>()
            for ref in set { for key in ref.keys where seen.insert(key).inserted { documentFrequency[key, default: 0] += 1 } }
        }
        let logDocuments = Foundation.log(Double(references.count))
        func vector(_ c: [ExactText: Int]) -> Vector {
            var v = Vector(weights: Array(repeating: [:], count: maxOrder), keys: Array(repeating: [], count: maxOrder),
                           norms: Array(repeating: 0, count: maxOrder), bigrams: 0)
            for key in c.keys.sorted(by: { $0.text.utf8.lexicographicallyPrecedes($1.text.utf8) }) {
                let tf = c[key]!
                let n = Self.order(key) - 1
                let w = Double(tf) * (logDocuments - Foundation.log(max(1, documentFrequency[key] ?? 0)))
                v.weights[n][key] = w
                v.keys[n].append(key)
                v.norms[n] += w * w
                if n == 1 { v.bigrams += tf }
            }
            v.norms = v.norms.map { $0.squareRoot() }
            return v
        }
        var segments: [Double] = []
        for (i, hypothesis) in hypotheses.enumerated() {
            let h = vector(counts(hypothesis))
            var total = 0.0
            for refCount in refCounts[i] {
                let r = vector(refCount)
                let delta = Double(h.bigrams - r.bigrams)
                let penalty = Foundation.exp(-(delta * delta) / (2 * sigma * sigma))
                var orders = 0.0
                for n in 0..<maxOrder {
                    var value = 0.0
                    for key in h.keys[n] {
                        let w = h.weights[n][key]!, rw = r.weights[n][key] ?? 0
                        value += min(w, rw) * rw
                    }
                    if h.norms[n] != 0 && r.norms[n] != 0 { value /= h.norms[n] * r.norms[n] }
                    orders += value * penalty
                }
                total += orders / Double(maxOrder)
            }
            segments.append(refCounts[i].isEmpty ? 0 : total / Double(refCounts[i].count) * 10)
        }
        return (segments.reduce(0, +) / Double(segments.count), segments)
    }
}
