import ArgumentParser
import Foundation
import Metrics
import Tasks

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score", abstract: "Score hypotheses against references (one segment per line).")

    enum Metric: String, ExpressibleByArgument, CaseIterable {
        case bleu, sentenceBleu = "sentence-bleu", rougeL = "rouge-l", rougeLsum = "rouge-lsum", em, f1
        case gsm8kAccuracy = "gsm8k-accuracy", cider, rougeLCoco = "rouge-l-coco", nist, meteor, meteorNLTK = "meteor-nltk"
    }

    enum Preset: String, ExpressibleByArgument { case e2e }

    @Option(help: "bleu (corpus, sacrebleu's convention, 0–100), sentence-bleu, rouge-l or rouge-lsum (rouge-score's, mean F 0–1), em or f1 (CoQA's rules, 0–100), gsm8k-accuracy (0–100), cider and rouge-l-coco (pycocoevalcap's CIDEr-D and ROUGE-L on tokenized text), nist (mteval-v13a), meteor (METEOR 1.5, 0–1), meteor-nltk (nltk's meteor_score, 0–1).")
    var metric: Metric?
    @Option(help: "e2e: BLEU, NIST, METEOR, ROUGE-L and CIDEr as the E2E challenge's script computes them; --ref may be the official E2E CSV (references grouped by MR).")
    var preset: Preset?
    @Option(help: "em/f1: coqa or squad; gsm8k-accuracy: strict or flexible.") var convention: String?
    @Option(help: "Hypotheses, one per line.") var hyp: String
    @Option(help: "A reference stream, one per line (repeatable: several references per segment).") var ref: [String] = []
    @Option(help: "All references in one file, the E2E scripts' layout: each segment's references on consecutive lines, groups separated by a blank line (any number per segment).")
    var refsGrouped: String?
    @Flag(help: "Lowercase before scoring.") var lowercase = false
    @Flag(help: "rouge-l, rouge-lsum: Porter-stem tokens longer than three characters (rouge-score's use_stemmer).") var stem = false
    @Option(help: "13a, intl or none.") var tokenize = "13a"
    @Option(help: "exp, floor, add-k or none.") var smoothMethod = "exp"
    @Option(help: "Value for floor and add-k.") var smoothValue: Double?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard (metric == nil) != (preset == nil) else { throw ValidationError("give either --metric or --preset") }
        guard ref.isEmpty != (refsGrouped == nil) else { throw ValidationError("give --ref streams or one --refs-grouped file") }
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

    /// Reference groups separated by blank lines; runs of blank lines count as one separator.
    static func groups(_ path: String) throws -> [[String]] {
        var out: [[String]] = [], current: [String] = []
        for line in try lines(path) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                if !current.isEmpty { out.append(current); current = [] }
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// The references of an official E2E CSV, grouped by consecutive MR, with the mis-encodings the E2E script
    /// repairs (`Â£`, `Ã©`) repaired the same way.
    static func e2eReferences(_ path: String) throws -> [[String]] {
        try E2ELoader.load(path).examples.map { e in
            e.references.map {
                $0.replacingOccurrences(of: "Ł", with: "£").replacingOccurrences(of: "Â£", with: "£")
                    .replacingOccurrences(of: "Ã©", with: "é").replacingOccurrences(of: "ã©", with: "é")
            }
        }
    }

    func runPreset(_ hyps: [String]) throws {
        let references: [[String]]
        if let refsGrouped {
            references = try Self.groups(refsGrouped)
        } else if ref.count == 1, ref[0].lowercased().hasSuffix(".csv") {
            references = try Self.e2eReferences(ref[0])
        } else {
            let streams = try ref.map(Self.lines)
            references = hyps.indices.map { i in streams.compactMap { $0.indices.contains(i) ? $0[i] : nil }.filter { !$0.isEmpty } }
            for (path, stream) in zip(ref, streams) where stream.count != hyps.count {
                throw ValidationError("\(path): \(stream.count) lines, but \(hyp) has \(hyps.count)")
            }
        }
        guard references.count == hyps.count else {
            throw ValidationError("\(refsGrouped ?? ref[0]): \(references.count) reference groups, but \(hyp) has \(hyps.count) lines")
        }
        // The script strips every line it reads.
        let stripped = hyps.map { $0.trimmingCharacters(in: .whitespaces) }
        let result = try E2EMetrics(meteorResources: METEORResources()).score(hypotheses: stripped, references: references).scores
        if json {
            print(try JSONOutput.string(result, keepKeys: true))
            return
        }
        print("SCORES:\n==============")
        for (name, value) in [("BLEU", result.BLEU), ("NIST", result.NIST), ("METEOR", result.METEOR), ("ROUGE_L", result.ROUGE_L), ("CIDEr", result.CIDEr)] {
            print(String(format: "%@: %.4f", name, value))
        }
        print(result.signature)
    }

    func run() throws {
        let hyps = try Self.lines(hyp)
        guard let metric else { return try runPreset(hyps) }
        // Per segment, its references; `nrefs` as the signature states it.
        let references: [[String]]
        let nrefs: String
        if let refsGrouped {
            references = try Self.groups(refsGrouped)
            guard references.count == hyps.count else {
                throw ValidationError("\(refsGrouped): \(references.count) reference groups, but \(hyp) has \(hyps.count) lines")
            }
            let counts = Set(references.map(\.count))
            nrefs = counts.count == 1 ? String(counts.first!) : "var"
        } else {
            let streams = try ref.map { path -> [String] in
                let r = try Self.lines(path)
                guard r.count == hyps.count else { throw ValidationError("\(path): \(r.count) lines, but \(hyp) has \(hyps.count)") }
                return r
            }
            references = hyps.indices.map { i in streams.map { $0[i] } }
            nrefs = String(streams.count)
        }
        var bleu = BLEU(lowercase: lowercase, tokenizer: BLEUTokenizer(rawValue: tokenize)!,
                        smoothing: BLEU.Smoothing(rawValue: smoothMethod)!, smoothValue: smoothValue)
        let output: Output
        switch metric {
        case .bleu:
            let stats = bleu.segmentStatistics(hyps.indices.map { (hyps[$0], references[$0]) })
            let ci = Bootstrap.interval(segments: stats) { bleu.score(segments: $0) }
            output = Output(metric: "bleu", score: bleu.score(segments: stats), signature: bleu.signature(nrefs: nrefs),
                            ci95: [ci.lower, ci.upper], scores: nil)
        case .rougeL, .rougeLsum:
            let scores = ROUGEL.scores(candidates: hyps, references: references, summaryLevel: metric == .rougeLsum, stem: stem).map(\.fmeasure)
            output = Output(metric: metric.rawValue, score: mean(scores), signature: "nrefs:\(nrefs)|" + ROUGEL.signature(stem: stem),
                            ci95: meanInterval(scores), scores: scores)
        case .em, .f1:
            guard let c = AnswerOverlap.Convention(rawValue: convention ?? "coqa") else {
                throw ValidationError("--convention must be coqa or squad for \(metric.rawValue)")
            }
            let scores = hyps.indices.map { i -> Double in
                let s = AnswerOverlap.score(prediction: hyps[i], golds: references[i], convention: c)
                return 100 * (metric == .em ? s.em : s.f1)
            }
            output = Output(metric: metric.rawValue, score: mean(scores),
                            signature: "nrefs:\(nrefs)|norm:lower+punct+articles|conv:\(c.rawValue)|version:peftbench-1",
                            ci95: meanInterval(scores), scores: scores)
        case .gsm8kAccuracy:
            guard let mode = GSM8KAccuracy.Extraction(rawValue: convention ?? "strict") else {
                throw ValidationError("--convention must be strict or flexible for gsm8k-accuracy")
            }
            guard references.allSatisfy({ $0.count == 1 }) else { throw ValidationError("gsm8k-accuracy takes one reference per segment") }
            let scores = hyps.indices.map { 100 * (GSM8KAccuracy.judge(output: hyps[$0], reference: references[$0][0], mode: mode).correct ? 1.0 : 0) }
            output = Output(metric: metric.rawValue, score: mean(scores), signature: "extract:\(mode.rawValue)|compare:numeric|version:peftbench-1",
                            ci95: meanInterval(scores), scores: scores)
        case .cider:
            let c = CIDEr()
            let fold: (String) -> String = { lowercase ? $0.lowercased() : $0 }
            let result = c.score(hypotheses: hyps.map(fold), references: references.map { $0.map(fold).filter { !$0.isEmpty } })
            output = Output(metric: "cider", score: result.corpus, signature: "nrefs:\(nrefs)|" + c.signature + (lowercase ? "|case:lc" : ""),
                            ci95: meanInterval(result.segments), scores: result.segments)
        case .rougeLCoco:
            let fold: (String) -> String = { lowercase ? $0.lowercased() : $0 }
            let result = CaptionROUGEL.corpus(hypotheses: hyps.map(fold), references: references.map { $0.map(fold).filter { !$0.isEmpty } })
            output = Output(metric: "rouge-l-coco", score: result.corpus,
                            signature: "nrefs:\(nrefs)|" + CaptionROUGEL.signature + (lowercase ? "|case:lc" : ""),
                            ci95: meanInterval(result.segments), scores: result.segments)
        case .nist:
            let result = MTEval().score(hypotheses: hyps, references: references)
            let ci = Bootstrap.interval(segments: result.segments) { MTEval.nist(MTEval.sum($0)) }
            output = Output(metric: "nist", score: result.nist, signature: "nrefs:\(nrefs)|" + MTEval().signature, ci95: [ci.lower, ci.upper], scores: nil)
        case .meteor:
            let meteor = try METEOR(resources: METEORResources(), texts: hyps + references.flatMap { $0 })
            let result = meteor.score(hypotheses: hyps, references: references)
            let ci = Bootstrap.interval(segments: result.statistics) { METEOR.corpus($0) }
            output = Output(metric: "meteor", score: result.corpus, signature: "nrefs:\(nrefs)|" + METEOR.signature,
                            ci95: [ci.lower, ci.upper], scores: result.segments)
        case .meteorNLTK:
            let result = METEORNLTK(wordnet: try WordNet()).corpus(hypotheses: hyps, references: references)
            output = Output(metric: "meteor-nltk", score: result.corpus, signature: "nrefs:\(nrefs)|" + METEORNLTK.signature,
                            ci95: meanInterval(result.segments), scores: result.segments)
        case .sentenceBleu:
            bleu.effectiveOrder = true
            let scores = bleu.segmentStatistics(hyps.indices.map { (hyps[$0], references[$0]) }).map { bleu.score($0).score }
            output = Output(metric: "sentence-bleu", score: mean(scores), signature: bleu.signature(nrefs: nrefs),
                            ci95: meanInterval(scores), scores: scores)
        }
        if json { print(try JSONOutput.string(output)); return }
        let interval = output.ci95.map { String(format: "  95%% CI [%.2f, %.2f]", $0[0], $0[1]) } ?? ""
        if let scores = output.scores { for s in scores { print(String(format: "%.4f", s)) } }
        print(String(format: "%@ = %.2f", output.metric.uppercased(), output.score) + interval + "  " + output.signature)
    }
}
