import Foundation
import Metrics
import Tasks
import XCTest

final class METEORTests: XCTestCase {
    static func resources() throws -> METEORResources {
        let folder = METEORResources.defaultFolder
        guard FileManager.default.fileExists(atPath: folder + "/meteor-1.5.jar") else {
            throw XCTSkip("METEOR resources missing: run scripts/fetch-meteor.sh")
        }
        return try METEORResources(folder: folder)
    }

    /// Words the synonym, stem and paraphrase modules should reach, swapped into real references.
    static let swaps: [(String, String)] = [
        ("restaurant", "eatery"), ("cheap", "inexpensive"), ("serves", "served"), ("located", "situated"), ("near", "close to"),
        ("family", "families"), ("food", "cuisine"), ("rating", "ratings"), ("is", "was"), ("coffee shop", "cafe"),
        ("riverside", "river side"), ("high", "higher"), ("children", "kids"), ("price", "cost"), ("the", "a"),
    ]

    static func corpora() throws -> [(hyps: [String], refs: [[String]])] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let examples = try TaskFormat.e2e.load(root.appendingPathComponent("tasks/data/e2e/validation.csv").path).examples
            .filter { $0.references.count >= 2 }
        var state: UInt64 = 77
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        var out: [([String], [[String]])] = []
        for c in 0..<12 {
            var hyps: [String] = [], refs: [[String]] = []
            for k in 0..<8 {
                let e = examples[(c * 8 + k) % examples.count]
                var hyp = e.references[0]
                for _ in 0..<next(4) {
                    let (a, b) = swaps[next(swaps.count)]
                    hyp = next(2) == 0 ? hyp.replacingOccurrences(of: a, with: b) : hyp.replacingOccurrences(of: b, with: a)
                }
                if next(5) == 0 {
                    var g = Shuffle(seed: UInt64(c * 8 + k))
                    hyp = hyp.split(separator: " ").shuffled(using: &g).joined(separator: " ")
                }
                hyps.append(hyp)
                refs.append(Array(e.references.dropFirst()))
            }
            if c == 0 { hyps[1] = ""; hyps[2] = refs[2][0] }
            out.append((hyps, refs))
        }
        // The normalizer's cases: punctuation, quotes, hyphens, contractions, dots, numbers, case.
        let probes = PTBTokenizerTests.probes.filter { !$0.isEmpty } + PTBTokenizerTests.generated().prefix(200)
        for c in 0..<4 {
            let lines = Array(probes[(c * probes.count / 4)..<((c + 1) * probes.count / 4)])
            let hyps = lines.map { $0 }
            let refs = lines.indices.map { k in [lines[(k + 1) % lines.count], lines[k].split(separator: " ").dropLast().joined(separator: " ") + " ."] }
            out.append((hyps, refs))
        }
        return out
    }

    struct Shuffle: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed &+ 0x9E3779B97F4A7C15 }
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state
        }
    }

    /// nltk's meteor_score on the same corpora, whitespace-tokenized.
    func testNLTKVariantMatchesNLTK() throws {
        guard FileManager.default.fileExists(atPath: WordNet.defaultFolder + "/index.noun") else {
            throw XCTSkip("WordNet missing: install the Debian package wordnet-base")
        }
        let corpora = try Self.corpora()
        let cases = corpora.map { ["hyps": $0.hyps, "refs": $0.refs] as [String: Any] }
        let expected = try XCTUnwrap(try ReferenceScript.run("meteor_nltk_reference.py", cases: cases, package: "nltk") as? [[Double]])
        let meteor = METEORNLTK(wordnet: try WordNet())
        for (i, c) in corpora.enumerated() {
            let ours = meteor.corpus(hypotheses: c.hyps, references: c.refs)
            for (k, (a, b)) in zip(ours.segments, expected[i]).enumerated() {
                XCTAssertEqual(a, b, accuracy: 1e-12, "case \(i) segment \(k): \(c.hyps[k]) | \(c.refs[k])")
            }
        }
    }

    /// Hand-checkable nltk METEOR: all four words matched in order → one chunk.
    func testNLTKVariantByHand() throws {
        guard FileManager.default.fileExists(atPath: WordNet.defaultFolder + "/index.noun") else { throw XCTSkip("WordNet missing") }
        let m = METEORNLTK(wordnet: try WordNet())
        let fMean = 1.0  // P = R = 1
        XCTAssertEqual(m.score(hypothesis: "a b c d", references: ["a b c d"]), (1 - 0.5 * Foundation.pow(0.25, 3)) * fMean, accuracy: 1e-12)
        XCTAssertEqual(m.score(hypothesis: "", references: ["a"]), 0)
        XCTAssertEqual(m.score(hypothesis: "x", references: ["y"]), 0)
    }

    /// The statistics' arithmetic by hand: 3 of 4 words matched exactly in 2 chunks, no function words.
    func testScoreFromStatistics() {
        var s = METEOR.Statistics()
        s.testLength = 4; s.referenceLength = 4
        s.testContent = [3, 0, 0, 0]; s.referenceContent = [3, 0, 0, 0]
        s.chunks = 2; s.testWordMatches = 3; s.referenceWordMatches = 3
        let p = 0.75 * 3 / (0.75 * 4), r = p
        let fMean = 1 / (0.15 / p + 0.85 / r)
        XCTAssertEqual(s.score, fMean * (1 - 0.6 * Foundation.pow(2.0 / 3, 0.2)), accuracy: 1e-12)
        // A perfect segment has no fragmentation, and its chunk is not summed into a corpus.
        var perfect = METEOR.Statistics()
        perfect.testLength = 2; perfect.referenceLength = 2; perfect.testContent = [2, 0, 0, 0]; perfect.referenceContent = [2, 0, 0, 0]
        perfect.chunks = 1; perfect.testWordMatches = 2; perfect.referenceWordMatches = 2
        XCTAssertEqual(perfect.score, 1, accuracy: 1e-12)
        var total = s
        total.add(perfect)
        XCTAssertEqual(total.chunks, 2)
        XCTAssertEqual(METEOR.Statistics().score, 0)
    }

    /// Snowball's English stemmer against nltk's on METEOR's own synonym vocabulary.
    func testSnowballStemmerMatchesNLTK() throws {
        let words = ["running", "generously", "communication", "arsenal", "skies", "dying", "news", "cried", "ties", "gas", "gaps",
                     "kiwis", "proceed", "inning", "luxuriating", "hopping", "hoping", "cry", "by", "say", "national", "relational",
                     "conditional", "rational", "valenci", "hesitanci", "digitizer", "conformabli", "radicalli", "differentli",
                     "vileli", "analogousli", "vietnamization", "predication", "operator", "feudalism", "decisiveness",
                     "hopefulness", "callousness", "formaliti", "sensitiviti", "sensibiliti", "triplicate", "formative",
                     "formalize", "electriciti", "electrical", "hopeful", "goodness", "revival", "allowance", "inference",
                     "airliner", "gyroscopic", "adjustable", "defensible", "irritant", "replacement", "adjustment", "dependent",
                     "adoption", "homologou", "communism", "activate", "angulariti", "homologous", "effective", "bowdlerize",
                     "probate", "rate", "cease", "controll", "roll", "'s", "dogs'", "children's", "yelled", "eyed", "ying",
                     "Youth", "bayed", "enjoying", "sky", "ugly", "early", "only", "singly", "atlas", "cosmos", "bias", "andes",
                     "exceed", "succeeding", "herring", "earring", "outing", "canning", "a", "is", "was", "restaurant", "riverside",
                     "friendly", "family-friendly", "priced", "ratings", "located", "serves", "café", "naïve", "eatery"]
        let expected = try XCTUnwrap(try ReferenceScript.run("stem_reference.py", cases: words, package: "nltk") as? [String])
        for (w, e) in zip(words, expected) { XCTAssertEqual(SnowballEnglishStemmer.stem(w), e, w) }
    }

    func testMatchesMeteorJar() throws {
        let resources = try Self.resources()
        let corpora = try Self.corpora()
        let cases = corpora.map { ["hyps": $0.hyps, "refs": $0.refs] as [String: Any] }
        let expected = try XCTUnwrap(try ReferenceScript.run("meteor_reference.py", cases: cases, package: "pycocoevalcap==1.2 (and Java)") as? [[String: Any]])
        let meteor = try METEOR(resources: resources, texts: corpora.flatMap { $0.hyps + $0.refs.flatMap { $0 } })
        for (i, c) in corpora.enumerated() {
            let ours = meteor.score(hypotheses: c.hyps, references: c.refs)
            let segments = try XCTUnwrap(expected[i]["segments"] as? [Double])
            for (k, (a, b)) in zip(ours.segments, segments).enumerated() {
                XCTAssertEqual(a, b, accuracy: 1e-9, "case \(i) segment \(k): \(c.hyps[k]) | \(c.refs[k])")
            }
            XCTAssertEqual(ours.corpus, try XCTUnwrap(expected[i]["corpus"] as? Double), accuracy: 1e-9, "case \(i)")
        }
    }
}
