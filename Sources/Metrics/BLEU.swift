import Foundation

/// Corpus and sentence BLEU in sacrebleu's convention (Post, 2018), computed from per-segment sufficient
/// statistics: hypothesis length, closest reference length, and per-order matched and total n-grams, with matches
/// clipped by the largest count in any one reference.
public struct BLEU: Sendable {
    public enum Smoothing: String, Sendable, CaseIterable, Codable {
        case none, floor, exp
        case addK = "add-k"
    }

    public var lowercase = false
    public var tokenizer: BLEUTokenizer = .thirteenA
    public var smoothing: Smoothing = .exp
    /// For floor (default 0.1) and add-k (default 1).
    public var smoothValue: Double?
    public var maxOrder = 4
    /// Average only over the orders with n-grams present (sentence BLEU's default).
    public var effectiveOrder = false

    public init(lowercase: Bool = false, tokenizer: BLEUTokenizer = .thirteenA, smoothing: Smoothing = .exp,
                smoothValue: Double? = nil, maxOrder: Int = 4, effectiveOrder: Bool = false) {
        self.lowercase = lowercase
        self.tokenizer = tokenizer
        self.smoothing = smoothing
        self.smoothValue = smoothValue
        self.maxOrder = maxOrder
        self.effectiveOrder = effectiveOrder
    }

    /// sentence BLEU as `sacrebleu.sentence_bleu` computes it.
    public static let sentence = BLEU(effectiveOrder: true)

    public struct Score: Sendable, Equatable, Codable {
        public var score: Double
        public var counts: [Int]
        public var totals: [Int]
        public var precisions: [Double]
        public var brevityPenalty: Double
        public var hypothesisLength: Int
        public var referenceLength: Int
    }

    /// Per-segment statistics: [hyp len, ref len, matches₁…ₙ, totals₁…ₙ].
    public typealias Statistics = [Int]

    var defaultSmoothValue: Double? {
        switch smoothing {
        case .floor: return 0.1
        case .addK: return 1
        default: return nil
        }
    }

    /// `nrefs:…|case:…|eff:…|tok:…|smooth:…|version:…`, sacrebleu's layout; the version names this implementation.
    public func signature(references: Int) -> String { signature(nrefs: String(references)) }

    /// With `nrefs` as sacrebleu prints it: a count, or `var` when segments have different numbers of references.
    public func signature(nrefs: String) -> String {
        var smooth = smoothing.rawValue
        if let v = smoothValue ?? defaultSmoothValue { smooth += String(format: "[%.2f]", v) }
        return "nrefs:\(nrefs)|case:\(lowercase ? "lc" : "mixed")|eff:\(effectiveOrder ? "yes" : "no")|tok:\(tokenizer.rawValue)|smooth:\(smooth)|version:peftbench-1"
    }

    func preprocess(_ s: String) -> [Substring] {
        tokenizer.tokens(PythonText.rstrip(lowercase ? s.lowercased() : s))
    }

    /// Statistics of one hypothesis against its references.
    public func statistics(hypothesis: String, references: [String]) -> Statistics {
        var worker = Worker()
        return statistics(hypothesis: hypothesis, references: references, worker: &worker)
    }

    /// Scratch reused across the segments one thread scores.
    struct Worker {
        var tokens = ByteTokens()
        var matcher = NGramMatcher()
        var hyp: [Int32] = [], refs: [[Int32]] = []
        var matches = [Int](repeating: 0, count: 4), totals = [Int](repeating: 0, count: 4)
    }

