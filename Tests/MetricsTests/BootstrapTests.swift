import Metrics
import XCTest

final class BootstrapTests: XCTestCase {
    func testIntervalIsSeededAndSurroundsTheEstimate() {
        let scores = (0..<200).map { Double($0 % 10) }
        let mean: ([Double]) -> Double = { $0.reduce(0, +) / Double($0.count) }
        let a = Bootstrap.interval(segments: scores, score: mean), b = Bootstrap.interval(segments: scores, score: mean)
        XCTAssertEqual(a, b)
        XCTAssertLessThan(a.lower, 4.5)
        XCTAssertGreaterThan(a.upper, 4.5)
        // Standard error of the mean is ~0.2 here: the 95% interval is about ±0.4.
        XCTAssertEqual(a.upper - a.lower, 0.8, accuracy: 0.25)
        XCTAssertNotEqual(Bootstrap.interval(segments: scores, seed: 7, score: mean), a)
    }

    func testPairedTestSeparatesAClearlyBetterSystem() {
        let bleu = BLEU()
        let refs = (0..<60).map { "the quick brown fox number \($0) jumps over the lazy dog" }
        let good = refs.map { $0.replacingOccurrences(of: "lazy", with: "sleepy") }
        let bad = refs.map { _ in "a completely different sentence" }
        let goodStats = bleu.corpusStatistics(hypotheses: good, references: [refs])
        let badStats = bleu.corpusStatistics(hypotheses: bad, references: [refs])
        let clear = Bootstrap.paired(baseline: badStats, system: goodStats) { bleu.score(segments: $0) }
        XCTAssertLessThan(clear.pValue, 0.01)
        XCTAssertGreaterThan(clear.system, clear.baseline)
        // Two systems that differ on a single segment of sixty: no evidence of a difference.
        var nearlyGood = good
        nearlyGood[0] = "the quick brown fox"
        let close = Bootstrap.paired(baseline: goodStats, system: bleu.corpusStatistics(hypotheses: nearlyGood, references: [refs])) {
            bleu.score(segments: $0)
        }
        XCTAssertGreaterThan(close.pValue, 0.05)
    }
}
