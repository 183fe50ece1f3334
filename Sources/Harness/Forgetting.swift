import Foundation
import Model
import Results
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

    public init(name: String, sequences: [[Int32]], scoreFrom: [Int]) {
        self.name = name
        self.sequences = sequences
        self.scoreFrom = scoreFrom
    }
}

public enum Forgetting {
    /// Mean NLL per scored token.
    public static func nll(model: LlamaModel, probe: ProbeSet, padID: Int32) -> (mean: Double, tokens: Int) {
        let each = sequenceNLL(model: model, probe: probe, padID: padID)
        let sum = each.reduce(0) { $0 + $1.sum }, tokens = each.reduce(0) { $0 + $1.tokens }
        return (tokens > 0 ? sum / Double(tokens) : 0, tokens)
    }

    /// Each sequence's summed NLL and scored tokens (zero for a sequence too short to score), in input order,
    /// computed in batches of similar-length sequences (`LengthBatches`).
    public static func sequenceNLL(model: LlamaModel, probe: ProbeSet, padID: Int32,
                                   batchTokens: Int = 1024) -> [(sum: Double, tokens: Int)] {
        var out = [(sum: Double, tokens: Int)](repeating: (0, 0), count: probe.sequences.count)
        for members in LengthBatches.groups(lengths: probe.sequences.map(\.count), tokens: batchTokens) {
            let batch = TokenBatch.rightPadded(members.map { probe.sequences[$0] }, lossFrom: members.map { probe.scoreFrom[$0] },
                                               padID: padID)
            let logProbs = model.targetLogProbabilities(batch)
            for (row, index) in members.enumerated() {
                var sum = 0.0, tokens = 0
                // By the targets, not by NaN: a diverged model's NaN must reach the sum.
                for i in (row * batch.length)..<((row + 1) * batch.length) where batch.targets[i] >= 0 {
                    sum -= Double(logProbs[i])
                    tokens += 1
                }
                out[index] = (sum, tokens)
            }
        }
        return out
    }

    /// The base model's NLL on a probe, which every run of a comparison shares: computed once, then read from the
    /// cache under a hash of the model file and the probe's tokens.
    public static func cachedNLL(model: LlamaModel, probe: ProbeSet, padID: Int32, modelDigest: String,
                                 cacheFolder: String) throws -> (mean: Double, tokens: Int) {
        struct Entry: Codable { var mean: Double; var tokens: Int }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let key = FileDigest.sha256(try encoder.encode(probe) + Data("|\(modelDigest)|\(padID)|nll-v2".utf8))
        let path = (cacheFolder as NSString).appendingPathComponent("base-nll-\(key.prefix(16)).json")
        if let data = FileManager.default.contents(atPath: path), let e = try? RunFiles.decoder().decode(Entry.self, from: data) {
            return (e.mean, e.tokens)
        }
        let fresh = nll(model: model, probe: probe, padID: padID)
        try FileManager.default.createDirectory(atPath: cacheFolder, withIntermediateDirectories: true)
        // A model with a NaN weight has a NaN likelihood; its runs then diverge, and the cache must still take it.
        try RunFiles.encoder().encode(Entry(mean: fresh.mean, tokens: fresh.tokens)).write(to: URL(fileURLWithPath: path), options: .atomic)
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
