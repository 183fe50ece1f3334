import Metrics
import XCTest

/// The paired bootstrap test and the interval against sacrebleu's own code, on the same resample indices: what
/// remains to compare is everything but the random draws (statistics, resampled sums, scores, p-value, percentiles).
final class BootstrapParityTests: XCTestCase {
    func testPairedTestAndIntervalEqualSacrebleus() throws {
        var state: UInt64 = 7
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let words = ["the", "cheap", "pub", "near", "river", "serves", "Italian", "food", ",", ".", "it", "is", "family", "friendly", "café"]
        func sentence() -> String { (0..<(3 + next(12))).map { _ in words[next(words.count)] }.joined(separator: " ") }
        func perturb(_ s: String, _ rate: Int) -> String {
            s.split(separator: " ").map { next(rate) == 0 ? words[next(words.count)] : String($0) }.joined(separator: " ")
        }
        var cases: [[String: Any]] = [], ours: [Bootstrap.PairedResult] = []
        for c in 0..<16 {
            let n = 20 + next(120)
            let refs = (0..<n).map { _ in sentence() }
            // From clearly different systems to nearly identical ones, so p-values cover the whole range.
            let baseline = refs.map { perturb($0, 2) }
            let system = c % 4 == 0 ? baseline.map { next(10) == 0 ? perturb($0, 3) : $0 } : refs.map { perturb($0, 2 + c % 5) }
            let seed = UInt64(100 + c)
            let input = { (h: [String]) in MetricInput(hypotheses: h, references: refs.map { [$0] }) }
            let b = try MetricRegistry.compute(["sacrebleu"], input(baseline), resources: MetricResources())["sacrebleu"]!
            let s = try MetricRegistry.compute(["sacrebleu"], input(system), resources: MetricResources())["sacrebleu"]!
            ours.append(Bootstrap.paired(baseline: b.statistics, system: s.statistics, seed: seed, score: s.corpusScore))
            cases.append(["baseline": baseline, "system": system, "refs": [refs],
                          "idxs": (0..<Bootstrap.defaultSamples).map { Bootstrap.indices(resample: $0, count: n, seed: seed) }])
        }
        let expected = try XCTUnwrap(try ReferenceScript.run("paired_reference.py", cases: cases, package: "sacrebleu==2.6.0") as? [[String: Double]])
        var pValues = Set<Double>()
        for (k, (o, e)) in zip(ours, expected).enumerated() {
            XCTAssertEqual(o.system, try XCTUnwrap(e["score"]), accuracy: 1e-9, "case \(k)")
            XCTAssertEqual(o.baseline, try XCTUnwrap(e["baseline_score"]), accuracy: 1e-9, "case \(k)")
            XCTAssertEqual(o.pValue, try XCTUnwrap(e["p_value"]), accuracy: 1e-12, "case \(k)")
            // sacrebleu sums float32 statistics; its resampled scores differ from ours in the last float32 digits.
            XCTAssertEqual(o.systemInterval.lower, try XCTUnwrap(e["lower"]), accuracy: 1e-4, "case \(k)")
            XCTAssertEqual(o.systemInterval.upper, try XCTUnwrap(e["upper"]), accuracy: 1e-4, "case \(k)")
            pValues.insert(o.pValue)
        }
        XCTAssertGreaterThan(pValues.count, 4, "cases spread over p-values: \(pValues.sorted())")
    }
}
