import Foundation

/// BLEU and NIST as the E2E challenge's `measure_scores.py` computes them by default: NIST's `mteval-v13a` in the
/// variant that allows a variable number of references (absent ones are empty segments), one document, default
/// options. That means:
/// - tokenization: mteval-v13a's (the rules of sacrebleu's `13a`), ASCII letters lower-cased (`tr/A-Z/a-z/`);
/// - BLEU: 4-grams, matches clipped by the largest count in any reference, the reference length closest to the
///   hypothesis (shorter on ties; empty references skipped, the first one excepted), and the script's default
///   smoothing: an order with no match counts 1/(2ᵏ·total) for its k-th such order, an order with no n-grams at all
///   counts as precision 1; no hypothesis words at all gives 0;
/// - NIST: 5-grams, information weights log₂(count(w₁…wₙ₋₁)/count(w₁…wₙ)) over every reference segment of the corpus
///   (unigrams against the total word count), matched information divided by the hypothesis n-gram count per order,
///   summed over orders, times the length penalty exp(−β·ln²(ratio)) with β = −ln 0.5 / ln² 1.5, where the ratio is
///   hypothesis words over (all reference words / the mean number of non-empty references per segment): the "-sig"
///   script passes `$cum_ref_count / $cum_seg_count` as the reference count, each segment adding the references it
///   really has, so an absent reference neither adds words nor divides them.
/// Scores are on the script's scales: BLEU 0–1, NIST unbounded.
public struct MTEval: Sendable {
    public static let bleuOrder = 4
    public static let nistOrder = 5

    public var preserveCase = false

    public init(preserveCase: Bool = false) { self.preserveCase = preserveCase }

    public var signature: String {
        "tok:mteval-13a|case:\(preserveCase ? "mixed" : "lc")|bleu:4|bp:closest|smooth:mteval|nist:5|nrefs:var|version:peftbench-1"
    }

    /// Per-segment sufficient statistics; a corpus score comes from their sum.
    public struct Segment: Sendable, Equatable, Codable {
        public var hypothesisLength = 0
        public var referenceLength = 0
        /// Clipped matches and hypothesis n-grams, orders 1…5 (BLEU reads the first four).
        public var matches = [Int](repeating: 0, count: MTEval.nistOrder)
        public var totals = [Int](repeating: 0, count: MTEval.nistOrder)
        /// Information carried by the matched n-grams, per order.
        public var information = [Double](repeating: 0, count: MTEval.nistOrder)
        /// Words of all this segment's references (NIST's length penalty).
        public var referenceWords = 0
        /// Non-empty references and segments, summed: their quotient is the reference count NIST divides by.
        public var referenceCount = 0
        public var segmentCount = 0

        /// The statistics as one flat row (`SegmentStatistics`), and back.
        public static let width = 5 + 3 * MTEval.nistOrder

        public var row: [Double] {
            [Double(hypothesisLength), Double(referenceLength)] + matches.map(Double.init) + totals.map(Double.init) + information
                + [Double(referenceWords), Double(referenceCount), Double(segmentCount)]
        }

        public init() {}

        public init(row r: UnsafeBufferPointer<Double>) {
            let n = MTEval.nistOrder
            hypothesisLength = Int(r[0]); referenceLength = Int(r[1])
            matches = (0..<n).map { Int(r[2 + $0]) }
            totals = (0..<n).map { Int(r[2 + n + $0]) }
            information = (0..<n).map { r[2 + 2 * n + $0] }
            referenceWords = Int(r[2 + 3 * n]); referenceCount = Int(r[3 + 3 * n]); segmentCount = Int(r[4 + 3 * n])
        }

        mutating func add(_ o: Segment) {
            hypothesisLength += o.hypothesisLength
            referenceLength += o.referenceLength
            referenceWords += o.referenceWords
            referenceCount += o.referenceCount
            segmentCount += o.segmentCount
            for n in 0..<MTEval.nistOrder {
                matches[n] += o.matches[n]
                totals[n] += o.totals[n]
                information[n] += o.information[n]
            }
        }
    }

    public struct Result: Sendable, Equatable {
        public var bleu: Double
        public var nist: Double
        public var segments: [Segment]
    }

