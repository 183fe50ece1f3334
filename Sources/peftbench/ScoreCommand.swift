import ArgumentParser
import Foundation
import Metrics

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score", abstract: "Score hypotheses against references (one segment per line).")

    enum Metric: String, ExpressibleByArgument, CaseIterable {
        case bleu, sentenceBleu = "sentence-bleu", rougeL = "rouge-l", rougeLsum = "rouge-lsum", em, f1
        case gsm8kAccuracy = "gsm8k-accuracy", cider, rougeLCoco = "rouge-l-coco"
    }

    @Option(help: "bleu (corpus, sacrebleu's convention, 0–100), sentence-bleu, rouge-l or rouge-lsum (rouge-score's, mean F 0–1), em or f1 (CoQA's rules, 0–100), gsm8k-accuracy (0–100), cider and rouge-l-coco (pycocoevalcap's CIDEr-D and ROUGE-L on tokenized text).")
    var metric: Metric
    @Option(help: "em/f1: coqa or squad; gsm8k-accuracy: strict or flexible.") var convention: String?
    @Option(help: "Hypotheses, one per line.") var hyp: String
    @Option(help: "A reference stream, one per line (repeatable: several references per segment).") var ref: [String] = []
    @Flag(help: "Lowercase before scoring.") var lowercase = false
    @Flag(help: "rouge-l, rouge-lsum: Porter-stem tokens longer than three characters (rouge-score's use_stemmer).") var stem = false
    @Option(help: "13a, intl or none.") var tokenize = "13a"
    @Option(help: "exp, floor, add-k or none.") var smoothMethod = "exp"
    @Option(help: "Value for floor and add-k.") var smoothValue: Double?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard !ref.isEmpty else { throw ValidationError("at least one --ref is needed") }
        guard BLEUTokenizer(rawValue: tokenize) != nil else { throw ValidationError("--tokenize must be 13a, intl or none, got '\(tokenize)'") }
        guard BLEU.Smoothing(rawValue: smoothMethod) != nil else {
            throw ValidationError("--smooth-method must be exp, floor, add-k or none, got '\(smoothMethod)'")
        }
    }

    func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(max(1, xs.count)) }

    /// Bootstrap interval of a mean of per-segment scores.
    func meanInterval(_ xs: [Double]) -> [Double] {
        let ci = Bootstrap.interval(segments: xs) { mean($0) }
        return [ci.lower, ci.upper]
    }

    /// The lines of a UTF-8 text file; a final newline does not make an extra segment.
    static func lines(_ path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("\(path): cannot read the file") }
        guard let text = String(data: data, encoding: .utf8) else { throw ValidationError("\(path): not valid UTF-8") }
        guard !text.isEmpty else { throw ValidationError("\(path): empty file") }
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
    }

    struct Output: Codable {
        var metric: String
        var score: Double
        var signature: String
        var ci95: [Double]?
        var scores: [Double]?
    }

    func run() throws {
        let hyps = try Self.lines(hyp)
        let streams = try ref.map { path -> [String] in
            let r = try Self.lines(path)
            guard r.count == hyps.count else { throw ValidationError("\(path): \(r.count) lines, but \(hyp) has \(hyps.count)") }
            return r
        }
        var bleu = BLEU(lowercase: lowercase, tokenizer: BLEUTokenizer(rawValue: tokenize)!,
                        smoothing: BLEU.Smoothing(rawValue: smoothMethod)!, smoothValue: smoothValue)
        let output: Output
        switch metric {
        case .bleu:
            let stats = bleu.corpusStatistics(hypotheses: hyps, references: streams)
            let ci = Bootstrap.interval(segments: stats) { bleu.score(segments: $0) }
            output = Output(metric: "bleu", score: bleu.score(segments: stats), signature: bleu.signature(references: streams.count),
                            ci95: [ci.lower, ci.upper], scores: nil)
        case .rougeL, .rougeLsum:
            let scores = hyps.indices.map { i in
                ROUGEL.best(references: streams.map { $0[i] }, candidate: hyps[i], summaryLevel: metric == .rougeLsum, stem: stem).fmeasure
            }
            output = Output(metric: metric.rawValue, score: mean(scores), signature: "nrefs:\(streams.count)|" + ROUGEL.signature(stem: stem),
                            ci95: meanInterval(scores), scores: scores)
        case .em, .f1:
            guard let c = AnswerOverlap.Convention(rawValue: convention ?? "coqa") else {
                throw ValidationError("--convention must be coqa or squad for \(metric.rawValue)")
            }
            let scores = hyps.indices.map { i -> Double in
                let s = AnswerOverlap.score(prediction: hyps[i], golds: streams.map { $0[i] }, convention: c)
                return 100 * (metric == .em ? s.em : s.f1)
            }
            output = Output(metric: metric.rawValue, score: mean(scores),
                            signature: "nrefs:\(streams.count)|norm:lower+punct+articles|conv:\(c.rawValue)|version:peftbench-1",
                            ci95: meanInterval(scores), scores: scores)
        case .gsm8kAccuracy:
            guard let mode = GSM8KAccuracy.Extraction(rawValue: convention ?? "strict") else {
                throw ValidationError("--convention must be strict or flexible for gsm8k-accuracy")
            }
            guard streams.count == 1 else { throw ValidationError("gsm8k-accuracy takes one --ref") }
            let scores = hyps.indices.map { 100 * (GSM8KAccuracy.judge(output: hyps[$0], reference: streams[0][$0], mode: mode).correct ? 1.0 : 0) }
            output = Output(metric: metric.rawValue, score: mean(scores), signature: "extract:\(mode.rawValue)|compare:numeric|version:peftbench-1",
                            ci95: meanInterval(scores), scores: scores)
        case .cider:
            let c = CIDEr()
            let fold: (String) -> String = { lowercase ? $0.lowercased() : $0 }
            let result = c.score(hypotheses: hyps.map(fold), references: hyps.indices.map { i in streams.map { fold($0[i]) }.filter { !$0.isEmpty } })
            output = Output(metric: "cider", score: result.corpus, signature: "nrefs:\(streams.count)|" + c.signature + (lowercase ? "|case:lc" : ""),
                            ci95: meanInterval(result.segments), scores: result.segments)
        case .rougeLCoco:
            let fold: (String) -> String = { lowercase ? $0.lowercased() : $0 }
            let result = CaptionROUGEL.corpus(hypotheses: hyps.map(fold), references: hyps.indices.map { i in streams.map { fold($0[i]) }.filter { !$0.isEmpty } })
            output = Output(metric: "rouge-l-coco", score: result.corpus,
                            signature: "nrefs:\(streams.count)|" + CaptionROUGEL.signature + (lowercase ? "|case:lc" : ""),
                            ci95: meanInterval(result.segments), scores: result.segments)
        case .sentenceBleu:
            bleu.effectiveOrder = true
            let scores = hyps.indices.map { i in bleu.sentenceScore(hypothesis: hyps[i], references: streams.map { $0[i] }).score }
            output = Output(metric: "sentence-bleu", score: mean(scores), signature: bleu.signature(references: streams.count),
                            ci95: meanInterval(scores), scores: scores)
        }
        if json { print(try JSONOutput.string(output)); return }
        let interval = output.ci95.map { String(format: "  95%% CI [%.2f, %.2f]", $0[0], $0[1]) } ?? ""
        if let scores = output.scores { for s in scores { print(String(format: "%.4f", s)) } }
        print(String(format: "%@ = %.2f", output.metric.uppercased(), output.score) + interval + "  " + output.signature)
    }
}
