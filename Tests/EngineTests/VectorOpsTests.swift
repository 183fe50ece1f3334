@testable import Engine
import XCTest

final class VectorOpsTests: XCTestCase {
    func testMaximumMatchesTheScalarScanAtEveryLengthAndSkipsNaN() {
        var rng = RandomGenerator(seed: 5)
        for n in 0..<40 {
            var x = (0..<n).map { _ in Float(rng.nextUniform() * 200 - 100) }
            if n > 3 { x[n / 2] = .nan; x[1] = -.infinity }
            let expected = x.reduce(-Float.infinity) { $1 > $0 ? $1 : $0 }
            XCTAssertEqual(VectorOps.max(x, n), expected, "n = \(n)")
        }
        let allLow = [Float](repeating: -.infinity, count: 19)
        XCTAssertEqual(VectorOps.max(allLow, 19), -.infinity)
        XCTAssertEqual(VectorOps.max([1, 2, 3, 4, 5, 6, 7, 8, 9, 40, 11, 12, 13, 14, 15, 16, 17], 17), 40)
    }
}
