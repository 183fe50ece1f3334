import Engine
import Model

/// The simplest virtual-token source: N trainable embeddings used as they are. Its gradient is exactly the
/// gradient of the loss with respect to those input embeddings.
final class DirectVirtualTokens: VirtualTokenSource {
    let embeddings: Parameter
    let count: Int
    init(count: Int, channels: Int, seed: UInt64) {
        self.count = count
        embeddings = Parameter(name: "test.virtual_tokens", shape: [count, channels])
        var rng = RandomGenerator(seed: seed)
        rng.fillNormal(embeddings.value.pointer, count: embeddings.count, std: 0.5)
    }
    var parameters: [Parameter] { [embeddings] }
    func forward(out: UnsafeMutablePointer<Float>, training: Bool) {
        out.update(from: embeddings.value.pointer, count: embeddings.count)
    }
    func backward(dout: UnsafePointer<Float>) {
        if let g = embeddings.grad { VectorOps.add(dout, into: g.pointer, embeddings.count) }
    }
}

/// Per-layer key and value prefixes trained directly.
final class DirectPrefix: KeyValuePrefixSource {
    let count: Int
    let keysParams: [Parameter], valuesParams: [Parameter]
    init(count: Int, layers: Int, kvDim: Int, seed: UInt64) {
        self.count = count
        var rng = RandomGenerator(seed: seed)
        keysParams = (0..<layers).map { Parameter(name: "test.prefix.\($0).keys", shape: [count, kvDim]) }
        valuesParams = (0..<layers).map { Parameter(name: "test.prefix.\($0).values", shape: [count, kvDim]) }
        for p in keysParams + valuesParams { rng.fillNormal(p.value.pointer, count: p.count, std: 0.5) }
    }
    var parameters: [Parameter] { keysParams + valuesParams }
    func prepare(training: Bool) {}
    func keys(layer: Int) -> UnsafePointer<Float> { UnsafePointer(keysParams[layer].value.pointer) }
    func values(layer: Int) -> UnsafePointer<Float> { UnsafePointer(valuesParams[layer].value.pointer) }
    func keyGradient(layer: Int) -> UnsafeMutablePointer<Float> { keysParams[layer].grad!.pointer }
    func valueGradient(layer: Int) -> UnsafeMutablePointer<Float> { valuesParams[layer].grad!.pointer }
    func finishBackward() {}
}

enum Fixtures {
    /// Small enough for finite differences, with every structural feature of the real model.
    static func config(tied: Bool = true) -> LlamaConfig {
        LlamaConfig(hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2, intermediateSize: 24,
                    vocabSize: 20, ropeTheta: 10_000, rmsNormEps: 1e-5, tieWordEmbeddings: tied,
                    maxPositionEmbeddings: 64, initializerRange: 0.3)
    }

    /// A model whose norm gains are not all one, so their gradients are exercised in general position.
    static func model(tied: Bool = true, seed: UInt64 = 3) -> LlamaModel {
        let m = LlamaModel(config: config(tied: tied), seed: seed)
        var rng = RandomGenerator(seed: seed &+ 99)
        for p in m.parameters where p.shape.count == 1 {
            for i in 0..<p.count { p.value[i] = 1 + Float(rng.nextUniform() - 0.5) }
        }
        return m
    }

    /// Two sequences: the second shorter (right padding) and with its first targets masked like a prompt.
    static func batch(vocab: Int = 20, seed: UInt64 = 11) -> TokenBatch {
        var rng = RandomGenerator(seed: seed)
        let a = (0..<7).map { _ in Int32(rng.next() % UInt64(vocab)) }
        let b = (0..<5).map { _ in Int32(rng.next() % UInt64(vocab)) }
        return TokenBatch.rightPadded([a, b], lossFrom: [0, 2], padID: 0)
    }
}
