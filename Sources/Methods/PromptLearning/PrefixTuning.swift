import Engine
import Model

/// Prefix tuning (Li & Liang, 2021, arXiv:2101.00190): N trained key and value vectors per layer, at the width of
/// the key/value heads, attended to by every position. One embedding row per virtual token holds all layers'
/// keys and values (PEFT's layout: layer l's key, then its value); with `prefix_projection` the rows come from a
/// smaller embedding through Linear, tanh, Linear.
public enum PrefixTuning: PEFTMethod {
    public static let name = "prefix"
    public static let reference = "Li & Liang 2021, Prefix-Tuning: Optimizing Continuous Prompts for Generation"
    public static let learningRates = LearningRates.around(1e-2, source: "prefix tuning without reparameterisation")
    public static let options = [
        MethodOption("num_virtual_tokens", "20", "prefix positions per layer"),
        MethodOption("prefix_projection", "false", "produce the prefixes through an MLP"),
        MethodOption("encoder_hidden_size", "128", "hidden width of that MLP"),
    ]

    public static func apply(to model: LlamaModel, config: MethodConfig, context: MethodContext) throws -> AppliedMethod {
        let n = try config.int("num_virtual_tokens", min: 1)
        let projection = try config.bool("prefix_projection")
        let h = try config.int("encoder_hidden_size", min: 1)
        model.freezeAll()
        let source = PrefixEncoder(count: n, layers: model.config.numHiddenLayers, kvDim: model.config.kvDim,
                                   projectionHidden: projection ? h : nil, seed: context.seed)
        model.keyValuePrefix = source
        return AppliedMethod(name: name, config: config.values, trainable: source.parameters, targetedModules: [])
    }
}

final class PrefixEncoder: KeyValuePrefixSource {
    let count: Int
    let layers: Int
    let kvDim: Int
    let embedding: Parameter          // (N, 2·L·kvDim), or (N, kvDim) before the projection
    let projection: ReparameterizationMLP?
    private let keysByLayer: [FloatBuffer], valuesByLayer: [FloatBuffer]   // (N, kvDim) each
    private let keyGrads: [FloatBuffer], valueGrads: [FloatBuffer]
    private let dAll: FloatBuffer     // (N, 2·L·kvDim)

    init(count: Int, layers: Int, kvDim: Int, projectionHidden: Int?, seed: UInt64) {
        self.count = count
        self.layers = layers
        self.kvDim = kvDim
        let width = 2 * layers * kvDim
        embedding = Parameter(name: "prefix_encoder.embedding.weight", shape: [count, projectionHidden == nil ? width : kvDim],
                              decays: false)
        var rng = RandomGenerator.derived(seed: seed, stream: embedding.name)
        rng.fillNormal(embedding.value.pointer, count: embedding.count, std: 1)
        projection = projectionHidden.map {
            ReparameterizationMLP(prefix: "prefix_encoder.transform", widths: [kvDim, $0, width], moduleIndices: [0, 2],
                                  activation: .tanh, seed: seed)
        }
        keysByLayer = (0..<layers).map { _ in FloatBuffer(count: count * kvDim) }
        valuesByLayer = (0..<layers).map { _ in FloatBuffer(count: count * kvDim) }
        keyGrads = (0..<layers).map { _ in FloatBuffer(count: count * kvDim) }
        valueGrads = (0..<layers).map { _ in FloatBuffer(count: count * kvDim) }
        dAll = FloatBuffer(count: count * width)
    }

    var parameters: [Parameter] { [embedding] + (projection?.parameters ?? []) }

    func prepare(training: Bool) {
        let width = 2 * layers * kvDim
        let all = projection.map { $0.forward(embedding.value.pointer, rows: count) } ?? UnsafePointer(embedding.value.pointer)
        for l in 0..<layers {
            for j in 0..<count {
                (keysByLayer[l].pointer + j * kvDim).update(from: all + j * width + 2 * l * kvDim, count: kvDim)
                (valuesByLayer[l].pointer + j * kvDim).update(from: all + j * width + (2 * l + 1) * kvDim, count: kvDim)
            }
            if training { keyGrads[l].zero(); valueGrads[l].zero() }
        }
    }

    func keys(layer: Int) -> UnsafePointer<Float> { UnsafePointer(keysByLayer[layer].pointer) }
    func values(layer: Int) -> UnsafePointer<Float> { UnsafePointer(valuesByLayer[layer].pointer) }
    func keyGradient(layer: Int) -> UnsafeMutablePointer<Float> { keyGrads[layer].pointer }
    func valueGradient(layer: Int) -> UnsafeMutablePointer<Float> { valueGrads[layer].pointer }

    func finishBackward() {
        let width = 2 * layers * kvDim
        let d = dAll.pointer
        for l in 0..<layers {
            for j in 0..<count {
                (d + j * width + 2 * l * kvDim).update(from: keyGrads[l].pointer + j * kvDim, count: kvDim)
                (d + j * width + (2 * l + 1) * kvDim).update(from: valueGrads[l].pointer + j * kvDim, count: kvDim)
            }
        }
        let dEmbedding = projection.map { $0.backward(d, rows: count) } ?? UnsafePointer(d)
        if let g = embedding.grad { VectorOps.add(dEmbedding, into: g.pointer, embedding.count) }
    }
}