    /// The byte path when the tokenizer and text allow it (see `ByteTokens`), else the Unicode path.
    func statistics(hypothesis: String, references: [String], worker w: inout Worker) -> Statistics {
        if tokenizer != .intl && maxOrder <= 4 {
            w.tokens.reset()
            w.hyp.removeAll(keepingCapacity: true)
            var ok = w.tokens.tokenize(hypothesis, thirteenA: tokenizer == .thirteenA, lowercase: lowercase, into: &w.hyp)
            while w.refs.count < references.count { w.refs.append([]) }
            var k = 0
            while ok && k < references.count {
                w.refs[k].removeAll(keepingCapacity: true)
                ok = w.tokens.tokenize(references[k], thirteenA: tokenizer == .thirteenA, lowercase: lowercase, into: &w.refs[k])
                k += 1
            }
            if ok && w.tokens.vocabularySize < 65_536 {
                let refs = Array(w.refs.prefix(references.count))
                w.matcher.match(w.hyp, refs, maxOrder: maxOrder, matches: &w.matches, totals: &w.totals)
                return [w.hyp.count, Self.closestLength(w.hyp.count, refs.map(\.count))] + w.matches.prefix(maxOrder) + w.totals.prefix(maxOrder)
            }
        }
        return unicodeStatistics(hypothesis: hypothesis, references: references)
    }

    func unicodeStatistics(hypothesis: String, references: [String]) -> Statistics {
        // Tokens become small integers for this segment, and an n-gram (n ≤ 4) a packed 64-bit key: 15 bits per
        // token plus the order, exact while the segment has fewer than 32,768 distinct tokens (else string keys).
        var ids: [ExactText: Int] = [:]
        func encode(_ tokens: [Substring]) -> [Int] {
            tokens.map { t in
                if let id = ids[ExactText(t)] { return id }
                ids[ExactText(t)] = ids.count
                return ids.count - 1
            }
        }
        let hypTokens = preprocess(hypothesis)
        let refTokens = references.map(preprocess)
        let hyp = encode(hypTokens)
        let refs = refTokens.map(encode)
        guard maxOrder <= 4, ids.count < 1 << 15 else { return slowStatistics(hypTokens, refTokens) }
        var refCounts: [UInt64: Int] = [:]
        for r in refs {
            var counts: [UInt64: Int] = [:]
            Self.countNGrams(r, maxOrder: maxOrder, into: &counts)
            for (g, c) in counts where c > refCounts[g, default: 0] { refCounts[g] = c }
        }
        var hypCounts: [UInt64: Int] = [:]
        Self.countNGrams(hyp, maxOrder: maxOrder, into: &hypCounts)
        var correct = [Int](repeating: 0, count: maxOrder), total = correct
        for (g, c) in hypCounts {
            let n = Int(g >> 60)
            total[n - 1] += c
            if let r = refCounts[g] { correct[n - 1] += min(c, r) }
        }
        return [hyp.count, Self.closestLength(hyp.count, refs.map(\.count))] + correct + total
    }

    static func countNGrams(_ tokens: [Int], maxOrder: Int, into counts: inout [UInt64: Int]) {
        guard !tokens.isEmpty else { return }
        for n in 1...maxOrder where n <= tokens.count {
            for i in 0...(tokens.count - n) {
                var key = UInt64(n) << 60
                for k in 0..<n { key |= UInt64(tokens[i + k]) << UInt64(15 * k) }
                counts[key, default: 0] += 1
            }
        }
    }

    /// The same statistics with n-grams as token slices, for segments too varied to pack.
    func slowStatistics(_ hypothesis: [Substring], _ references: [[Substring]]) -> Statistics {
        let hyp = hypothesis.map(ExactText.init), refs = references.map { $0.map(ExactText.init) }
        func count(_ tokens: [ExactText]) -> [ArraySlice<ExactText>: Int] {
            var counts: [ArraySlice<ExactText>: Int] = [:]
            guard !tokens.isEmpty else { return counts }
            for n in 1...maxOrder where n <= tokens.count {
                for i in 0...(tokens.count - n) { counts[tokens[i..<(i + n)], default: 0] += 1 }
            }
            return counts
        }
        var refCounts: [ArraySlice<ExactText>: Int] = [:]
        for r in refs { for (g, c) in count(r) where c > refCounts[g, default: 0] { refCounts[g] = c } }
        var correct = [Int](repeating: 0, count: maxOrder), total = correct
        for (g, c) in count(hyp) {
            total[g.count - 1] += c
            if let r = refCounts[g] { correct[g.count - 1] += min(c, r) }
        }
        return [hyp.count, Self.closestLength(hyp.count, refs.map(\.count))] + correct + total
    }

