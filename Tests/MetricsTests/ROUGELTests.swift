import Foundation
import Metrics
import XCTest

final class ROUGELTests: XCTestCase {
    func testHandComputed() {
        // LCS of "the cat sat on the mat" and "the cat is on the mat" is 5 of 6 tokens each way.
        let s = ROUGEL.rougeL(reference: "The cat sat on the mat.", candidate: "the cat is on the mat")
        XCTAssertEqual(s.precision, 5.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(s.fmeasure, 5.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(ROUGEL.rougeL(reference: "", candidate: "x").fmeasure, 0)
        XCTAssertEqual(ROUGEL.tokenize("Don't stop—2nd café!").map(String.init), ["don", "t", "stop", "2nd", "caf"])
    }

    func testParityWithRougeScore() throws {
        var state: UInt64 = 7
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        let words = ["the", "The", "cat", "sat", "on", "mat", "a", "dog", "ran", "café", "naïve", "1,080", "3.5", "don't", "x-y",
                     "THE", "Mat", "on.", "\n", "\n", "中文", "🚀", "", "--", "İstanbul", "STRASSE", "b2b", "c3po"]
        func text() -> String { (0..<(next() % 16)).map { _ in words[next() % words.count] }.joined(separator: " ") }
        var cases: [[String: Any]] = []
        for _ in 0..<300 {
            let hyp = text()
            let refs = (0..<(1 + next() % 3)).map { _ in next() % 2 == 0 ? text() : hyp + " " + text() }
            cases.append(["hyp": hyp, "refs": refs])
        }
        let reference = try XCTUnwrap(try ReferenceScript.run("rouge_reference.py", cases: cases, package: "rouge-score==0.1.2")
            as? [[String: [Double]]])
        XCTAssertEqual(reference.count, 300)
        for (c, ref) in zip(cases, reference) {
            let hyp = c["hyp"] as! String, refs = c["refs"] as! [String]
            for (key, summary) in [("rougeL", false), ("rougeLsum", true)] {
                let ours = ROUGEL.best(references: refs, candidate: hyp, summaryLevel: summary)
                let want = ref[key]!
                XCTAssertEqual(ours.precision, want[0], accuracy: 1e-9, "\(key) \(c)")
                XCTAssertEqual(ours.recall, want[1], accuracy: 1e-9, "\(key) \(c)")
                XCTAssertEqual(ours.fmeasure, want[2], accuracy: 1e-9, "\(key) \(c)")
            }
        }
    }
}
