import Metrics
import XCTest

/// The registry's metrics (the code `score`, tasks and runs share) against their reference packages on thousands
/// of adversarial segments each: every corpus score and every segment score.
final class DifferentialScaleTests: XCTestCase {
    func scores(_ name: String, _ corpus: AdversarialCorpus, settings: MetricSettings = MetricSettings()) throws -> MetricScores {
        let input = MetricInput(hypotheses: corpus.hypotheses, references: corpus.references)
        return try XCTUnwrap(try MetricRegistry.compute([name], input, settings: settings, resources: MetricResources(wordnet: name == "meteor-nltk" ? WordNet() : nil))[name])
    }

    func assertClose(_ a: [Double], _ b: [Double], _ tolerance: Double, _ what: String, inputs: [String]) {
        XCTAssertEqual(a.count, b.count, what)
        var bad: [String] = []
        for (k, (x, y)) in zip(a, b).enumerated() where !(abs(x - y) <= tolerance * max(1, abs(y))) {
            bad.append("segment \(k): ours \(x), reference \(y): \(inputs[k].prefix(120))")
        }
        XCTAssertTrue(bad.isEmpty, "\(what): \(bad.count) of \(a.count) segments differ\n" + bad.prefix(10).joined(separator: "\n"))
    }

    /// sacreBLEU with two reference streams (some references empty), corpus and every sentence, 13a and intl.
    func testSacrebleuOnThousandsOfSegments() throws {
        var cases: [[String: Any]] = [], corpora: [AdversarialCorpus] = []
        for (k, tokenize) in ["13a", "intl"].enumerated() {
            var corpus = AdversarialCorpus(seed: 11 + UInt64(k), segments: 3000, maxReferences: 2)
            corpus.references = corpus.references.map { $0.count == 2 ? $0 : $0 + [""] }
            corpora.append(corpus)
            cases.append(["hyps": corpus.hypotheses, "refs": [corpus.references.map { $0[0] }, corpus.references.map { $0[1] }],
                          "tokenize": tokenize, "smooth": "exp", "smooth_value": NSNull(), "effective_order": false, "lowercase": k == 1])
        }
        let reference = try XCTUnwrap(try ReferenceScript.run("bleu_reference.py", cases: cases, package: "sacrebleu==2.6.0") as? [[String: Any]])
        for (k, corpus) in corpora.enumerated() {
            var settings = MetricSettings()
            settings.tokenize = k == 0 ? .thirteenA : .intl
            settings.lowercase = k == 1
            let ours = try scores("sacrebleu", corpus, settings: settings)
            XCTAssertEqual(ours.corpus, try XCTUnwrap(reference[k]["score"] as? Double), accuracy: 1e-9, "corpus \(k)")
            assertClose(ours.segments, try XCTUnwrap(reference[k]["sentences"] as? [Double]), 1e-9, "sentence BLEU \(k)", inputs: corpus.hypotheses)
        }
    }

    /// rouge-score's rougeL and rougeLsum (newlines inside segments split its summary-level sentences), with and
    /// without its stemmer.
    func testRougeScoreOnThousandsOfSegments() throws {
        var corpus = AdversarialCorpus(seed: 21, segments: 2500, maxReferences: 3)
        corpus.hypotheses = corpus.hypotheses.enumerated().map { $0.offset % 7 == 0 ? $0.element.replacingOccurrences(of: ". ", with: ".\n") : $0.element }
        // rouge-score needs one reference at least; an empty one is allowed.
        let filtered = corpus.references.map { refs in refs.filter { !$0.isEmpty }.isEmpty ? [""] : refs.filter { !$0.isEmpty } }
        for stem in [false, true] {
            let cases = zip(corpus.hypotheses, filtered).map { ["hyp": $0, "refs": $1, "stem": stem] as [String: Any] }
            let reference = try XCTUnwrap(try ReferenceScript.run("rouge_reference.py", cases: cases, package: "rouge-score==0.1.2") as? [[String: [Double]]])
            var settings = MetricSettings()
            settings.stem = stem
            for (name, key) in [("rouge-l", "rougeL"), ("rouge-lsum", "rougeLsum")] {
                let input = MetricInput(hypotheses: corpus.hypotheses, references: filtered)
                let ours = try XCTUnwrap(try MetricRegistry.compute([name], input, settings: settings, resources: MetricResources())[name])
                assertClose(ours.segments, reference.map { $0[key]![2] }, 1e-9, "\(name) stem \(stem)", inputs: corpus.hypotheses)
            }
        }
    }

    /// pycocoevalcap's CIDEr-D and ROUGE-L on text as given (Python's str.split() and split(" ") respectively).
    func testCOCOMetricsOnThousandsOfSegments() throws {
        var corpus = AdversarialCorpus(seed: 31, segments: 2000, maxReferences: 4)
        // pycocoevalcap asserts at least one reference per segment.
        corpus.references = corpus.references.map { refs in refs.filter { !$0.isEmpty }.isEmpty ? ["x"] : refs.filter { !$0.isEmpty } }
        let reference = try XCTUnwrap(try ReferenceScript.run("caption_reference.py", cases: [["hyps": corpus.hypotheses, "refs": corpus.references]],
                                                              package: "pycocoevalcap==1.2") as? [[String: [String: Any]]])
        for (name, key) in [("cider", "cider"), ("rouge-l-coco", "rouge")] {
            let ours = try scores(name, corpus)
            let want = try XCTUnwrap(reference[0][key])
            XCTAssertEqual(ours.corpus, try XCTUnwrap(want["corpus"] as? Double), accuracy: 1e-9, name)
            assertClose(ours.segments, try XCTUnwrap(want["segments"] as? [Double]), 1e-9, name, inputs: corpus.hypotheses)
        }
    }

    /// nltk's meteor_score on whitespace tokens, every segment.
    func testMeteorNLTKOnThousandsOfSegments() throws {
        var corpus = AdversarialCorpus(seed: 41, segments: 2000, maxReferences: 3)
        corpus.references = corpus.references.map { refs in refs.filter { !$0.isEmpty }.isEmpty ? ["x"] : refs.filter { !$0.isEmpty } }
        let reference = try XCTUnwrap(try ReferenceScript.run("meteor_nltk_reference.py", cases: [["hyps": corpus.hypotheses, "refs": corpus.references]],
                                                              package: "nltk") as? [[Double]])
        assertClose(try scores("meteor-nltk", corpus).segments, reference[0], 1e-12, "meteor-nltk", inputs: corpus.hypotheses)
    }
}