    /// The reference length closest to the hypothesis length; the shorter one on ties.
    static func closestLength(_ hyp: Int, _ refs: [Int]) -> Int {
        var bestDiff = -1, best = -1
        for r in refs {
            let diff = abs(hyp - r)
            if bestDiff == -1 || diff < bestDiff { bestDiff = diff; best = r } else if diff == bestDiff && r < best { best = r }
        }
        return best
    }

    /// The score of summed statistics.
    public func score(_ stats: Statistics) -> Score {
        let sysLen = stats[0], refLen = stats[1]
        let counts = Array(stats[2..<(2 + maxOrder)]), totals = Array(stats[(2 + maxOrder)...])
        var correct = counts.map(Double.init), total = totals.map(Double.init)
        let value = smoothValue ?? defaultSmoothValue ?? 0
        var bp = 1.0
        if sysLen < refLen { bp = sysLen > 0 ? Foundation.exp(1 - Double(refLen) / Double(sysLen)) : 0 }
        var precisions = [Double](repeating: 0, count: maxOrder)
        guard counts.contains(where: { $0 != 0 }) else {
            return Score(score: 0, counts: counts, totals: totals, precisions: precisions, brevityPenalty: bp,
                         hypothesisLength: sysLen, referenceLength: refLen)
        }
        var smoothMteval = 1.0
        var order = maxOrder
        for n in 1...maxOrder {
            if smoothing == .addK && n > 1 {
                correct[n - 1] += value
                total[n - 1] += value
            }
            if total[n - 1] == 0 { break }
            if effectiveOrder { order = n }
            if correct[n - 1] == 0 {
                if smoothing == .exp {
                    smoothMteval *= 2
                    precisions[n - 1] = 100 / (smoothMteval * total[n - 1])
                } else if smoothing == .floor {
                    precisions[n - 1] = 100 * value / total[n - 1]
                }
            } else {
                precisions[n - 1] = 100 * correct[n - 1] / total[n - 1]
            }
        }
        // log(0) is floored at −9,999,999,999, as sacrebleu's my_log does.
        let logSum = precisions.prefix(order).reduce(0.0) { $0 + ($1 == 0 ? -9_999_999_999 : Foundation.log($1)) }
        return Score(score: bp * Foundation.exp(logSum / Double(order)), counts: counts, totals: totals,
                     precisions: precisions, brevityPenalty: bp, hypothesisLength: sysLen, referenceLength: refLen)
    }

    /// Corpus BLEU: `references[k][i]` is stream k's reference for segment i (sacrebleu's layout).
    public func corpusScore(hypotheses: [String], references: [[String]]) -> Score {
        score(corpusStatistics(hypotheses: hypotheses, references: references).reduce(into: [Int](repeating: 0, count: 2 + 2 * maxOrder)) {
            for j in 0..<$0.count { $0[j] += $1[j] }
        })
    }

    public func corpusStatistics(hypotheses: [String], references: [[String]]) -> [Statistics] {
        segmentStatistics(hypotheses.indices.map { i in (hypotheses[i], references.map { $0[i] }) })
    }

    /// Statistics of many segments, on two threads when there are enough of them (segments are independent).
    public func segmentStatistics(_ segments: [(hypothesis: String, references: [String])]) -> [Statistics] {
        SegmentParallel.map(segments.count, make: Worker.init) { i, w in
            statistics(hypothesis: segments[i].hypothesis, references: segments[i].references, worker: &w)
        }
    }

    public func sentenceScore(hypothesis: String, references: [String]) -> Score {
        score(statistics(hypothesis: hypothesis, references: references))
    }
}
