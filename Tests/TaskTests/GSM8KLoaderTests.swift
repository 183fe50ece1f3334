import Tasks
import XCTest

final class GSM8KLoaderTests: XCTestCase {
    static let records = """
    {"question": "Tom has 3 boxes of 360 pens. How many pens?", "answer": "3 * 360 = <<3*360=1080>>1080\\n#### 1,080"}
    {"question": "It was 2 degrees and fell by 7. Now?", "answer": "2 - 7 = <<2-7=-5>>-5\\n#### -5"}

    {"question": "Half of 5?", "answer": "5 / 2 = <<5/2=2.5>>2.5\\n#### 2.5"}

    """

    func testFinalAnswersCalculatorAnnotationsAndBlankLines() throws {
        let f = try TaskFileFixture()
        let path = try f.write("test.jsonl", Self.records.replacingOccurrences(of: "\n", with: "\r\n"))
        let split = try GSM8KLoader.load(path)
        XCTAssertEqual(split.examples.count, 3)
        XCTAssertEqual(split.examples.map { $0.fields["answer_number"] }, ["1080", "-5", "2.5"])
        XCTAssertEqual(split.examples[2].id, "line4")
        XCTAssertEqual(split.counts["calculator_annotations"], 3)
        XCTAssertEqual(split.examples[0].references, ["3 * 360 = <<3*360=1080>>1080\n#### 1,080"])
        let stripped = try GSM8KLoader.load(path, stripCalculator: true)
        XCTAssertEqual(stripped.examples[0].references, ["3 * 360 = 1080\n#### 1,080"])
        XCTAssertEqual(stripped.examples[1].references, ["2 - 7 = -5\n#### -5"])
    }

    func testFinalAnswerParsing() {
        XCTAssertEqual(GSM8KLoader.finalAnswer("a\n#### 18"), "18")
        XCTAssertEqual(GSM8KLoader.finalAnswer("#### 1,234,567"), "1234567")
        XCTAssertNil(GSM8KLoader.finalAnswer("the answer is 18"))
        XCTAssertNil(GSM8KLoader.finalAnswer("#### eighteen"))
        XCTAssertNil(GSM8KLoader.finalAnswer("#### "))
    }

    func testMalformedLinesAreNamed() throws {
        let f = try TaskFileFixture()
        let good = "{\"question\": \"q\", \"answer\": \"a\\n#### 1\"}\n"
        var path = try f.write("badjson.jsonl", good + good + "{\"question\": \"q\", \"answer\": \n")
        assertTaskError(try GSM8KLoader.load(path), path: path, "line 3", "not valid JSON")
        path = try f.write("noanswer.jsonl", good + "{\"question\": \"q\"}\n")
        assertTaskError(try GSM8KLoader.load(path), path: path, "line 2", "missing field 'answer'")
        path = try f.write("nomarker.jsonl", "{\"question\": \"q\", \"answer\": \"it is 4\"}\n")
        assertTaskError(try GSM8KLoader.load(path), path: path, "line 1", "####")
        path = try f.write("array.jsonl", "[1, 2]\n")
        assertTaskError(try GSM8KLoader.load(path), path: path, "line 1", "not a JSON object")
        path = try f.write("number.jsonl", "{\"question\": 3, \"answer\": \"#### 1\"}\n")
        assertTaskError(try GSM8KLoader.load(path), path: path, "line 1", "'question' is not a string")
        path = try f.write("blank.jsonl", "\n\n")
        assertTaskError(try GSM8KLoader.load(path), path: path, "no records")
    }
}
