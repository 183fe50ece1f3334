import Metrics
import XCTest

final class AnswerOverlapTests: XCTestCase {
    func testNormalisation() {
        XCTAssertEqual(AnswerOverlap.normalize("The  Cat, sat!"), "cat sat")
        XCTAssertEqual(AnswerOverlap.normalize("an apple a day"), "apple day")
        XCTAssertEqual(AnswerOverlap.normalize("theater anthem"), "theater anthem", "articles only as whole words")
        XCTAssertEqual(AnswerOverlap.normalize("the“quote”"), "“quote”", "a boundary before non-ASCII punctuation")
        XCTAssertEqual(AnswerOverlap.normalize("thé"), "thé", "é is a word character")
        XCTAssertEqual(AnswerOverlap.normalize("a_b"), "ab", "_ is in string.punctuation")
    }

    func testF1AndExactMatch() {
        XCTAssertEqual(AnswerOverlap.exactMatch("The Eiffel Tower.", "eiffel tower"), 1)
        // pred {in, paris, france} vs gold {paris}: P 1/3, R 1 → F1 0.5
        XCTAssertEqual(AnswerOverlap.f1("in Paris, France", "Paris"), 0.5, accuracy: 1e-12)
        XCTAssertEqual(AnswerOverlap.f1("blue blue", "blue"), 2.0 / 3, accuracy: 1e-12, "bag of tokens: one blue overlaps")
        XCTAssertEqual(AnswerOverlap.f1("", "the"), 1, "CoQA: both empty after normalisation")
        XCTAssertEqual(AnswerOverlap.f1("", "the", convention: .squad), 0)
        XCTAssertEqual(AnswerOverlap.f1("red", "blue"), 0)
    }

    func testLeaveOneOutAveragingOverSeveralGolds() {
        // golds: "Ben", "Ben", "a boy": leaving out each gold, the best EM of "ben" is 1, 1, 1 → 1;
        // F1 likewise 1. With golds "Ben", "the boy", "boy": leave-outs give max(0,1)=1, max(1,1)=1, max(1,0)=1 for
        // prediction "boy"? "boy" vs "Ben" 0, vs "the boy" 1, vs "boy" 1 → (1 + 1 + 1)/3.
        let a = AnswerOverlap.score(prediction: "ben", golds: ["Ben", "Ben", "a boy"])
        XCTAssertEqual(a.em, 1)
        let b = AnswerOverlap.score(prediction: "Ben", golds: ["Ben", "boy", "a boy"])
        // leave out Ben → max(EM vs boy, vs a boy) = 0; leave out boy → 1; leave out a boy → 1 → 2/3
        XCTAssertEqual(b.em, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(b.f1, 2.0 / 3, accuracy: 1e-12)
        let squad = AnswerOverlap.score(prediction: "Ben", golds: ["Ben", "boy"], convention: .squad)
        XCTAssertEqual(squad.em, 1)
    }
}
