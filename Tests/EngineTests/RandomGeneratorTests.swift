import Engine
import XCTest

final class RandomGeneratorTests: XCTestCase {
    func testSameSeedSameStreamDifferentSeedDifferentStream() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42), c = RandomGenerator(seed: 43)
        let xa = (0..<16).map { _ in a.next() }, xb = (0..<16).map { _ in b.next() }, xc = (0..<16).map { _ in c.next() }
        XCTAssertEqual(xa, xb)
        XCTAssertNotEqual(xa, xc)
    }

    func testNormalMoments() {
        var g = RandomGenerator(seed: 1)
        let n = 200_000
        var s = 0.0, s2 = 0.0
        for _ in 0..<n { let x = g.nextNormal(); s += x; s2 += x * x }
        XCTAssertEqual(s / Double(n), 0, accuracy: 0.01)
        XCTAssertEqual(s2 / Double(n), 1, accuracy: 0.02)
    }

    func testDerivedStreamsAreIndependentOfEachOther() {
        var a = RandomGenerator.derived(seed: 5, stream: "model.layers.0.self_attn.q_proj.weight")
        var b = RandomGenerator.derived(seed: 5, stream: "model.layers.0.self_attn.k_proj.weight")
        XCTAssertNotEqual(a.next(), b.next())
    }
}
