import Foundation
import Model
import Tasks

/// Token-level calibration under teacher forcing: at each position of a reference target, the model's confidence
/// is its top-1 probability, and it is right when that top-1 token is the reference token.
public enum TokenCalibration {
    /// Per example with references, in order: each target token's top-1 probability and whether top-1 is the token.
    public static func pairs(model: LlamaModel, encoder: PromptEncoder, examples: [TaskExample], seq: Int)
        throws -> [[(confidence: Double, correct: Bool)]] {
        var out: [[(confidence: Double, correct: Bool)]] = []
        let vocab = model.config.vocabSize
        for example in examples where !example.references.isEmpty {
            var first = example
            first.references = [example.references[0]]
            out.append([])
            guard let s = try encoder.trainingSequences(first, seq: seq).first, s.tokens.count > s.lossFrom + 1 else { continue }
            let batch = TokenBatch.rightPadded([s.tokens], padID: encoder.eos)
            let logits = model.logits(batch)
            for t in s.lossFrom..<(s.tokens.count - 1) {
                let row = logits.withUnsafeBufferPointer { UnsafeBufferPointer(rebasing: $0[(t * vocab)..<((t + 1) * vocab)]) }
                var best = 0
                var maxLogit = -Float.infinity
                for v in 0..<vocab where row[v] > maxLogit { maxLogit = row[v]; best = v }
                var sum = 0.0
                for v in 0..<vocab { sum += exp(Double(row[v] - maxLogit)) }
                out[out.count - 1].append((1 / sum, Int32(best) == s.tokens[t + 1]))
            }
        }
        return out
    }
}
