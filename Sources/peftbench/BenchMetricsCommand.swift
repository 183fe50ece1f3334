import ArgumentParser
import Engine
import Foundation
import Metrics

struct BenchMetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "Throughput of each metric (segments/s) on generated hypothesis/reference pairs.")

    @Option(help: "Segment pairs to score.") var segments = 5000
    @Option(help: "Write the generated pairs as hyp.txt and ref.txt into this folder (to time other tools on them).")
    var dump: String?
    @Option(help: "Time only these metrics (repeatable).") var only: [String] = []
    @Flag(help: "Print JSON.") var json = false

    func validate() throws { if segments < 1 { throw ValidationError("--segments must be at least 1") } }

    /// Restaurant-description-like sentences: E2E's length and vocabulary.
    static func pairs(_ n: Int) -> ([String], [String]) {
        var rng = RandomGenerator(seed: 2024)
        let words = ["The", "Eagle", "is", "a", "coffee", "shop", "that", "serves", "Italian", "food", "in", "the", "city",
                     "centre", "near", "Burger", "King", ".", ",", "It", "has", "a", "high", "customer", "rating", "and",
                     "is", "not", "family-friendly", "price", "range", "of", "£20-25", "riverside", "area", "5", "out"]
        func sentence() -> String { (0..<(12 + Int(rng.next() % 16))).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ") }
        var hyps: [String] = [], refs: [String] = []
        for _ in 0..<n { hyps.append(sentence()); refs.append(sentence()) }
        return (hyps, refs)
    }

    struct Timing: Codable { var metric: String; var segmentsPerS: Double; var score: Double }

    func run() throws {
        let (hyps, refs) = Self.pairs(segments)
        if let dump {
            try FileManager.default.createDirectory(atPath: dump, withIntermediateDirectories: true)
            try (hyps.joined(separator: "\n") + "\n").write(toFile: dump + "/hyp.txt", atomically: true, encoding: .utf8)
            try (refs.joined(separator: "\n") + "\n").write(toFile: dump + "/ref.txt", atomically: true, encoding: .utf8)
        }
        func time(_ name: String, _ body: () -> Double) -> Timing? {
            guard only.isEmpty || only.contains(name) else { return nil }
            _ = body()  // warm-up
            let clock = Stopwatch()
            let score = body()
            return Timing(metric: name, segmentsPerS: Double(hyps.count) / clock.seconds, score: score)
        }
        let bleu = BLEU()
        let pairs = hyps.indices.map { (hyps[$0], [refs[$0]]) }
        var timings: [Timing?] = [
            time("sacrebleu") { bleu.corpusScore(hypotheses: hyps, references: [refs]).score },
            time("sentence-bleu") { BLEU.sentence.segmentStatistics(pairs).reduce(0) { $0 + BLEU.sentence.score($1).score } },
            time("rouge-l") { ROUGEL.scores(candidates: hyps, references: refs.map { [$0] }).reduce(0) { $0 + $1.fmeasure } },
            time("f1") { hyps.indices.reduce(0) { $0 + AnswerOverlap.score(prediction: hyps[$1], golds: [refs[$1]]).f1 } },
            time("gsm8k-flexible") { hyps.indices.reduce(0) { $0 + (GSM8KAccuracy.judge(output: hyps[$1], reference: refs[$1], mode: .flexible).correct ? 1 : 0) } },
            time("e2e-nist") { MTEval().score(hypotheses: hyps, references: refs.map { [$0] }).nist },
            time("ptb-tokenize") { Double(PTBTokenizer.captions(hyps).count) },
            time("cider") { CIDEr().score(hypotheses: hyps, references: refs.map { [$0] }).corpus },
        ]
        // METEOR's resources load once (a second or two); the timings are of scoring.
        if let wordnet = try? WordNet(), only.isEmpty || only.contains("meteor-nltk") {
            let m = METEORNLTK(wordnet: wordnet)
            timings.append(time("meteor-nltk") { m.corpus(hypotheses: hyps, references: refs.map { [$0] }).corpus })
        }
        if let resources = try? METEORResources(), only.isEmpty || only.contains("meteor") {
            let meteor = try METEOR(resources: resources, texts: hyps + refs)
            timings.append(time("meteor") { meteor.score(hypotheses: hyps, references: refs.map { [$0] }).corpus })
        }
        let done = timings.compactMap { $0 }
        if json { print(try JSONOutput.string(done)); return }
        for t in done {
            print(t.metric.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%12.0f segments/s", t.segmentsPerS))
        }
    }
}
