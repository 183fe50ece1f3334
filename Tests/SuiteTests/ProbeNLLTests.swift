import Engine
import Harness
import Methods
import Model
import XCTest

/// Held-out and forgetting losses are computed over batches of sequences; each sequence must get what it gets alone.
final class ProbeNLLTests: XCTestCase {
    func model() -> LlamaModel {
        LlamaModel(config: LlamaConfig(hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2,
                                       intermediateSize: 24, vocabSize: 20, maxPositionEmbeddings: 64, initializerRange: 0.3),
                   seed: 3, trainable: false)
    }

    /// Sequences of many lengths (one too short to score), prompts masked at different places.
    func probe(seed: UInt64) -> ProbeSet {
        var rng = RandomGenerator(seed: seed)
        var sequences: [[Int32]] = [], from: [Int] = []
        for i in 0..<23 {
            let length = i == 5 ? 1 : 2 + Int(rng.nextUniform() * 30)
            sequences.append((0..<length).map { _ in Int32(rng.nextUniform() * 20) % 20 })
            from.append(Int(rng.nextUniform() * Double(length / 2)))
        }
        return ProbeSet(name: "test", sequences: sequences, scoreFrom: from)
    }

    func testBatchesGiveEachSequenceItsOwnLoss() throws {
        for (method, params) in [("lora", ["r": "4"]), ("prompt", ["num_virtual_tokens": "3", "prompt_tuning_init": "RANDOM"]),
                                 ("prefix", ["num_virtual_tokens": "3"]), ("full", [:])] {
            let m = model()
            let applied = try MethodRegistry.apply(method, to: m, overrides: params, context: MethodContext(seed: 1))
            var rng = RandomGenerator(seed: 9)
            for p in applied.trainable { for i in 0..<p.count { p.value[i] += Float(rng.nextUniform() - 0.5) * 0.4 } }
            let probe = probe(seed: 11)
            let alone = probe.sequences.indices.map { i -> (sum: Double, tokens: Int) in
                guard probe.sequences[i].count >= 2 else { return (0, 0) }
                let loss = m.loss(TokenBatch.rightPadded([probe.sequences[i]], lossFrom: [probe.scoreFrom[i]], padID: 0))
                return (loss.sum, loss.tokens)
            }
            for budget in [1, 40, 100, 1024] {
                let batched = Forgetting.sequenceNLL(model: m, probe: probe, padID: 0, batchTokens: budget)
                XCTAssertEqual(batched.count, alone.count)
                for (i, (b, a)) in zip(batched, alone).enumerated() {
                    XCTAssertEqual(b.tokens, a.tokens, "\(method) sequence \(i), batches of \(budget) tokens")
                    XCTAssertEqual(b.sum, a.sum, accuracy: 1e-4 * max(1, abs(a.sum)), "\(method) sequence \(i), batches of \(budget) tokens")
                }
            }
            XCTAssertEqual(alone[5].tokens, 0)
        }
    }

    /// Token calibration in batches against the model's full logits, one sequence at a time: the same top-1 token
    /// and its probability at every scored position.
    func testBatchedTokenCalibrationMatchesEachSequenceAlone() throws {
        for (method, params) in [("lora", ["r": "4"]), ("prompt", ["num_virtual_tokens": "3", "prompt_tuning_init": "RANDOM"]),
                                 ("prefix", ["num_virtual_tokens": "3"])] {
            let m = model()
            let applied = try MethodRegistry.apply(method, to: m, overrides: params, context: MethodContext(seed: 1))
            var rng = RandomGenerator(seed: 5)
            for p in applied.trainable { for i in 0..<p.count { p.value[i] += Float(rng.nextUniform() - 0.5) * 0.4 } }
            let probe = probe(seed: 13)
            let sequences: [(tokens: [Int32], lossFrom: Int)?] = probe.sequences.indices.map { i in
                i == 7 ? nil : (probe.sequences[i], probe.scoreFrom[i])
            }
            let vocab = m.config.vocabSize
            let alone = sequences.map { s -> [TokenCalibration.Pair] in
                guard let s, s.tokens.count > s.lossFrom + 1 else { return [] }
                let logits = m.logits(TokenBatch.rightPadded([s.tokens], padID: 0))
                return (s.lossFrom..<(s.tokens.count - 1)).map { t in
                    let row = Array(logits[(t * vocab)..<((t + 1) * vocab)])
                    let best = row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) }!
                    let sum = row.reduce(0.0) { $0 + exp(Double($1 - row[best])) }
                    return (1 / sum, Int32(best) == s.tokens[t + 1])
                }
            }
            XCTAssertTrue(alone[5].isEmpty && alone[7].isEmpty)
            XCTAssertGreaterThan(alone.reduce(0) { $0 + $1.count }, 100)
            for budget in [1, 40, 1024] {
                let batched = TokenCalibration.pairs(model: m, sequences: sequences, padID: 0, batchTokens: budget)
                XCTAssertEqual(batched.count, alone.count)
                for (i, (b, a)) in zip(batched, alone).enumerated() {
                    XCTAssertEqual(b.count, a.count, "\(method) sequence \(i)")
                    for (x, y) in zip(b, a) {
                        XCTAssertEqual(x.correct, y.correct, "\(method) sequence \(i), batches of \(budget) tokens")
                        XCTAssertEqual(x.confidence, y.confidence, accuracy: 1e-5, "\(method) sequence \(i), batches of \(budget) tokens")
                    }
                }
            }
        }
    }

    func testADivergedModelsLossIsNotANumber() {
        let m = model()
        m.embedTokens.value[0] = .nan
        var probe = probe(seed: 2)
        probe.sequences[3][0] = 0
        probe.scoreFrom[3] = 0
        XCTAssertTrue(Forgetting.nll(model: m, probe: probe, padID: 1).mean.isNaN)
    }
}
