import Tasks
import XCTest

final class PromptFittingTests: XCTestCase {
    let template = PromptTemplate("{{story}}\n\n{{history}}Q: {{question}}\nA:")
    let fields = [
        "story": "Ana had a kite. It was red. She flew it at the beach. Tom watched her.",
        "history": "Q: What did Ana have?\nA: a kite\nQ: What colour?\nA: red\n",
        "question": "Who watched?",
    ]
    /// Whitespace-separated words stand in for model tokens.
    func words(_ s: String) -> Int { s.split(whereSeparator: \.isWhitespace).count }

    func testShortPromptsAreUntouched() throws {
        let fitted = try PromptFitting.fit(template, fields, budget: 100, tokens: words)
        XCTAssertFalse(fitted.truncated)
        XCTAssertEqual(fitted.prompt, try template.render(fields))
    }

    func testOldestTurnsGoFirst() throws {
        let full = words(try template.render(fields))
        let fitted = try PromptFitting.fit(template, fields, budget: full - 4, tokens: words)
        XCTAssertEqual(fitted.droppedTurns, 1)
        XCTAssertEqual(fitted.storyCharactersCut, 0)
        XCTAssertTrue(fitted.prompt.contains("Q: What colour?\nA: red\nQ: Who watched?\nA:"), fitted.prompt)
        XCTAssertFalse(fitted.prompt.contains("What did Ana have?"))
    }

    func testStoryIsCutAtASentenceAndTheQuestionStays() throws {
        let fitted = try PromptFitting.fit(template, fields, budget: 14, tokens: words)
        XCTAssertEqual(fitted.droppedTurns, 2)
        XCTAssertTrue(fitted.fits)
        XCTAssertTrue(fitted.prompt.hasPrefix("Ana had a kite. It was red.\n\nQ: Who watched?\nA:"), fitted.prompt)
        XCTAssertLessThanOrEqual(words(fitted.prompt), 14)

        let tiny = try PromptFitting.fit(template, fields, budget: 7, tokens: words)
        XCTAssertEqual(tiny.prompt, "Ana had a\n\nQ: Who watched?\nA:")
        let none = try PromptFitting.fit(template, fields, budget: 2, tokens: words)
        XCTAssertFalse(none.fits)
        XCTAssertTrue(none.prompt.hasSuffix("Q: Who watched?\nA:"))
    }
}
