import Foundation
import Model
import Tasks
import Tokenizer

/// What fine-tuning cost the model elsewhere: mean per-token NLL of probe texts under the tuned model minus under
/// the base model. The probes are general text (sampled once from the base model with a fixed seed and cached by
/// a hash of what produced them, or a user's file) and the other tasks' validation targets.
public struct ProbeSet: Codable, Sendable, Equatable {
    public var name: String
    /// Token sequences and where scoring starts in each (0 for plain text: every token after the first).
    public var sequences: [[Int32]]
    public var scoreFrom: [Int]
}

public struct ForgettingResult: Codable, Sendable, Equatable {
    public var probe: String
    public var baseNLL: Double
    public var tunedNLL: Double
    public var delta: Double
    public var tokens: Int
}

public enum Forgetting {
    /// Mean NLL per scored token.
    public static func nll(model: LlamaModel, probe: ProbeSet, padID: Int32) -> (mean: Double, tokens: Int) {
        let each = sequenceNLL(model: model, probe: probe, padID: padID)
        let sum = each.reduce(0) { $0 + $1.sum }, tokens = each.reduce(0) { $0 + $1.tokens }
        return (tokens > 0 ? sum / Double(tokens) : 0, tokens)
    }

    /// Each sequence's summed NLL and scored tokens (zero for a sequence too short to score).
    public static func sequenceNLL(model: LlamaModel, probe: ProbeSet, padID: Int32) -> [(sum: Double, tokens: Int)] {
        probe.sequences.enumerated().map { i, s in
            guard s.count >= 2 else { return (0, 0) }
            let loss = model.loss(TokenBatch.rightPadded([s], lossFrom: [probe.scoreFrom[i]], padID: padID))
            return (loss.sum, loss.tokens)
        }
    }

    /// The base model's NLL on a probe, which every run of a comparison shares: computed once, then read from the
    /// cache under a hash of the model file and the probe's tokens.
    public static func cachedNLL(model: LlamaModel, probe: ProbeSet, padID: Int32, modelDigest: String,
                                 cacheFolder: String) throws -> (mean: Double, tokens: Int) {
        struct Entry: Codable { var mean: Double; var tokens: Int }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let key = FileDigest.sha256(try encoder.encode(probe) + Data("|\(modelDigest)|\(padID)|nll-v1".utf8))
        let path = (cacheFolder as NSString).appendingPathComponent("base-nll-\(key.prefix(16)).json")
        if let data = FileManager.default.contents(atPath: path), let e = try? JSONDecoder().decode(Entry.self, from: data) {
            return (e.mean, e.tokens)
        }
        let fresh = nll(model: model, probe: probe, padID: padID)
        try FileManager.default.createDirectory(atPath: cacheFolder, withIntermediateDirectories: true)
        try JSONEncoder().encode(Entry(mean: fresh.mean, tokens: fresh.tokens)).write(to: URL(fileURLWithPath: path), options: .atomic)
        return fresh
    }

    /// Probe texts sampled from the base model (temperature 1 from the end-of-sequence token, `count` texts of
    /// `length` tokens), cached in `cacheFolder` under a hash of the model file, seed and sizes.
    public static func sampledProbe(model: LlamaModel, tokenizer: BPETokenizer, modelDigest: String, seed: UInt64,
                                    count: Int, length: Int, cacheFolder: String) throws -> ProbeSet {
        let key = FileDigest.sha256(Data("\(modelDigest)|\(seed)|\(count)|\(length)|probe-v1".utf8))
        let path = (cacheFolder as NSString).appendingPathComponent("probe-\(key.prefix(16)).json")
        if let data = FileManager.default.contents(atPath: path), let cached = try? JSONDecoder().decode(ProbeSet.self, from: data) {
            return cached
        }
        guard let start = tokenizer.eosID else { throw RunError("the tokenizer has no end-of-sequence token to sample probes from") }
        let generated = Generator(model: model).generate(
            prompts: [[Int32]](repeating: [start], count: count), padID: start,
            settings: GenerationSettings(maxNewTokens: length, sampling: .init(temperature: 1, seed: seed)))
        let probe = ProbeSet(name: "model-sampled", sequences: generated.map { [start] + $0.tokens }, scoreFrom: generated.map { _ in 1 })
        try FileManager.default.createDirectory(atPath: cacheFolder, withIntermediateDirectories: true)
        try JSONEncoder().encode(probe).write(to: URL(fileURLWithPath: path), options: .atomic)
        return probe
    }

    /// A user's corpus: one text per non-empty line.
    public static func corpusProbe(path: String, tokenizer: BPETokenizer, limit: Int, seq: Int) throws -> ProbeSet {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw RunError("\(path): cannot read as UTF-8 text")
        }
        let lines = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard !lines.isEmpty else { throw RunError("\(path): no text lines") }
        let sequences = lines.prefix(limit).map { Array(tokenizer.encode($0).prefix(seq + 1)) }
        return ProbeSet(name: "corpus:\((path as NSString).lastPathComponent)", sequences: sequences, scoreFrom: sequences.map { _ in 0 })
    }

    /// Another task's validation targets given their prompts: the first `limit` examples, first reference each.
    public static func taskProbe(name: String, examples: [TaskExample], encoder: PromptEncoder, limit: Int, seq: Int) throws -> ProbeSet {
        var sequences: [[Int32]] = [], from: [Int] = []
        for e in examples.prefix(limit) where !e.references.isEmpty {
            var first = e
            first.references = [e.references[0]]
            if let s = try encoder.trainingSequences(first, seq: seq).first {
                sequences.append(s.tokens)
                from.append(s.lossFrom)
            }
        }
        return ProbeSet(name: "task:\(name)", sequences: sequences, scoreFrom: from)
    }
}
