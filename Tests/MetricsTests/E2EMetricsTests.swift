import Foundation
import Metrics
import Tasks
import XCTest

final class E2EMetricsTests: XCTestCase {
    /// Shipped E2E test references with hypotheses made from one of them (cased, punctuated, perturbed), scored
    /// by our pipeline and by pycocoevalcap's (tokenizer jar, METEOR jar, ROUGE-L, CIDEr-D).
    func testCOCOHalfMatchesPycocoevalcap() throws {
        let resources = try METEORTests.resources()
        let corpora = try METEORTests.corpora().prefix(6)
        let cases = corpora.map { ["hyps": $0.hyps, "refs": $0.refs] as [String: Any] }
        let expected = try XCTUnwrap(try ReferenceScript.run("e2e_reference.py", cases: Array(cases), package: "pycocoevalcap==1.2 (and Java)") as? [[String: Double]])
        let metrics = E2EMetrics(meteorResources: resources)
        for (i, c) in corpora.enumerated() {
            let ours = try metrics.score(hypotheses: c.hyps, references: c.refs).scores
            XCTAssertEqual(ours.METEOR, try XCTUnwrap(expected[i]["METEOR"]), accuracy: 1e-9, "case \(i)")
            XCTAssertEqual(ours.ROUGE_L, try XCTUnwrap(expected[i]["ROUGE_L"]), accuracy: 1e-9, "case \(i)")
            XCTAssertEqual(ours.CIDEr, try XCTUnwrap(expected[i]["CIDEr"]), accuracy: 1e-9, "case \(i)")
        }
    }

    /// BLEU and NIST take the raw text: identical hypotheses and references score BLEU 1.
    func testIdenticalOutputs() throws {
        let resources = try METEORTests.resources()
        let refs = [["The Eagle is a cheap pub.", "A cheap pub, The Eagle."], ["Near the river."]]
        let r = try E2EMetrics(meteorResources: resources).score(hypotheses: ["The Eagle is a cheap pub.", "Near the river."], references: refs)
        XCTAssertEqual(r.scores.BLEU, 1, accuracy: 1e-12)
        XCTAssertEqual(r.scores.METEOR, 1, accuracy: 1e-12)
        XCTAssertEqual(r.scores.ROUGE_L, 1, accuracy: 1e-12)
        XCTAssertGreaterThan(r.scores.NIST, 0)
    }
}
