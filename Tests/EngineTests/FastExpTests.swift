import Engine
import Foundation
import XCTest

final class FastExpTests: XCTestCase {
    func testWithinOneUlpOverTheNormalRange() {
        var worst: Float = 0
        var x: Float = -87
        while x < 88 {
            let v = SIMD8<Float>(x, x + 0.001, x + 0.0023, x - 0.0017, x + 0.31, x + 0.5, x + 0.77, x + 0.013)
            let e = exp8(v)
            for i in 0..<8 where v[i] < 88.3 && v[i] > -87.3 {
                let ref = Float(Foundation.exp(Double(v[i])))
                worst = max(worst, abs(e[i] - ref) / ref.ulp)
            }
            x += 0.0137
        }
        XCTAssertLessThanOrEqual(worst, 1.0)
        XCTAssertEqual(exp1(0), 1)
        XCTAssertEqual(exp1(1), Float(M_E), accuracy: Float(M_E).ulp)
    }

    func testMaskedScoresWeighNothing() {
        let e = exp8(SIMD8(-.infinity, -100, -87.5, 0, -.infinity, 1, 2, -1000))
        XCTAssertEqual(e[0], 0)
        XCTAssertEqual(e[1], 0)
        XCTAssertEqual(e[2], 0)
        XCTAssertEqual(e[4], 0)
        XCTAssertEqual(e[7], 0)
        XCTAssertEqual(e[3], 1)
        XCTAssertFalse(exp8(SIMD8(repeating: 1000))[0].isNaN)
    }
}
