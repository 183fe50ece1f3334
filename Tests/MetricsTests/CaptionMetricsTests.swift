import Foundation
import Metrics
import XCTest

final class CaptionMetricsTests: XCTestCase {
    /// Hand-checkable: a hypothesis equal to its only reference, in a corpus of two unrelated segments.
    func testIdenticalSegmentScoresTenTimesItsShare() {
        let c = CIDEr()
        let s = c.score(hypotheses: ["a b c d", "x y"], references: [["a b c d"], ["z w"]])
        // Every n-gram of segment 0 occurs in 1 of 2 reference sets: idf log 2 for all, cosine 1, no length penalty.
        XCTAssertEqual(s.segments[0], 10, accuracy: 1e-12)
        XCTAssertEqual(s.segments[1], 0, accuracy: 1e-12)
    }

    /// Corpora for the caption metrics: repeated words (clipping), lengths far apart (the penalty), several
    /// references of different lengths, one-word and empty hypotheses.
    static func corpora() -> (cases: [[String: Any]], inputs: [([String], [[String]])]) {
        let vocabulary = ["the", "a", "pub", "near", "riverside", "cheap", "is", "food", "eagle", "city", "centre", ",", "."]
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        func sentence(_ maxWords: Int) -> String { (0..<next(maxWords + 1)).map { _ in vocabulary[next(vocabulary.count)] }.joined(separator: " ") }
        var cases: [[String: Any]] = []
        var inputs: [([String], [[String]])] = []
        for _ in 0..<40 {
            let segments = 1 + next(12)
            let hyps = (0..<segments).map { _ in sentence(14) }
            let refs = (0..<segments).map { _ in (0..<(1 + next(5))).map { _ in sentence(18) } }
            cases.append(["hyps": hyps, "refs": refs])
            inputs.append((hyps, refs))
        }
        return (cases, inputs)
    }

    func testMatchesPycocoevalcap() throws {
        let (cases, inputs) = Self.corpora()
        let expected = try XCTUnwrap(try ReferenceScript.run("caption_reference.py", cases: cases, package: "pycocoevalcap==1.2 numpy") as? [[String: Any]])
            .map { try XCTUnwrap($0["cider"] as? [String: Any]) }
        for (i, (hyps, refs)) in inputs.enumerated() {
            let ours = CIDEr().score(hypotheses: hyps, references: refs)
            let corpus = try XCTUnwrap(expected[i]["corpus"] as? Double)
            XCTAssertEqual(ours.corpus, corpus, accuracy: 1e-9 * max(1, abs(corpus)), "case \(i)")
            let segments = try XCTUnwrap(expected[i]["segments"] as? [Double])
            for (a, b) in zip(ours.segments, segments) { XCTAssertEqual(a, b, accuracy: 1e-9 * max(1, abs(b)), "case \(i)") }
        }
    }

    /// pycocoevalcap's ROUGE-L on the same corpora (the E2E and WebNLG scripts' ROUGE_L).
    func testCaptionROUGELMatchesPycocoevalcap() throws {
        let (cases, inputs) = Self.corpora()
        let expected = try XCTUnwrap(try ReferenceScript.run("caption_reference.py", cases: cases, package: "pycocoevalcap==1.2 numpy") as? [[String: Any]])
            .map { try XCTUnwrap($0["rouge"] as? [String: Any]) }
        for (i, (hyps, refs)) in inputs.enumerated() {
            let ours = CaptionROUGEL.corpus(hypotheses: hyps, references: refs)
            XCTAssertEqual(ours.corpus, try XCTUnwrap(expected[i]["corpus"] as? Double), accuracy: 1e-12, "case \(i)")
            let segments = try XCTUnwrap(expected[i]["segments"] as? [Double])
            for (a, b) in zip(ours.segments, segments) { XCTAssertEqual(a, b, accuracy: 1e-12, "case \(i)") }
        }
    }
}
