import Engine
import Model

/// P-tuning (Liu et al., 2021, arXiv:2103.10385): N virtual tokens produced by a trained MLP prompt encoder from a
/// trained embedding (PEFT's `PromptEncoder` with MLP reparameterisation: Linear, ReLU, Linear, ReLU, Linear).
public enum PTuning: PEFTMethod {
    public static let name = "ptuning"
    public static let reference = "Liu et al. 2021, GPT Understands, Too"
    public static let learningRates = LearningRates.around(1e-2, source: "P-tuning's prompt encoder")
    public static let options = [
        MethodOption("num_virtual_tokens", "20", "virtual tokens prepended to each sequence"),
        MethodOption("encoder_hidden_size", "128", "hidden width of the MLP prompt encoder"),
    ]

    public static func apply(to model: LlamaModel, config: MethodConfig, context: MethodContext) throws -> AppliedMethod {
        let n = try config.int("num_virtual_tokens", min: 1)
        let h = try config.int("encoder_hidden_size", min: 1)
        model.freezeAll()
        let source = EncodedVirtualTokens(count: n, channels: model.config.hiddenSize, hidden: h, seed: context.seed)
        model.virtualTokens = source
        return AppliedMethod(name: name, config: config.values, trainable: source.parameters, targetedModules: [])
    }
}

final class EncodedVirtualTokens: VirtualTokenSource {
    let count: Int
    let embedding: Parameter
    let encoder: ReparameterizationMLP

    init(count: Int, channels: Int, hidden: Int, seed: UInt64) {
        self.count = count
        embedding = Parameter(name: "prompt_encoder.embedding.weight", shape: [count, channels], decays: false)
        var rng = RandomGenerator.derived(seed: seed, stream: embedding.name)
        rng.fillNormal(embedding.value.pointer, count: embedding.count, std: 1)
        encoder = ReparameterizationMLP(prefix: "prompt_encoder.mlp_head", widths: [channels, hidden, hidden, channels],
                                        moduleIndices: [0, 2, 4], activation: .relu, seed: seed)
    }

    var parameters: [Parameter] { [embedding] + encoder.parameters }

    func forward(out: UnsafeMutablePointer<Float>, training: Bool) {
        out.update(from: encoder.forward(embedding.value.pointer, rows: count), count: embedding.count)
    }

    func backward(dout: UnsafePointer<Float>) {
        let d = encoder.backward(dout, rows: count)
        if let g = embedding.grad { VectorOps.add(d, into: g.pointer, embedding.count) }
    }
}
