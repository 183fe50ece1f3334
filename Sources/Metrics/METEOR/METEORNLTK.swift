import Foundation

/// METEOR as nltk's `meteor_score` computes it (nltk 3.10; Lavie & Agarwal, 2007): lower-cased tokens, exact
/// matches, then Porter-stem matches among the rest, then WordNet synonym matches among what remains (still in stemmed
/// form — nltk matches synonyms of the stems), each stage pairing a hypothesis word, from the last backwards, with the
/// last free reference position; α 0.9, β 3, γ 0.5; the best reference per segment. Corpus score: the mean of the
/// segments. Tokens are whitespace-separated (nltk takes pre-tokenized input).
public struct METEORNLTK: Sendable {
    public var alpha = 0.9, beta = 3.0, gamma = 0.5
    public static let signature = "tok:whitespace|case:lc|stages:exact,porter,wordnet-3.0|alpha:0.9|beta:3|gamma:0.5|version:nltk-3.10-peftbench-1"
    let wordnet: WordNet

    public init(wordnet: WordNet) { self.wordnet = wordnet }

    typealias Enumerated = [(index: Int, word: String)]

    /// nltk's `_match_enums`: returns the matches and what stays unmatched on each side.
    static func matchExact(_ h: Enumerated, _ r: Enumerated) -> ([(Int, Int)], Enumerated, Enumerated) {
        var positions: [ExactText: [Int]] = [:]
        for (j, pair) in r.enumerated() { positions[ExactText(pair.word), default: []].append(j) }
        var matches: [(Int, Int)] = [], usedH = Set<Int>(), usedR = Set<Int>()
        for i in h.indices.reversed() {
            if var p = positions[ExactText(h[i].word)], let j = p.popLast() {
                positions[ExactText(h[i].word)] = p
                usedH.insert(i); usedR.insert(j)
                matches.append((h[i].index, r[j].index))
            }
        }
        return (matches, h.enumerated().filter { !usedH.contains($0.offset) }.map(\.element),
                r.enumerated().filter { !usedR.contains($0.offset) }.map(\.element))
    }

    func matchSynonyms(_ h: Enumerated, _ r: Enumerated) -> [(Int, Int)] {
        var positions: [ExactText: [Int]] = [:]
        for (j, pair) in r.enumerated() { positions[ExactText(pair.word), default: []].append(j) }
        var matches: [(Int, Int)] = []
        for i in h.indices.reversed() {
            var candidates = wordnet.synonyms(h[i].word).filter { !$0.contains("_") }
            candidates.insert(h[i].word)
            var bestJ = -1, bestWord: String?
            for s in candidates { if let last = positions[ExactText(s)]?.last, last > bestJ { bestJ = last; bestWord = s } }
            if let bestWord {
                positions[ExactText(bestWord)]!.removeLast()
                matches.append((h[i].index, r[bestJ].index))
            }
        }
        return matches
    }

    /// The score of one hypothesis against one reference.
    public func score(hypothesis: [String], reference: [String]) -> Double {
        var stems: [ExactText: String] = [:]
        return score(hypothesis: hypothesis, reference: reference, stems: &stems)
    }

    /// With a cache of Porter stems (stemming is most of the work).
    func score(hypothesis: [String], reference: [String], stems: inout [ExactText: String]) -> Double {
        func stem(_ w: String) -> String {
            if let s = stems[ExactText(w)] { return s }
            let s = PorterStemmer.stem(w)
            stems[ExactText(w)] = s
            return s
        }
        let h: Enumerated = hypothesis.enumerated().map { ($0.offset, $0.element.lowercased()) }
        let r: Enumerated = reference.enumerated().map { ($0.offset, $0.element.lowercased()) }
        let (exact, h1, r1) = Self.matchExact(h, r)
        let (stemmed, h2, r2) = Self.matchExact(h1.map { ($0.index, stem($0.word)) }, r1.map { ($0.index, stem($0.word)) })
        let all = (exact + stemmed + matchSynonyms(h2, r2)).sorted { $0.0 < $1.0 }
        let m = Double(all.count)
        guard !h.isEmpty, !r.isEmpty, m > 0 else { return 0 }
        let precision = m / Double(h.count), recall = m / Double(r.count)
        let fMean = precision * recall / (alpha * precision + (1 - alpha) * recall)
        var chunks = 1, i = 0
        while i < all.count - 1 {
            if !(all[i + 1].0 == all[i].0 + 1 && all[i + 1].1 == all[i].1 + 1) { chunks += 1 }
            i += 1
        }
        return (1 - gamma * Foundation.pow(Double(chunks) / m, beta)) * fMean
    }

    public func score(hypothesis: String, references: [String]) -> Double {
        let split: (String) -> [String] = { PythonText.split($0).map(String.init) }
        return references.map { score(hypothesis: split(hypothesis), reference: split($0)) }.max() ?? 0
    }

    public func corpus(hypotheses: [String], references: [[String]]) -> (corpus: Double, segments: [Double]) {
        precondition(hypotheses.count == references.count, "one reference set per hypothesis")
        let split: (String) -> [String] = { PythonText.split($0).map(String.init) }
        let segments = SegmentParallel.map(hypotheses.count, make: { [ExactText: String]() }) { i, stems in
            let h = split(hypotheses[i])
            return references[i].map { score(hypothesis: h, reference: split($0), stems: &stems) }.max() ?? 0
        }
        return (segments.isEmpty ? 0 : segments.reduce(0, +) / Double(segments.count), segments)
    }
}
