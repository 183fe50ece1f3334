import Engine
import Model
import TestSupport
import XCTest

/// The whole model's loss against finite differences, for every kind of parameter and the input embeddings.
final class DecoderGradientTests: XCTestCase {
    func checkAll(_ model: LlamaModel, _ batch: TokenBatch, kinds expectedKinds: Int = 11,
                  file: StaticString = #filePath, line: UInt = #line) {
        model.zeroGradients()
        let tokens = batch.targetCount
        model.forwardBackward(batch, gradScale: 1 / Float(tokens))
        let check = GradientCheck(epsilon: 1e-2, tolerance: 3e-2)
        var kinds = Set<String>()
        for p in model.parameters {
            guard let g = p.grad else { continue }
            // Each kind is checked in one layer and the other, so the per-layer plumbing is covered too.
            check.run(p.name, values: p.value.pointer, analytic: g.pointer, count: p.count,
                      loss: { model.loss(batch).mean }, file: file, line: line)
            kinds.insert(p.name.replacingOccurrences(of: #"\.\d+\."#, with: ".N.", options: .regularExpression))
        }
        XCTAssertEqual(kinds.count, expectedKinds, "parameter kinds checked: \(kinds.sorted())", file: file, line: line)
    }

    func testEveryParameterKindTiedHead() {
        // embed_tokens, 2 norms, 7 projections, final norm
        checkAll(Fixtures.model(tied: true), Fixtures.batch(), kinds: 11)
    }

    func testEveryParameterKindUntiedHead() {
        let m = Fixtures.model(tied: false)
        XCTAssertNotNil(m.lmHead)
        checkAll(m, Fixtures.batch(), kinds: 12)
    }

    func testInputEmbeddingGradientThroughVirtualTokens() {
        let m = Fixtures.model()
        let virtual = DirectVirtualTokens(count: 3, channels: m.config.hiddenSize, seed: 5)
        m.virtualTokens = virtual
        m.freezeAll()
        virtual.embeddings.trainable = true
        checkAll(m, Fixtures.batch(), kinds: 1)
    }

    func testKeyValuePrefixGradient() {
        let m = Fixtures.model()
        let prefix = DirectPrefix(count: 3, layers: m.config.numHiddenLayers, kvDim: m.config.kvDim, seed: 6)
        m.keyValuePrefix = prefix
        m.freezeAll()
        for p in prefix.parameters { p.trainable = true }
        checkAll(m, Fixtures.batch(), kinds: 2)
    }

    func testLeftPaddedBatchGradient() {
        let m = Fixtures.model()
        var batch = Fixtures.batch()
        // Re-lay the second sequence with two pad tokens in front.
        let t = batch.length
        var inputs = batch.inputs, targets = batch.targets
        for i in stride(from: t - 1, through: 2, by: -1) {
            inputs[t + i] = inputs[t + i - 2]; targets[t + i] = targets[t + i - 2]
        }
        inputs[t] = 0; inputs[t + 1] = 0; targets[t] = -1; targets[t + 1] = -1
        batch = TokenBatch(batch: 2, length: t, inputs: inputs, targets: targets, leftPadding: [0, 2])
        checkAll(m, batch)
    }
}
