import Metrics
import Results
import XCTest

final class CalibrationTests: XCTestCase {
    func testPerfectAndWorstCases() {
        let perfect = Calibration(confidences: [1, 1, 0, 0], correct: [true, true, false, false])
        XCTAssertEqual(perfect.ece, 0)
        XCTAssertEqual(perfect.brier, 0)
        XCTAssertEqual(perfect.auroc, 1)
        let wrong = Calibration(confidences: [1, 1, 1], correct: [false, false, false])
        XCTAssertEqual(wrong.ece, 1)
        XCTAssertEqual(wrong.mce, 1)
        XCTAssertEqual(wrong.brier, 1)
        XCTAssertNil(wrong.auroc, "one class only")
        let allRight = Calibration(confidences: [0.9, 0.8], correct: [true, true])
        XCTAssertEqual(allRight.ece, 0.15, accuracy: 1e-12)  // one bin each: |1−0.9|/2 + |1−0.8|/2
    }

    func testHandComputedValues() {
        // Confidences 0.95 (right), 0.95 (wrong), 0.35 (right), 0.25 (wrong).
        let c = Calibration(confidences: [0.95, 0.95, 0.35, 0.25], correct: [true, false, true, false])
        // Bins: (14/15, 1] holds both 0.95 (acc 0.5): |0.5−0.95| · 2/4; 0.35 in (5/15, 6/15]: |1−0.35|/4; 0.25 in (3/15, 4/15]: 0.25/4
        XCTAssertEqual(c.ece, 0.45 * 0.5 + 0.65 / 4 + 0.25 / 4, accuracy: 1e-12)
        XCTAssertEqual(c.mce, 0.65, accuracy: 1e-12)
        XCTAssertEqual(c.brier, (0.0025 + 0.9025 + 0.4225 + 0.0625) / 4, accuracy: 1e-12)
        // Positive ranks: 0.35 → 2, 0.95 tie → 3.5; U = 5.5 − 3 = 2.5 over 2·2 pairs.
        XCTAssertEqual(c.auroc!, 0.625, accuracy: 1e-12)
        XCTAssertEqual(c.selectiveAccuracy50, 0.5)  // the two 0.95s
        // Equal mass with 10 bins over 4 items: 4 singleton groups → mean |y − c|.
        XCTAssertEqual(c.eceEqualMass, (0.05 + 0.95 + 0.65 + 0.25) / 4, accuracy: 1e-12)
        XCTAssertEqual(c.bins.count, 15)
        XCTAssertEqual(c.bins.reduce(0) { $0 + $1.count }, 4)
    }
}
