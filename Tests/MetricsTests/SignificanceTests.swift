import Engine
import Metrics
import XCTest

/// Holm's correction on a known table, the paired randomisation test against a direct enumeration, the
/// seeds-and-examples interval, and calibration error from summed per-example rows against the direct computation.
final class SignificanceTests: XCTestCase {
    func testHolmOnAKnownTable() {
        // Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → made monotone: 0.06.
        let adjusted = Holm.adjust([0.01, 0.04, 0.03, 0.005])
        for (a, e) in zip(adjusted, [0.03, 0.06, 0.06, 0.02]) { XCTAssertEqual(a, e, accuracy: 1e-12) }
        XCTAssertEqual(Holm.adjust([0.5, 0.6]), [1, 1])
        XCTAssertEqual(Holm.adjust([]), [])
    }

    /// Two seeds × three examples of a mean-of-segments metric: the p-value is the share of the 64 swaps whose
    /// |difference of means over seeds| reaches the observed one, counted here directly.
    func testExactRandomizationEqualsDirectEnumeration() {
        let system: [[Double]] = [[1, 0.5, 0.9], [0.8, 0.7, 1.0]]
        let baseline: [[Double]] = [[0.2, 0.5, 0.4], [0.6, 0.1, 0.3]]
        func runs(_ scores: [[Double]]) -> SeedRuns { SeedRuns(seeds: [0, 1], statistics: scores.map { SegmentStatistics(means: $0) }) }
        let r = PairedRandomization.test(system: runs(system), baseline: runs(baseline), score: meanOfSegments)
        XCTAssertTrue(r.exact)
        XCTAssertEqual(r.trials, 64)
        func delta(_ swap: (Int, Int) -> Bool) -> Double {
            var total = 0.0
            for s in 0..<2 {
                var a = 0.0, b = 0.0
                for i in 0..<3 {
                    a += swap(s, i) ? baseline[s][i] : system[s][i]
                    b += swap(s, i) ? system[s][i] : baseline[s][i]
                }
                total += a / 3 - b / 3
            }
            return total / 2
        }
        let observed = delta { _, _ in false }
        var reach = 0
        for mask in 0..<64 where abs(delta { s, i in mask & (1 << (s * 3 + i)) != 0 }) >= abs(observed) - 1e-12 { reach += 1 }
        XCTAssertEqual(r.delta, observed, accuracy: 1e-12)
        XCTAssertEqual(r.pValue, Double(reach) / 64, accuracy: 1e-12)
        XCTAssertEqual(reach, 4)   // the observed split, its mirror, and the two that differ only where the systems tie
    }

    /// A corpus score that is a ratio of sums (as BLEU's precisions are): swapping moves whole rows.
    func testRandomizationOfARatioOfSums() {
        let sys = SegmentStatistics(width: 2, values: [3, 4, 2, 2, 5, 6])
        let base = SegmentStatistics(width: 2, values: [1, 4, 2, 2, 1, 6])
        let ratio: CorpusScore = { $0[0] / $0[1] }
        let r = PairedRandomization.test(system: SeedRuns(seeds: [7], statistics: [sys]), baseline: SeedRuns(seeds: [7], statistics: [base]), score: ratio)
        // Observed: 10/12 − 4/12 = 0.5; the share of the 8 swaps that reach it, counted directly.
        var reach = 0
        for mask in 0..<8 {
            var a = [0.0, 0.0], b = [0.0, 0.0]
            for i in 0..<3 {
                let x = [sys.values[2 * i], sys.values[2 * i + 1]], y = [base.values[2 * i], base.values[2 * i + 1]]
                let (p, q) = mask & (1 << i) != 0 ? (y, x) : (x, y)
                a[0] += p[0]; a[1] += p[1]; b[0] += q[0]; b[1] += q[1]
            }
            if abs(a[0] / a[1] - b[0] / b[1]) >= 0.5 - 1e-12 { reach += 1 }
        }
        XCTAssertEqual(r.delta, 0.5, accuracy: 1e-12)
        XCTAssertEqual(r.pValue, Double(reach) / 8, accuracy: 1e-12)
    }

    /// With more assignments than trials the test samples them; its p-value lands near the exact one.
    func testSampledRandomizationApproachesTheExactValue() {
        var rng = RandomGenerator(seed: 3)
        let n = 6
        let sys = (0..<2).map { _ in SegmentStatistics(means: (0..<n).map { _ in rng.nextUniform() + 0.15 }) }
        let base = (0..<2).map { _ in SegmentStatistics(means: (0..<n).map { _ in rng.nextUniform() }) }
        let a = SeedRuns(seeds: [0, 1], statistics: sys), b = SeedRuns(seeds: [0, 1], statistics: base)
        let exact = PairedRandomization.test(system: a, baseline: b, trials: 4096, score: meanOfSegments)
        let sampled = PairedRandomization.test(system: a, baseline: b, trials: 4000, score: meanOfSegments)
        XCTAssertTrue(exact.exact)
        XCTAssertFalse(sampled.exact)
        XCTAssertEqual(sampled.pValue, exact.pValue, accuracy: 0.03)
        // Identical systems: nothing to find.
        XCTAssertEqual(PairedRandomization.test(system: a, baseline: a, trials: 500, score: meanOfSegments).pValue, 1)
    }

    func testSeedsAndExamplesInterval() {
        // Every row the same: no spread whatever is drawn.
        let flat = SeedRuns(seeds: [0, 1, 2], statistics: (0..<3).map { _ in SegmentStatistics(means: [Double](repeating: 0.4, count: 20)) })
        let i = SeedsAndSegments.interval(flat, score: meanOfSegments)
        XCTAssertEqual(i.lower, 0.4, accuracy: 1e-12)
        XCTAssertEqual(i.upper, 0.4, accuracy: 1e-12)
        // Seeds that disagree widen it beyond the examples' own spread, and it holds the mean.
        var rng = RandomGenerator(seed: 9)
        let examples = (0..<40).map { _ in rng.nextUniform() }
        let one = SeedRuns(seeds: [0, 1, 2], statistics: (0..<3).map { _ in SegmentStatistics(means: examples) })
        let spread = SeedRuns(seeds: [0, 1, 2], statistics: [0.0, 0.2, -0.2].map { d in SegmentStatistics(means: examples.map { $0 + d }) })
        let narrow = SeedsAndSegments.interval(one, score: meanOfSegments), wide = SeedsAndSegments.interval(spread, score: meanOfSegments)
        XCTAssertGreaterThan(wide.upper - wide.lower, narrow.upper - narrow.lower)
        let mean = examples.reduce(0, +) / 40
        XCTAssertTrue(narrow.lower < mean && mean < narrow.upper)
        XCTAssertEqual(SeedsAndSegments.interval(spread, score: meanOfSegments), wide, "seeded: the same interval twice")
    }
}
