import Engine
import Model
import TestSupport
import XCTest

final class DecoderBehaviourTests: XCTestCase {
    func testFrozenWeightsRunNoWeightGradientProduct() {
        let m = Fixtures.model()
        m.freezeAll()
        let trained = m.layers[1][.v_proj] as! DenseLinear
        trained.weight.trainable = true
        let before = m.parameters.map { $0.value.toArray() }
        m.forwardBackward(Fixtures.batch(), gradScale: 0.1)
        for l in m.layers {
            for slot in LinearSlot.allCases {
                let dense = l[slot] as! DenseLinear
                XCTAssertEqual(dense.weightGradientProducts, dense === trained ? 1 : 0, "\(dense.weight.name)")
                XCTAssertEqual(dense.weight.grad == nil, dense !== trained)
            }
        }
        XCTAssertNil(m.embedTokens.grad)
        XCTAssertEqual(m.parameters.map { $0.value.toArray() }, before, "a forward/backward must not touch weights")
        XCTAssertGreaterThan(trained.weight.grad!.toArray().map(abs).max()!, 0)
    }

    func testLossEqualsCrossEntropyOfLogits() {
        let m = Fixtures.model()
        let batch = Fixtures.batch()
        let logits = m.logits(batch)
        let v = m.config.vocabSize
        var total = 0.0, n = 0
        for (r, t) in batch.targets.enumerated() where t >= 0 {
            let row = (0..<v).map { Double(logits[r * v + $0]) }
            let mx = row.max()!
            total += Foundation.log(row.map { Foundation.exp($0 - mx) }.reduce(0, +)) + mx - row[Int(t)]
            n += 1
        }
        let loss = m.loss(batch)
        XCTAssertEqual(loss.tokens, n)
        XCTAssertEqual(loss.mean, total / Double(n), accuracy: 1e-5)
        let logProbs = m.targetLogProbabilities(batch)
        XCTAssertEqual(-logProbs.filter { !$0.isNaN }.map(Double.init).reduce(0, +) / Double(n), loss.mean, accuracy: 1e-5)
    }

    func testPaddingDoesNotChangeRealTokens() {
        let m = Fixtures.model()
        let seq: [Int32] = [3, 7, 1, 12, 5]
        let alone = m.targetLogProbabilities(TokenBatch.rightPadded([seq], padID: 0))
        // Right padding beside a longer sequence.
        let padded = m.targetLogProbabilities(TokenBatch.rightPadded([[1, 2, 3, 4, 5, 6, 7, 8], seq], padID: 0))
        for t in 0..<4 { XCTAssertEqual(padded[7 + t], alone[t], accuracy: 1e-5) }
        // Left padding (batched generation): three pads before the same tokens, masked out of attention.
        var inputs: [Int32] = [0, 0, 0] + seq.dropLast()
        var targets: [Int32] = [-1, -1, -1] + seq.dropFirst()
        let left = m.targetLogProbabilities(TokenBatch(batch: 1, length: 7, inputs: inputs, targets: targets, leftPadding: [3]))
        for t in 0..<4 { XCTAssertEqual(left[3 + t], alone[t], accuracy: 1e-5) }
        inputs[0] = 9; targets[0] = -1
        let otherPad = m.targetLogProbabilities(TokenBatch(batch: 1, length: 7, inputs: inputs, targets: targets, leftPadding: [3]))
        XCTAssertEqual(otherPad[5], left[5], "pad token ids must not matter")
    }

    func testHeadChunkingDoesNotChangeResults() {
        let m = Fixtures.model()
        let batch = Fixtures.batch()
        m.zeroGradients()
        let whole = m.forwardBackward(batch, gradScale: 0.1)
        let gradWhole = m.embedTokens.grad!.toArray()
        m.headChunk = 3
        m.zeroGradients()
        let chunked = m.forwardBackward(batch, gradScale: 0.1)
        XCTAssertEqual(whole.sum, chunked.sum, accuracy: 1e-5)
        for (a, b) in zip(gradWhole, m.embedTokens.grad!.toArray()) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    }

    func testReplacingAProjectionMustKeepItsShape() {
        let m = Fixtures.model()
        let wrapper = DenseLinear(name: "replacement", inFeatures: 16, outFeatures: 8)
        m.layers[0][.k_proj] = wrapper
        XCTAssertTrue(m.layers[0][.k_proj] === wrapper)
        XCTAssertTrue(m.parameters.contains { $0 === wrapper.weight })
    }

    func testConfigDecodesHuggingFaceNamesAndRejectsBadShapes() throws {
        let json = """
        {"hidden_size": 576, "num_hidden_layers": 30, "num_attention_heads": 9, "num_key_value_heads": 3,
         "intermediate_size": 1536, "vocab_size": 49152, "rope_theta": 100000, "rms_norm_eps": 1e-5,
         "tie_word_embeddings": true, "max_position_embeddings": 8192}
        """
        let c = try JSONDecoder().decode(LlamaConfig.self, from: Data(json.utf8))
        XCTAssertEqual(c.headDim, 64)
        XCTAssertEqual(c.kvDim, 192)
        XCTAssertEqual(c.parameterCount, 134_515_008)
        let bad = json.replacingOccurrences(of: "\"num_key_value_heads\": 3", with: "\"num_key_value_heads\": 4")
        XCTAssertThrowsError(try JSONDecoder().decode(LlamaConfig.self, from: Data(bad.utf8))) { error in
            XCTAssertTrue("\(error)".contains("num_key_value_heads"), "\(error)")
        }
    }
}
