import Foundation
@testable import Metrics
import XCTest

final class MTEvalTests: XCTestCase {
    /// A hypothesis equal to its only reference: BLEU 1; each of the four unigrams carries log₂(4/1) = 2 bits and
    /// every longer n-gram none (it always follows its prefix), so NIST = 8/4 = 2.
    func testIdenticalSegment() {
        let r = MTEval().score(hypotheses: ["a b c d"], references: [["a b c d"]])
        XCTAssertEqual(r.bleu, 1, accuracy: 1e-12)
        XCTAssertEqual(r.nist, 2, accuracy: 1e-12)
    }

    /// Orders without matches take the script's 1/(2ᵏ·total) instead of zero.
    func testSmoothedOrders() {
        let r = MTEval().score(hypotheses: ["a b c d e"], references: [["a b x d e"]])
        let expected = Foundation.exp((Foundation.log(0.8) + Foundation.log(0.5) + Foundation.log(1.0 / 6) + Foundation.log(1.0 / 8)) / 4)
        XCTAssertEqual(r.bleu, expected, accuracy: 1e-12)
    }

    /// Variable references: NIST divides all reference words by the mean number of non-empty references per
    /// segment ((2 + 1) / 2 here, the absent third reference of the first segment not counted, so the "average"
    /// reference is 7 / 1.5 words), and an order with no hypothesis n-grams counts as precision 1 in BLEU.
    func testVariableReferences() {
        let r = MTEval().score(hypotheses: ["a b", "c"], references: [["a b", "a b x y", ""], ["c"]])
        XCTAssertEqual(r.bleu, 1, accuracy: 1e-12)
        let unigram = (2 * Foundation.log2(3.5) + Foundation.log2(7)) / 3
        XCTAssertEqual(r.nist, unigram * MTEval.lengthPenalty(3 / (7 / 1.5)), accuracy: 1e-12)
        XCTAssertEqual(MTEval.lengthPenalty(1 / 1.5), 0.5, accuracy: 1e-12)
    }

    /// Closest reference length, reference by reference; an empty (absent) reference never wins.
    func testClosestLength() {
        XCTAssertEqual(MTEval.closestLength(hypothesis: 3, references: [5, 0, 3]), 3)
        XCTAssertEqual(MTEval.closestLength(hypothesis: 1, references: [5, 0]), 5)
        XCTAssertEqual(MTEval.closestLength(hypothesis: 7, references: [11, 8, 6]), 6)
    }

    /// `tr/A-Z/a-z/`: other letters keep their case.
    func testLowercasesOnlyASCII() {
        XCTAssertEqual(MTEval().tokens("Élan ABC, Ωmega."), ["Élan", "abc", ",", "Ωmega", "."])
        XCTAssertEqual(MTEval(preserveCase: true).tokens("ABC"), ["ABC"])
    }

    /// No match of any order: the script still smooths every order (1/2, 1/4, … of each total).
    func testNoMatchesStillSmoothed() {
        let r = MTEval().score(hypotheses: ["x y z w"], references: [["a b c d"]])
        let expected = Foundation.exp((Foundation.log(1.0 / 8) + Foundation.log(1.0 / 12) + Foundation.log(1.0 / 16) + Foundation.log(1.0 / 16)) / 4)
        XCTAssertEqual(r.bleu, expected, accuracy: 1e-12)
        XCTAssertEqual(r.nist, 0)
    }

    func testNoHypothesisWordsScoresZero() {
        let r = MTEval().score(hypotheses: [""], references: [["a b"]])
        XCTAssertEqual(r.bleu, 0)
        XCTAssertEqual(r.nist, 0)
    }

    static func cases() -> [[String: Any]] {
        var state: UInt64 = 0x5DEECE66D
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let words = ["The", "the", "Eagle", "pub", "near", "riverside", "is", "a", "cheap", "£20", "café", "Café", "5-star",
                     "3.5", "1,080", "don't", "(", ")", "\"", "&amp;", ",", ".", "!", "x,y", "U.S.", "É", "kid-friendly"]
        func sentence(_ low: Int, _ high: Int) -> String {
            (0..<(low + next(high - low + 1))).map { _ in words[next(words.count)] }.joined(separator: " ")
        }
        var cases: [[String: Any]] = []
        for k in 0..<200 {
            let segments = 1 + next(8)
            let refCount = k % 2 == 0 ? 1 : 1 + next(4)
            var hyps = (0..<segments).map { _ in sentence(0, 12) }
            hyps[0] = sentence(5, 12)  // nltk's NIST needs hypothesis 5-grams somewhere
            let refs = hyps.map { h in
                // Never empty: the script skips empty references when it picks the closest length, sacrebleu does not.
                (0..<refCount).map { _ in next(3) == 0 ? sentence(1, 16) : h + " " + sentence(h.isEmpty ? 1 : 0, 3) }
            }
            cases.append(["hyps": hyps, "refs": refs])
        }
        return cases
    }

    /// BLEU against sacrebleu (whose 13a tokenizer and exp smoothing are mteval-v13a's) and NIST against nltk's
    /// corpus_nist (the same convention with one reference per segment).
    func testParityWithSacrebleuAndNLTK() throws {
        let cases = Self.cases()
        let reference = try XCTUnwrap(try ReferenceScript.run("mteval_reference.py", cases: cases, package: "sacrebleu==2.6.0 nltk") as? [[String: Any]])
        XCTAssertEqual(reference.count, cases.count)
        var nistCompared = 0
        let singleReference = cases.filter { ($0["refs"] as! [[String]]).allSatisfy { $0.count == 1 } }.count
        for (c, ref) in zip(cases, reference) {
            let ours = MTEval().score(hypotheses: c["hyps"] as! [String], references: c["refs"] as! [[String]])
            let total = MTEval.sum(ours.segments)
            XCTAssertEqual(Array(total.matches.prefix(4)), ref["counts"] as? [Int], "\(c)")
            XCTAssertEqual(Array(total.totals.prefix(4)), ref["totals"] as? [Int], "\(c)")
            XCTAssertEqual(total.referenceLength, ref["ref_len"] as? Int, "\(c)")
            // With no unigram match at all sacrebleu returns 0 where the script still smooths (tested by hand).
            let bleu = try XCTUnwrap(ref["bleu"] as? Double)
            if total.matches[0] > 0 { XCTAssertEqual(ours.bleu, bleu, accuracy: 1e-9, "\(c)") }
            if let nist = ref["nist"] as? Double {
                XCTAssertEqual(ours.nist, nist, accuracy: 1e-9 * max(1, nist), "\(c)")
                nistCompared += 1
            }
        }
        XCTAssertEqual(nistCompared, singleReference)
        XCTAssertGreaterThan(nistCompared, 100)
    }
}