    /// The tokens mteval-v13a compares.
    public func tokens(_ text: String) -> [Substring] {
        guard !preserveCase else { return Tokenizer13a.tokens(text) }
        // Only A–Z: the script lower-cases with `tr`, which leaves every other letter as it is.
        var scalars = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            scalars.append(s.value >= 0x41 && s.value <= 0x5A ? Unicode.Scalar(s.value + 32)! : s)
        }
        return Tokenizer13a.tokens(String(scalars))
    }

    /// An n-gram of up to five token ids; unused places hold −1.
    struct NGram: Hashable {
        var ids: (Int32, Int32, Int32, Int32, Int32)
        var order: Int

        static func == (a: NGram, b: NGram) -> Bool {
            a.order == b.order && a.ids.0 == b.ids.0 && a.ids.1 == b.ids.1 && a.ids.2 == b.ids.2 && a.ids.3 == b.ids.3 && a.ids.4 == b.ids.4
        }

        var sortKey: (Int, Int32, Int32, Int32, Int32, Int32) { (order, ids.0, ids.1, ids.2, ids.3, ids.4) }

        func hash(into h: inout Hasher) {
            h.combine(ids.0); h.combine(ids.1); h.combine(ids.2); h.combine(ids.3); h.combine(ids.4)
        }

        /// The n-gram without its last word (the context NIST's information is conditioned on).
        var prefix: NGram {
            var p = self
            switch order {
            case 2: p.ids.1 = -1
            case 3: p.ids.2 = -1
            case 4: p.ids.3 = -1
            default: p.ids.4 = -1
            }
            p.order -= 1
            return p
        }
    }

    static func counts(_ words: [Int32], into out: inout [NGram: Int]) {
        for i in words.indices {
            var g = NGram(ids: (-1, -1, -1, -1, -1), order: 0)
            for n in 1...min(nistOrder, words.count - i) {
                switch n {
                case 1: g.ids.0 = words[i]
                case 2: g.ids.1 = words[i + 1]
                case 3: g.ids.2 = words[i + 2]
                case 4: g.ids.3 = words[i + 3]
                default: g.ids.4 = words[i + 4]
                }
                g.order = n
                out[g, default: 0] += 1
            }
        }
    }

    /// The script's reference-length choice, reference by reference in order: a closer one wins, an equally close
    /// shorter one wins, and an empty (absent) reference never replaces the current choice.
    public static func closestLength(hypothesis: Int, references: [Int]) -> Int {
        guard var current = references.first else { return 0 }
        for r in references.dropFirst() where r != 0 {
            let d = abs(hypothesis - r), c = abs(hypothesis - current)
            if d < c || (d == c && r < current) { current = r }
        }
        return current
    }

    /// Scores of a corpus: `references[i]` holds segment i's references (any number; empty strings are absent ones).
    public func score(hypotheses: [String], references: [[String]]) -> Result {
        precondition(hypotheses.count == references.count, "one reference set per hypothesis")
        var vocabulary: [ExactText: Int32] = [:]
        func encode(_ text: String) -> [Int32] {
            tokens(text).map { t in
                if let id = vocabulary[ExactText(t)] { return id }
                let id = Int32(vocabulary.count)
                vocabulary[ExactText(t)] = id
                return id
            }
        }
        let hyps = hypotheses.map(encode)
        let refs = references.map { $0.map(encode) }

        // Information weights from every reference segment of the corpus.
        var referenceCounts: [NGram: Int] = [:]
        var referenceWords = 0
        for set in refs {
            for r in set {
                referenceWords += r.count
                Self.counts(r, into: &referenceCounts)
            }
        }
        func information(_ g: NGram) -> Double {
            let count = Double(referenceCounts[g]!)
            let context = g.order == 1 ? Double(referenceWords) : Double(referenceCounts[g.prefix]!)
            return Foundation.log2(context / count)
        }

        var segments: [Segment] = []
        segments.reserveCapacity(hyps.count)
        for (hyp, set) in zip(hyps, refs) {
            var s = Segment()
            s.hypothesisLength = hyp.count
            s.referenceLength = Self.closestLength(hypothesis: hyp.count, references: set.map(\.count))
            s.referenceWords = set.reduce(0) { $0 + $1.count }
            s.referenceCount = set.count(where: { !$0.isEmpty })
            s.segmentCount = 1
            var clip: [NGram: Int] = [:]
            for r in set {
                var c: [NGram: Int] = [:]
                Self.counts(r, into: &c)
                for (g, k) in c where k > clip[g, default: 0] { clip[g] = k }
            }
            var own: [NGram: Int] = [:]
            Self.counts(hyp, into: &own)
            for n in 0..<Self.nistOrder { s.totals[n] = max(0, hyp.count - n) }
            // In one order in every process (a Dictionary's changes from process to process, and with it the
            // information sum's last bits).
            for (g, k) in own.sorted(by: { $0.key.sortKey < $1.key.sortKey }) {
                guard let r = clip[g] else { continue }
                let m = min(k, r)
                s.matches[g.order - 1] += m
                s.information[g.order - 1] += information(g) * Double(m)
            }
            segments.append(s)
        }
        let total = Self.sum(segments)
        return Result(bleu: Self.bleu(total), nist: Self.nist(total), segments: segments)
    }

    public static func sum(_ segments: [Segment]) -> Segment {
        var total = Segment()
        for s in segments { total.add(s) }
        return total
    }

    /// BLEU of summed statistics, with the script's default smoothing.
    public static func bleu(_ s: Segment) -> Double {
        guard s.totals[0] > 0 else { return 0 }
        let lengthTerm = Foundation.exp(min(0, 1 - Double(s.referenceLength) / Double(s.totals[0])))
        var logSum = 0.0, smooth = 1.0
        for n in 0..<bleuOrder {
            if s.totals[n] == 0 { continue }
            if s.matches[n] == 0 {
                smooth *= 2
                logSum += Foundation.log(1 / (smooth * Double(s.totals[n])))
            } else {
                logSum += Foundation.log(Double(s.matches[n]) / Double(s.totals[n]))
            }
        }
        return Foundation.exp(logSum / Double(bleuOrder)) * lengthTerm
    }

    /// NIST of summed statistics.
    public static func nist(_ s: Segment) -> Double {
        var sum = 0.0
        for n in 0..<nistOrder { sum += s.information[n] / Double(max(s.totals[n], 1)) }
        guard s.referenceCount > 0, s.referenceWords > 0 else { return 0 }
        let referencesPerSegment = Double(s.referenceCount) / Double(s.segmentCount)
        return sum * lengthPenalty(Double(s.totals[0]) / (Double(s.referenceWords) / referencesPerSegment))
    }

    public static func lengthPenalty(_ ratio: Double) -> Double {
        if ratio >= 1 { return 1 }
        if ratio <= 0 { return 0 }
        let beta = -Foundation.log(0.5) / Foundation.log(1.5) / Foundation.log(1.5)
        return Foundation.exp(-beta * Foundation.log(ratio) * Foundation.log(ratio))
    }
}
