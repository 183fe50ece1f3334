import Foundation
import Metrics
import XCTest

final class ROUGELTests: XCTestCase {
    func testHandComputed() {
        // LCS of "the cat sat on the mat" and "the cat is on the mat" is 5 of 6 tokens each way.
        let s = ROUGEL.rougeL(reference: "The cat sat on the mat.", candidate: "the cat is on the mat")
        XCTAssertEqual(s.precision, 5.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(s.fmeasure, 5.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(ROUGEL.rougeL(reference: "", candidate: "x").fmeasure, 0)
        XCTAssertEqual(ROUGEL.tokenize("Don't stop—2nd café!").map(String.init), ["don", "t", "stop", "2nd", "caf"])
    }

    func testParityWithRougeScore() throws {
        var state: UInt64 = 7
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        let words = ["the", "The", "cat", "sat", "on", "mat", "a", "dog", "ran", "café", "naïve", "1,080", "3.5", "don't", "x-y",
                     "THE", "Mat", "on.", "\n", "\n", "中文", "🚀", "", "--", "İstanbul", "STRASSE", "b2b", "c3po"]
        // Inflections the stemmer folds together, for the stemmed cases.
        let inflected = ["running", "runs", "cats", "Cat's", "happily", "happiness", "served", "serves", "serving", "located",
                         "locations", "ponies", "skies", "generalizations", "families", "family-friendly", "rated", "rating"]
        func text(_ vocabulary: [String]) -> String { (0..<(next() % 16)).map { _ in vocabulary[next() % vocabulary.count] }.joined(separator: " ") }
        var cases: [[String: Any]] = []
        for i in 0..<600 {
            let stem = i >= 300
            let vocabulary = stem ? words + inflected : words
            let hyp = text(vocabulary)
            let refs = (0..<(1 + next() % 3)).map { _ in next() % 2 == 0 ? text(vocabulary) : hyp + " " + text(vocabulary) }
            cases.append(["hyp": hyp, "refs": refs, "stem": stem])
        }
        let reference = try XCTUnwrap(try ReferenceScript.run("rouge_reference.py", cases: cases, package: "rouge-score==0.1.2")
            as? [[String: [Double]]])
        XCTAssertEqual(reference.count, 600)
        // The batch API (whose byte path serves unstemmed ROUGE-L) must agree too.
        let batch = ROUGEL.scores(candidates: cases.map { $0["hyp"] as! String }, references: cases.map { $0["refs"] as! [String] })
        for (k, (c, ref)) in zip(cases, reference).enumerated() where !(c["stem"] as! Bool) {
            XCTAssertEqual(batch[k].fmeasure, ref["rougeL"]![2], accuracy: 1e-9, "batch \(c)")
            XCTAssertEqual(batch[k].precision, ref["rougeL"]![0], accuracy: 1e-9, "batch \(c)")
        }
        for (c, ref) in zip(cases, reference) {
            let hyp = c["hyp"] as! String, refs = c["refs"] as! [String], stem = c["stem"] as! Bool
            for (key, summary) in [("rougeL", false), ("rougeLsum", true)] {
                let ours = ROUGEL.best(references: refs, candidate: hyp, summaryLevel: summary, stem: stem)
                let want = ref[key]!
                XCTAssertEqual(ours.precision, want[0], accuracy: 1e-9, "\(key) \(c)")
                XCTAssertEqual(ours.recall, want[1], accuracy: 1e-9, "\(key) \(c)")
                XCTAssertEqual(ours.fmeasure, want[2], accuracy: 1e-9, "\(key) \(c)")
            }
        }
    }

    /// NLTK's Porter stemmer, word for word: Porter's own examples for each step, NLTK's irregular forms and
    /// special cases, and stems plus suffixes that reach every rule.
    func testPorterStemmerMatchesNLTK() throws {
        var words = ["caresses", "ponies", "ties", "caress", "cats", "feed", "agreed", "plastered", "bled", "motoring", "sing",
                     "conflated", "troubled", "sized", "hopping", "tanned", "falling", "hissing", "fizzed", "failing", "filing",
                     "happy", "sky", "relational", "conditional", "rational", "valenci", "hesitanci", "digitizer", "conformabli",
                     "radicalli", "differentli", "vileli", "analogousli", "vietnamization", "predication", "operator", "feudalism",
                     "decisiveness", "hopefulness", "callousness", "formaliti", "sensitiviti", "sensibiliti", "triplicate",
                     "formative", "formalize", "electriciti", "electrical", "hopeful", "goodness", "revival", "allowance",
                     "inference", "airliner", "gyroscopic", "adjustable", "defensible", "irritant", "replacement", "adjustment",
                     "dependent", "adoption", "homologou", "communism", "activate", "angulariti", "homologous", "effective",
                     "bowdlerize", "probate", "rate", "cease", "controll", "roll", "skies", "dying", "lying", "tying", "news",
                     "innings", "outings", "cannings", "howe", "proceed", "exceed", "succeed", "dies", "died", "cried", "spied",
                     "generously", "fully", "beautifulli", "archaeologi", "biologi", "logi", "syy", "yyy", "by", "say", "sayings",
                     "yearly", "toy", "enjoying", "a", "is", "as", "ion", "nation", "ness", "ings", "eeds", "abli", "ably", "alli"]
        let stems = ["connect", "generate", "relate", "hope", "play", "try", "run", "fish", "nation", "sense", "form", "rate",
                     "digit", "logic", "care", "serve", "locate", "family", "friend", "price", "cheap", "coffee", "rive", "centre"]
        let suffixes = ["", "s", "es", "ies", "ed", "ied", "ing", "ly", "er", "ers", "ness", "ful", "fully", "ation", "ational",
                        "ations", "ization", "izer", "iveness", "ousness", "fulness", "ality", "ivity", "ibility", "ible", "able",
                        "ably", "ement", "ments", "ence", "ance", "ism", "ist", "ive", "ize", "ous", "ously", "al", "ally", "ic",
                        "ical", "icate", "iciti", "ant", "ent", "ently", "ion", "ions", "ologi", "logies", "bli", "alli", "ll", "e"]
        for s in stems { for x in suffixes { words.append(s + x) } }
        let expected = try XCTUnwrap(try ReferenceScript.run("porter_reference.py", cases: words, package: "nltk") as? [String])
        XCTAssertEqual(expected.count, words.count)
        var mismatches: [String] = []
        for (word, want) in zip(words, expected) where PorterStemmer.stem(word) != want {
            mismatches.append("\(word): \(PorterStemmer.stem(word)) ≠ \(want)")
        }
        XCTAssertEqual(mismatches, [], "\(mismatches.count) of \(words.count) words differ")
    }
}
