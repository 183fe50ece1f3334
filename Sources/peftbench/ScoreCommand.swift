import ArgumentParser
import Foundation
import Metrics

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score", abstract: "Score hypotheses against references (one segment per line).")

    enum Metric: String, ExpressibleByArgument, CaseIterable { case bleu, sentenceBleu = "sentence-bleu" }

    @Option(help: "bleu (corpus, sacrebleu's convention, 0–100) or sentence-bleu (one score per line).") var metric: Metric
    @Option(help: "Hypotheses, one per line.") var hyp: String
    @Option(help: "A reference stream, one per line (repeatable: several references per segment).") var ref: [String] = []
    @Flag(help: "Lowercase before scoring.") var lowercase = false
    @Option(help: "13a or none.") var tokenize = "13a"
    @Option(help: "exp, floor, add-k or none.") var smoothMethod = "exp"
    @Option(help: "Value for floor and add-k.") var smoothValue: Double?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard !ref.isEmpty else { throw ValidationError("at least one --ref is needed") }
        guard BLEUTokenizer(rawValue: tokenize) != nil else { throw ValidationError("--tokenize must be 13a or none, got '\(tokenize)'") }
        guard BLEU.Smoothing(rawValue: smoothMethod) != nil else {
            throw ValidationError("--smooth-method must be exp, floor, add-k or none, got '\(smoothMethod)'")
        }
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

    struct Output: Codable { var metric: String; var score: Double; var signature: String; var scores: [Double]? }

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
            let s = bleu.corpusScore(hypotheses: hyps, references: streams)
            output = Output(metric: "bleu", score: s.score, signature: bleu.signature(references: streams.count), scores: nil)
        case .sentenceBleu:
            bleu.effectiveOrder = true
            let scores = hyps.indices.map { i in bleu.sentenceScore(hypothesis: hyps[i], references: streams.map { $0[i] }).score }
            output = Output(metric: "sentence-bleu", score: scores.reduce(0, +) / Double(max(1, scores.count)),
                            signature: bleu.signature(references: streams.count), scores: scores)
        }
        if json { print(try JSONOutput.string(output)); return }
        if let scores = output.scores { for s in scores { print(String(format: "%.4f", s)) } }
        print(String(format: "%@ = %.2f  %@", output.metric.uppercased(), output.score, output.signature))
    }
}
