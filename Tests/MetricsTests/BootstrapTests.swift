import Metrics
import XCTest

final class BootstrapTests: XCTestCase {
    func testIntervalIsSeededAndSurroundsTheEstimate() {
        let scores = SegmentStatistics(means: (0..<200).map { Double($0 % 10) })
        let a = Bootstrap.interval(scores, score: meanOfSegments), b = Bootstrap.interval(scores, score: meanOfSegments)
        XCTAssertEqual(a, b)
        XCTAssertLessThan(a.lower, 4.5)
        XCTAssertGreaterThan(a.upper, 4.5)
        // Standard error of the mean is ~0.2 here: the 95% interval is about ±0.4.
        XCTAssertEqual(a.upper - a.lower, 0.8, accuracy: 0.25)
        XCTAssertNotEqual(Bootstrap.interval(scores, seed: 7, score: meanOfSegments), a)
    }

    /// The interval is the 25th and 975th of the sorted resample scores, each resample drawing
    /// `Bootstrap.indices`: computed here directly, one resample at a time.
    func testIntervalEqualsADirectComputation() {
        let xs = (0..<57).map { Double(($0 * 37) % 23) / 7 }
        let direct = (0..<1000).map { k -> Double in
            let idx = Bootstrap.indices(resample: k, count: xs.count, seed: 99)
            return idx.reduce(0) { $0 + xs[$1] } / Double(xs.count)
        }.sorted()
        let ci = Bootstrap.interval(SegmentStatistics(means: xs), seed: 99, score: meanOfSegments)
        XCTAssertEqual(ci.lower, direct[25], accuracy: 1e-12)
        XCTAssertEqual(ci.upper, direct[974], accuracy: 1e-12)
    }

    /// p = (#{k : |Δₖ| − mean|Δ| > |Δ|} + 1) / 1001, by hand from the same resamples.
    func testPairedPValueEqualsADirectComputation() {
        let a = (0..<40).map { Double($0 % 5) }, b = (0..<40).map { Double(($0 * 3) % 7) / 1.5 }
        let result = Bootstrap.paired(baseline: SegmentStatistics(means: a), system: SegmentStatistics(means: b), seed: 5, score: meanOfSegments)
        let mean: ([Double]) -> Double = { $0.reduce(0, +) / Double($0.count) }
        let real = abs(mean(b) - mean(a))
        let diffs = (0..<1000).map { k -> Double in
            let idx = Bootstrap.indices(resample: k, count: 40, seed: 5)
            return abs(mean(idx.map { b[$0] }) - mean(idx.map { a[$0] }))
        }
        let m = mean(diffs)
        let expected = Double(diffs.filter { $0 - m > real }.count + 1) / 1001
        XCTAssertEqual(result.pValue, expected, accuracy: 1e-12)
        XCTAssertEqual(result.system, mean(b), accuracy: 1e-12)
        XCTAssertEqual(result.baseline, mean(a), accuracy: 1e-12)
    }

    func testPairedTestSeparatesAClearlyBetterSystem() throws {
        let refs = (0..<60).map { "the quick brown fox number \($0) jumps over the lazy dog" }
        let good = refs.map { $0.replacingOccurrences(of: "lazy", with: "sleepy") }
        let bad = refs.map { _ in "a completely different sentence" }
        func bleu(_ hyps: [String]) throws -> MetricScores {
            try MetricRegistry.compute(["sacrebleu"], MetricInput(hypotheses: hyps, references: refs.map { [$0] }), resources: MetricResources())["sacrebleu"]!
        }
        let g = try bleu(good), b = try bleu(bad)
        let clear = Bootstrap.paired(baseline: b.statistics, system: g.statistics, score: g.corpusScore)
        XCTAssertLessThan(clear.pValue, 0.01)
        XCTAssertGreaterThan(clear.system, clear.baseline)
        // Two systems that differ on a single segment of sixty: no evidence of a difference.
        var nearlyGood = good
        nearlyGood[0] = "the quick brown fox"
        let close = Bootstrap.paired(baseline: g.statistics, system: try bleu(nearlyGood).statistics, score: g.corpusScore)
        XCTAssertGreaterThan(close.pValue, 0.05)
    }
}
