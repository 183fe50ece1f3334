import Foundation
import Metrics
import XCTest

final class BLEUTests: XCTestCase {
    func testHandComputedCases() {
        let b = BLEU()
        // 6 of 7 unigrams, 4 of 6 bigrams, 2 of 5 trigrams, 1 of 4 four-grams; equal lengths.
        let s = b.corpusScore(hypotheses: ["the cat sat on the mat ."], references: [["the cat is on the mat ."]])
        XCTAssertEqual(s.counts, [6, 4, 2, 1])
        XCTAssertEqual(s.totals, [7, 6, 5, 4])
        let expected = Foundation.exp((log(600.0 / 7) + log(400.0 / 6) + log(40) + log(25)) / 4)
        XCTAssertEqual(s.score, expected, accuracy: 1e-12)
        XCTAssertEqual(s.brevityPenalty, 1)
        // No match at all: zero, whatever the smoothing.
        XCTAssertEqual(b.corpusScore(hypotheses: ["a b c"], references: [["x y z"]]).score, 0)
        // Brevity penalty: 3 hypothesis tokens against 6.
        let short = b.corpusScore(hypotheses: ["a b c"], references: [["a b c d e f"]])
        XCTAssertEqual(short.brevityPenalty, Foundation.exp(1 - 6.0 / 3), accuracy: 1e-12)
        // Closest reference length, the shorter on ties (4 and 6 around 5).
        XCTAssertEqual(b.corpusScore(hypotheses: ["a b c d e"], references: [["a b c d"], ["a b c d e f"]]).referenceLength, 4)
        XCTAssertEqual(b.signature(references: 1), "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:peftbench-1")
        XCTAssertEqual(BLEU(lowercase: true, smoothing: .floor).signature(references: 3),
                       "nrefs:3|case:lc|eff:no|tok:13a|smooth:floor[0.10]|version:peftbench-1")
    }

    /// Hypothesis/reference sets meant to reach every rule of the tokenizer and every branch of the score.
    static func cases(seed: UInt64) -> [[String: Any]] {
        var state = seed
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        let words = ["the", "The", "cat", "sat", "on", "mat", "a", "dog", "ran", "1,080", "3.5", "12", "-", "5-3", "well-known",
                     "U.S.", "e.g.", "don't", "it's", "(", ")", "\"", "&amp;", "&lt;b&gt;", "&quot;", "$29.00", "£20", "café",
                     "naïve", "中文", "テスト", "🚀", "...", ",", ".", "?", "!", ";", ":", "/", "x,y", "a.b", "9.", ".5", "<skipped>",
                     "İstanbul", "STRASSE", "ΣΊΣΥΦΟΣ", "tab\there", "end-\nline", "«quote»", "2019.", "¿qué?", "€5", "a+b=c", "x²", "—", "…", "١٢٣"]
        func sentence() -> String {
            let n = next() % 14
            if n == 0 { return "" }
            var out = (0..<n).map { _ in words[next() % words.count] }
            if next() % 3 == 0, out.count > 2 { out += out.prefix(2) }  // repeated n-grams
            return out.joined(separator: next() % 7 == 0 ? "  " : " ")
        }
        var cases: [[String: Any]] = []
        let options: [(String, String, Double?, Bool, Bool)] = [
            ("13a", "exp", nil, false, false), ("13a", "floor", nil, false, false), ("13a", "add-k", nil, false, false),
            ("13a", "none", nil, false, false), ("13a", "exp", nil, true, false), ("none", "exp", nil, false, false),
            ("13a", "floor", 0.3, false, true), ("13a", "add-k", 2, true, false), ("none", "none", nil, true, true),
            ("intl", "exp", nil, false, false), ("intl", "floor", nil, true, true), ("intl", "exp", nil, true, false),
        ]
        for k in 0..<312 {
            let (tok, smooth, value, effective, lower) = options[k % options.count]
            let segments = 1 + next() % 6, streams = 1 + next() % 4
            let hyps = (0..<segments).map { _ in sentence() }
            // References resemble the hypotheses so that matches of every order occur.
            let refs = (0..<streams).map { _ in hyps.map { h in next() % 3 == 0 ? sentence() : (h + (next() % 2 == 0 ? " " + words[next() % words.count] : "")) } }
            cases.append(["hyps": hyps, "refs": refs, "tokenize": tok, "smooth": smooth, "smooth_value": value as Any? ?? NSNull(),
                          "effective_order": effective, "lowercase": lower])
        }
        return cases
    }

    func testParityWithSacrebleu() throws {
        let cases = Self.cases(seed: 42)
        let reference = try XCTUnwrap(try ReferenceScript.run("bleu_reference.py", cases: cases, package: "sacrebleu==2.6.0") as? [[String: Any]])
        XCTAssertEqual(reference.count, cases.count)
        var compared = 0
        for (c, ref) in zip(cases, reference) {
            let smoothing = BLEU.Smoothing(rawValue: c["smooth"] as! String)!
            let options = BLEU(lowercase: c["lowercase"] as! Bool, tokenizer: BLEUTokenizer(rawValue: c["tokenize"] as! String)!,
                               smoothing: smoothing, smoothValue: c["smooth_value"] as? Double,
                               effectiveOrder: c["effective_order"] as! Bool)
            let hyps = c["hyps"] as! [String], refs = c["refs"] as! [[String]]
            let ours = options.corpusScore(hypotheses: hyps, references: refs)
            let expected = ref["score"] as! Double
            // With add-k, sacrebleu reports its counts after adding k in place; ours stay the raw statistics.
            if smoothing != .addK {
                XCTAssertEqual(ours.counts, ref["counts"] as? [Int], "\(c)")
                XCTAssertEqual(ours.totals, ref["totals"] as? [Int], "\(c)")
            }
            XCTAssertEqual(ours.hypothesisLength, ref["sys_len"] as? Int)
            XCTAssertEqual(ours.referenceLength, ref["ref_len"] as? Int)
            XCTAssertEqual(ours.score, expected, accuracy: 1e-6 * max(1, abs(expected)), "\(c)")
            var sentence = options
            sentence.effectiveOrder = true
            for (i, s) in (ref["sentences"] as! [Double]).enumerated() {
                let mine = sentence.sentenceScore(hypothesis: hyps[i], references: refs.map { $0[i] }).score
                XCTAssertEqual(mine, s, accuracy: 1e-6 * max(1, abs(s)), "sentence \(hyps[i]) vs \(refs.map { $0[i] })")
            }
            compared += 1
        }
        XCTAssertEqual(compared, 312)
    }
}
