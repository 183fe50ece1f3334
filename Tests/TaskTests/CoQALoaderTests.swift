import Foundation
import Tasks
import XCTest

final class CoQALoaderTests: XCTestCase {
    static let story = "Ana had a red kite. She flew it at the beach with Tom. Nobody knows why."

    /// A dev-file layout with additional answers (one of them an unknown answer without a span).
    static func document(storyText: String = story, answers: String? = nil, extraTurn: Int = 2, additional: Bool = true) -> String {
        let main = answers ?? """
        [{"span_start": 0, "span_end": 19, "span_text": "Ana had a red kite.", "input_text": "a kite", "turn_id": 1},
         {"span_start": 37, "span_end": 46, "span_text": "the beach", "input_text": "at the beach", "turn_id": 2}]
        """
        let extra = additional ? """
        , "additional_answers": {
          "0": [{"span_start": 10, "span_end": 18, "span_text": "red kite", "input_text": "a red kite", "turn_id": 1},
                {"span_start": 37, "span_end": 46, "span_text": "the beach", "input_text": "the beach", "turn_id": \(extraTurn)}],
          "1": [{"span_start": -1, "span_end": -1, "span_text": "unknown", "input_text": "kite", "turn_id": 1},
                {"span_start": 41, "span_end": 46, "span_text": "beach", "input_text": "beach", "turn_id": 2}]}
        """ : ""
        return """
        {"version": "1.0", "data": [{"source": "mctest", "id": "s1", "filename": "mc160.dev.1", "name": "mc160.dev.1",
          "story": \(String(data: try! JSONEncoder().encode(storyText), encoding: .utf8)!),
          "questions": [{"input_text": "What did Ana have?", "turn_id": 1}, {"input_text": "Where did she fly it?", "turn_id": 2}],
          "answers": \(main)\(extra)}]}
        """
    }

    func testTurnsBecomeExamplesWithHistoryAndAllReferences() throws {
        let f = try TaskFileFixture()
        let split = try CoQALoader.load(try f.write("dev.json", Self.document()))
        XCTAssertEqual(split.examples.count, 2)
        XCTAssertEqual(split.counts["stories"], 1)
        XCTAssertEqual(split.counts["references"], 6)
        let second = split.examples[1]
        XCTAssertEqual(second.id, "s1#2")
        XCTAssertEqual(second.group, "mctest")
        XCTAssertEqual(second.fields["question"], "Where did she fly it?")
        XCTAssertEqual(second.fields["history"], "Q: What did Ana have?\nA: a kite\n")
        XCTAssertEqual(split.examples[0].fields["history"], "")
        XCTAssertEqual(second.references, ["at the beach", "the beach", "beach"])
        XCTAssertEqual(split.examples[0].references, ["a kite", "a red kite", "kite"])
    }

    func testTrainLayoutWithoutAdditionalAnswers() throws {
        let f = try TaskFileFixture()
        let split = try CoQALoader.load(try f.write("train.json", Self.document(additional: false)))
        XCTAssertEqual(split.examples.map(\.references), [["a kite"], ["at the beach"]])
    }

    /// Offsets count Unicode scalars, as the official files (written from Python) do.
    func testSpanOffsetsCountUnicodeScalars() throws {
        let f = try TaskFileFixture()
        let text = "Zoë ate crème brûlée."
        let answers = """
        [{"span_start": 8, "span_end": 20, "span_text": "crème brûlée", "input_text": "crème brûlée", "turn_id": 1},
         {"span_start": 0, "span_end": 21, "span_text": "Zoë ate crème brûlée.", "input_text": "Zoë", "turn_id": 2}]
        """
        XCTAssertEqual(try CoQALoader.load(try f.write("u.json", Self.document(storyText: text, answers: answers, additional: false))).examples.count, 2)
    }

    func testMalformedFilesNameTheJSONPath() throws {
        let f = try TaskFileFixture()
        let outside = """
        [{"span_start": 0, "span_end": 19, "span_text": "x", "input_text": "a kite", "turn_id": 1},
         {"span_start": 60, "span_end": 400, "span_text": "x", "input_text": "far", "turn_id": 2}]
        """
        var path = try f.write("span.json", Self.document(answers: outside))
        assertTaskError(try CoQALoader.load(path), path: path, "data[0].answers[1]", "outside the story")
        let misnumbered = """
        [{"span_start": 0, "span_end": 19, "span_text": "x", "input_text": "a kite", "turn_id": 1},
         {"span_start": 0, "span_end": 4, "span_text": "x", "input_text": "b", "turn_id": 3}]
        """
        path = try f.write("turns.json", Self.document(answers: misnumbered))
        assertTaskError(try CoQALoader.load(path), path: path, "data[0].answers[1].turn_id", "is 3")
        path = try f.write("extraturns.json", Self.document(extraTurn: 5))
        assertTaskError(try CoQALoader.load(path), path: path, "additional_answers.0[1].turn_id", "is 5")
        path = try f.write("missing.json", Self.document().replacingOccurrences(of: "\"story\":", with: "\"storyy\":"))
        assertTaskError(try CoQALoader.load(path), path: path, "data[0]", "missing field 'story'")
        path = try f.write("type.json", Self.document().replacingOccurrences(of: "\"turn_id\": 2}]}", with: "\"turn_id\": \"2\"}]}"))
        assertTaskError(try CoQALoader.load(path), path: path, "turn_id", "expected an integer")
        path = try f.write("truncated.json", String(Self.document().prefix(120)))
        assertTaskError(try CoQALoader.load(path), path: path, "not valid JSON")
        let oneAnswer = "[{\"span_start\": 0, \"span_end\": 19, \"span_text\": \"x\", \"input_text\": \"a kite\", \"turn_id\": 1}]"
        path = try f.write("count.json", Self.document(answers: oneAnswer, additional: false))
        assertTaskError(try CoQALoader.load(path), path: path, "data[0]", "2 questions but 1 answers")
        path = try f.write("nodata.json", "{\"version\": \"1.0\", \"data\": []}")
        assertTaskError(try CoQALoader.load(path), path: path, "no stories")
    }
}
