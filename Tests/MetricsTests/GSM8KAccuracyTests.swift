import Metrics
import XCTest

final class GSM8KAccuracyTests: XCTestCase {
    func testExtraction() {
        let out = "She has 5+24=<<5+24=29>>29 apples.\n#### 29"
        XCTAssertEqual(GSM8KAccuracy.extract(out, .strict), "29")
        XCTAssertEqual(GSM8KAccuracy.extract("#### -1,080.50 dollars", .strict), "-1,080.50")
        XCTAssertNil(GSM8KAccuracy.extract("The answer is 29.", .strict))
        XCTAssertEqual(GSM8KAccuracy.extract("The answer is 29.", .flexible), "29.")
        XCTAssertEqual(GSM8KAccuracy.extract("It costs $29.00 in total", .flexible), "$29.00")
        XCTAssertEqual(GSM8KAccuracy.extract("from 3 to 12 then -7", .flexible), "-7")
        XCTAssertNil(GSM8KAccuracy.extract("no numbers here", .flexible))
    }

    func testNumericComparison() {
        XCTAssertEqual(GSM8KAccuracy.value("$29.00"), GSM8KAccuracy.value("29"))
        XCTAssertEqual(GSM8KAccuracy.value("1,080"), GSM8KAccuracy.value("1080"))
        XCTAssertEqual(GSM8KAccuracy.value("29."), 29)
        XCTAssertNil(GSM8KAccuracy.value("-"))
        let reference = "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\n#### 72"
        XCTAssertTrue(GSM8KAccuracy.judge(output: "... so 72 in all.\n#### 72", reference: reference, mode: .strict).correct)
        XCTAssertTrue(GSM8KAccuracy.judge(output: "She sold $72.00 of clips.", reference: reference, mode: .flexible).correct)
        XCTAssertFalse(GSM8KAccuracy.judge(output: "She sold 72 clips.", reference: reference, mode: .strict).correct)
        XCTAssertEqual(GSM8KAccuracy.judge(output: "#### 71", reference: reference, mode: .strict),
                       GSM8KAccuracy.Judgement(extracted: "71", correct: false))
    }
}
