import ArgumentParser
import Foundation
import Metrics
import Tasks

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score", abstract: "Score hypotheses against references (one segment per line).")

    enum Preset: String, ExpressibleByArgument { case e2e }
    enum Interval: String, ExpressibleByArgument { case bootstrap, none }

    @Option(help: ArgumentHelp("A metric of the registry: \(MetricRegistry.all.map(\.name).joined(separator: ", ")) (peftbench metrics list describes each).",
                               valueName: "name"))
    var metric: String?
    @Option(help: "e2e: BLEU, NIST, METEOR, ROUGE-L and CIDEr as the E2E challenge's script computes them; --ref may be the official E2E CSV (references grouped by MR).")
    var preset: Preset?
    @Option(help: "Hypotheses, one per line.") var hyp: String
    @Option(help: "A reference stream, one per line (repeatable: several references per segment).") var ref: [String] = []
    @Option(help: "All references in one file, the E2E scripts' layout: each segment's references on consecutive lines, groups separated by a blank line (any number per segment).")
    var refsGrouped: String?
    @Option(help: "A second system's hypotheses (the baseline): the paired bootstrap test between the two, sacrebleu's rules.")
    var compare: String?
    @Option(help: "bootstrap (1,000 resamples, 95%) or none.") var ci: Interval = .bootstrap
    @Flag(help: "Lowercase before scoring (sacrebleu, sentence-bleu, cider, rouge-l-coco).") var lowercase = false
    @Flag(help: "rouge-l, rouge-lsum: Porter-stem tokens longer than three characters (rouge-score's use_stemmer).") var stem = false
    @Option(help: "sacrebleu, sentence-bleu: 13a, intl or none.") var tokenize: String?
    @Option(help: "sacrebleu, sentence-bleu: exp, floor, add-k or none.") var smoothMethod: String?
    @Option(help: "Value for floor and add-k.") var smoothValue: Double?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard (metric == nil) != (preset == nil) else { throw ValidationError("give either --metric or --preset") }
        guard ref.isEmpty != (refsGrouped == nil) else { throw ValidationError("give --ref streams or one --refs-grouped file") }
        if let tokenize, BLEUTokenizer(rawValue: tokenize) == nil { throw ValidationError("--tokenize must be 13a, intl or none, got '\(tokenize)'") }
        if let smoothMethod, BLEU.Smoothing(rawValue: smoothMethod) == nil {
            throw ValidationError("--smooth-method must be exp, floor, add-k or none, got '\(smoothMethod)'")
        }
        if preset != nil && compare != nil { throw ValidationError("--compare goes with --metric") }
    }

    var settings: MetricSettings {
        var s = MetricSettings()
        s.lowercase = lowercase
        s.stem = stem
        if let tokenize { s.tokenize = BLEUTokenizer(rawValue: tokenize)! }
        if let smoothMethod { s.smoothing = BLEU.Smoothing(rawValue: smoothMethod)! }
        s.smoothValue = smoothValue
        return s
    }

    /// The lines of a UTF-8 text file; a final newline does not make an extra segment.
    static func lines(_ path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("\(path): cannot read the file") }
        guard let text = String(data: data, encoding: .utf8) else { throw ValidationError("\(path): not valid UTF-8") }
        guard !text.isEmpty else { throw ValidationError("\(path): empty file") }
        // Split on the bytes: Foundation's components(separatedBy:) costs more than scoring a large file.
        var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines.map { line in String(Substring(line.last == UInt8(ascii: "\r") ? line.dropLast() : line)) }
    }

    struct Output: Codable {
        var metric: String
        var score: Double
        var scale: String
        var reference: String
        var signature: String
        var ci95: [Double]?
        var scores: [Double]?
        var paired: Paired?
    }

    /// The paired test against `--compare`: its score, and the p-value of the difference.
    struct Paired: Codable {
        var baseline: String
        var baselineScore: Double
        var pValue: Double

        enum CodingKeys: String, CodingKey { case baseline, baselineScore = "baseline_score", pValue = "p_value" }
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
        let definition: MetricDefinition
        do { definition = try MetricRegistry.definition(metric) } catch { throw ValidationError("--metric: \(error)") }
        let references: [[String]]
        if let refsGrouped {
            references = try Self.groups(refsGrouped)
            guard references.count == hyps.count else {
                throw ValidationError("\(refsGrouped): \(references.count) reference groups, but \(hyp) has \(hyps.count) lines")
            }
        } else {
            let streams = try ref.map { path -> [String] in
                let r = try Self.lines(path)
                guard r.count == hyps.count else { throw ValidationError("\(path): \(r.count) lines, but \(hyp) has \(hyps.count)") }
                return r
            }
            references = hyps.indices.map { i in streams.map { $0[i] } }
        }
        let resources = try MetricResources.load(for: [definition])
        func scores(_ hypotheses: [String]) throws -> MetricScores {
            do {
                return try MetricRegistry.compute([metric], MetricInput(hypotheses: hypotheses, references: references), settings: settings,
                                                  resources: resources)[metric]!
            } catch let error as MetricError { throw ValidationError("\(metric): \(error)") }
        }
        let system = try scores(hyps)
        var output = Output(metric: metric, score: system.corpus, scale: definition.scale.rawValue, reference: definition.reference,
                            signature: system.signature, ci95: nil, scores: system.segments, paired: nil)
        if ci == .bootstrap {
            let interval = Bootstrap.interval(system.statistics, score: system.corpusScore)
            output.ci95 = [interval.lower, interval.upper]
        }
        if let compare {
            let other = try Self.lines(compare)
            guard other.count == hyps.count else { throw ValidationError("\(compare): \(other.count) lines, but \(hyp) has \(hyps.count)") }
            let baseline = try scores(other)
            let test = Bootstrap.paired(baseline: baseline.statistics, system: system.statistics, score: system.corpusScore)
            output.paired = Paired(baseline: compare, baselineScore: baseline.corpus, pValue: test.pValue)
        }
        if json { print(try JSONOutput.string(output)); return }
        let decimals = definition.scale == .percent ? 2 : 4
        let interval = output.ci95.map { String(format: "  95%% CI [%.*f, %.*f]", decimals, $0[0], decimals, $0[1]) } ?? ""
        print(String(format: "%@ = %.*f", metric, decimals, output.score) + interval + "  " + output.signature)
        if let p = output.paired {
            print(String(format: "%@ = %.*f (%@)  paired bootstrap p = %.4f", metric, decimals, p.baselineScore, p.baseline, p.pValue))
        }
    }
}
