/// ROUGE-L and ROUGE-Lsum as Google's `rouge-score` computes them (Lin, 2004): tokens are the lower-cased text's runs
/// of [a-z0-9]; ROUGE-L is the F-measure of the longest common subsequence; ROUGE-Lsum splits both texts into
/// sentences on newlines and counts the union of each reference sentence's LCS hits with every candidate sentence.
/// With several references the one with the best F-measure counts. `stem: true` is `use_stemmer=True`: NLTK's Porter
/// stemmer on tokens longer than three characters.
public enum ROUGEL {
    public struct Score: Sendable, Equatable, Codable {
        public var precision: Double
        public var recall: Double
        public var fmeasure: Double
        static let zero = Score(precision: 0, recall: 0, fmeasure: 0)

        init(precision: Double, recall: Double) {
            self.precision = precision
            self.recall = recall
            fmeasure = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        }
        init(precision: Double, recall: Double, fmeasure: Double) {
            self.precision = precision
            self.recall = recall
            self.fmeasure = fmeasure
        }
    }

    public static func signature(stem: Bool) -> String {
        "tok:rouge-score|stem:\(stem ? "porter-nltk" : "no")|multi:max-f|version:peftbench-1"
    }

    /// rouge-score's tokenizer.
    public static func tokenize(_ text: String, stem: Bool = false) -> [Substring] {
        var spaced = String.UnicodeScalarView()
        for c in text.lowercased().unicodeScalars {
            let keep = (c.value >= 0x61 && c.value <= 0x7A) || (c.value >= 0x30 && c.value <= 0x39)
            spaced.append(keep ? c : " ")
        }
        let tokens = String(spaced).split(separator: " ")
        guard stem else { return tokens }
        // rouge-score drops tokens that stemming left empty or outside [a-z0-9].
        return tokens.map { $0.count > 3 ? Substring(PorterStemmer.stem(String($0))) : $0 }.filter { t in
            !t.isEmpty && t.unicodeScalars.allSatisfy { ($0.value >= 0x61 && $0.value <= 0x7A) || ($0.value >= 0x30 && $0.value <= 0x39) }
        }
    }

    static func table<T: Equatable>(_ ref: [T], _ can: [T]) -> [[Int]] {
        var t = [[Int]](repeating: [Int](repeating: 0, count: can.count + 1), count: ref.count + 1)
        for i in 1..<(ref.count + 1) {
            for j in 1..<(can.count + 1) {
                t[i][j] = ref[i - 1] == can[j - 1] ? t[i - 1][j - 1] + 1 : max(t[i - 1][j], t[i][j - 1])
            }
        }
        return t
    }

    /// Indices into `ref` of one LCS, read back with rouge-score's tie rule.
    static func lcsIndices(_ ref: [Substring], _ can: [Substring]) -> [Int] {
        let t = table(ref, can)
        var i = ref.count, j = can.count
        var out: [Int] = []
        while i > 0 && j > 0 {
            if ref[i - 1] == can[j - 1] {
                out.append(i - 1)
                i -= 1
                j -= 1
            } else if t[i][j - 1] > t[i - 1][j] {
                j -= 1
            } else {
                i -= 1
            }
        }
        return out.reversed()
    }

    public static func rougeL(reference: String, candidate: String, stem: Bool = false) -> Score {
        let r = tokenize(reference, stem: stem), c = tokenize(candidate, stem: stem)
        guard !r.isEmpty, !c.isEmpty else { return .zero }
        let lcs = table(r, c)[r.count][c.count]
        return Score(precision: Double(lcs) / Double(c.count), recall: Double(lcs) / Double(r.count))
    }

    public static func rougeLsum(reference: String, candidate: String, stem: Bool = false) -> Score {
        func sentences(_ text: String) -> [[Substring]] {
            text.split(separator: "\n", omittingEmptySubsequences: true).map { tokenize(String($0), stem: stem) }
        }
        let refs = sentences(reference), cans = sentences(candidate)
        guard !refs.isEmpty, !cans.isEmpty else { return .zero }
        let m = refs.reduce(0) { $0 + $1.count }, n = cans.reduce(0) { $0 + $1.count }
        guard m > 0, n > 0 else { return .zero }
        var refCounts: [Substring: Int] = [:], canCounts: [Substring: Int] = [:]
        for s in refs { for t in s { refCounts[t, default: 0] += 1 } }
        for s in cans { for t in s { canCounts[t, default: 0] += 1 } }
        var hits = 0
        for r in refs {
            let union = Set(cans.flatMap { lcsIndices(r, $0) }).sorted()
            for t in union.map({ r[$0] }) where canCounts[t, default: 0] > 0 && refCounts[t, default: 0] > 0 {
                hits += 1
                canCounts[t]! -= 1
                refCounts[t]! -= 1
            }
        }
        return Score(precision: Double(hits) / Double(n), recall: Double(hits) / Double(m))
    }

    /// Length of the longest common subsequence of two id sequences, one DP row at a time.
    static func lcsLength(_ a: [Int32], _ b: [Int32], row: inout [Int32]) -> Int {
        guard !b.isEmpty else { return 0 }
        row.removeAll(keepingCapacity: true)
        row.append(contentsOf: repeatElement(0, count: b.count + 1))
        for x in a {
            var diagonal: Int32 = 0
            for j in 1...b.count {
                let up = row[j]
                row[j] = x == b[j - 1] ? diagonal + 1 : max(up, row[j - 1])
                diagonal = up
            }
        }
        return Int(row[b.count])
    }

    struct Worker {
        var tokens = ByteTokens()
        var candidate: [Int32] = [], reference: [Int32] = [], row: [Int32] = []
    }

    /// ROUGE-L (best F over references) of many segments: an ASCII fast path over token ids, on all cores;
    /// ROUGE-Lsum and stemming take the general path.
    public static func scores(candidates: [String], references: [[String]], summaryLevel: Bool = false, stem: Bool = false) -> [Score] {
        precondition(candidates.count == references.count, "one reference set per candidate")
        return SegmentParallel.map(candidates.count, make: Worker.init) { i, w in
            if !summaryLevel && !stem, let s = fastBest(references: references[i], candidate: candidates[i], worker: &w) { return s }
            return best(references: references[i], candidate: candidates[i], summaryLevel: summaryLevel, stem: stem)
        }
    }

    static func fastBest(references: [String], candidate: String, worker w: inout Worker) -> Score? {
        w.tokens.reset()
        w.candidate.removeAll(keepingCapacity: true)
        guard w.tokens.tokenizeROUGE(candidate, into: &w.candidate) else { return nil }
        var best: Score?
        for r in references {
            w.reference.removeAll(keepingCapacity: true)
            guard w.tokens.tokenizeROUGE(r, into: &w.reference) else { return nil }
            var s = Score.zero
            if !w.reference.isEmpty && !w.candidate.isEmpty {
                let lcs = Double(lcsLength(w.reference, w.candidate, row: &w.row))
                s = Score(precision: lcs / Double(w.candidate.count), recall: lcs / Double(w.reference.count))
            }
            if best == nil || s.fmeasure > best!.fmeasure { best = s }
        }
        return best ?? .zero
    }

    /// The best-F score over several references (`score_multi`; the first on ties).
    public static func best(references: [String], candidate: String, summaryLevel: Bool, stem: Bool = false) -> Score {
        var best: Score?
        for r in references {
            let s = summaryLevel ? rougeLsum(reference: r, candidate: candidate, stem: stem) : rougeL(reference: r, candidate: candidate, stem: stem)
            if best == nil || s.fmeasure > best!.fmeasure { best = s }
        }
        return best ?? .zero
    }
}
