import Foundation
import Model
import Tasks

/// Token-level calibration under teacher forcing: at each position of a reference target, the model's confidence
/// is its top-1 probability, and it is right when that top-1 token is the reference token.
public enum TokenCalibration {
    public typealias Pair = (confidence: Double, correct: Bool)

    /// Per example with references, in order: each target token's top-1 probability and whether top-1 is the token.
    public static func pairs(model: LlamaModel, encoder: PromptEncoder, examples: [TaskExample], seq: Int,
                             batchTokens: Int = 1024) throws -> [[Pair]] {
        let sequences = try examples.filter { !$0.references.isEmpty }.map { example in
            var first = example
            first.references = [example.references[0]]
            return try encoder.trainingSequences(first, seq: seq).first.map { (tokens: $0.tokens, lossFrom: $0.lossFrom) }
        }
        return pairs(model: model, sequences: sequences, padID: encoder.eos, batchTokens: batchTokens)
    }

    /// Each sequence's pairs from `lossFrom` on (none for a missing sequence or one with nothing to score), in
    /// batches of similar-length sequences (`LengthBatches`).
    public static func pairs(model: LlamaModel, sequences: [(tokens: [Int32], lossFrom: Int)?], padID: Int32,
                             batchTokens: Int = 1024) -> [[Pair]] {
        var out = [[Pair]](repeating: [], count: sequences.count)
        // A sequence scores from lossFrom; one that ends there has nothing to predict and stays out of the batches.
        let lengths = sequences.map { s in s.map { $0.tokens.count > $0.lossFrom + 1 ? $0.tokens.count : 0 } ?? 0 }
        for members in LengthBatches.groups(lengths: lengths, tokens: batchTokens) {
            let chosen = members.map { sequences[$0]! }
            let batch = TokenBatch.rightPadded(chosen.map(\.tokens), lossFrom: chosen.map(\.lossFrom), padID: padID)
            let top = model.topChoices(batch)
            for (row, (index, s)) in zip(members, chosen).enumerated() {
                out[index] = (s.lossFrom..<(s.tokens.count - 1)).map { t in
                    let choice = top[row * batch.length + t]
                    return (choice.probability, choice.token == s.tokens[t + 1])
                }
            }
        }
        return out
    }
}
