import Engine
import Model

/// Prompt tuning (Lester et al., 2021, arXiv:2104.08691): N trained embeddings in front of every input.
public enum PromptTuning: PEFTMethod {
    public static let name = "prompt"
    public static let reference = "Lester et al. 2021, The Power of Scale for Parameter-Efficient Prompt Tuning"
    public static let learningRates = LearningRates.around(3e-2, source: "prompt tuning with AdamW (PEFT's examples)")
    public static let options = [
        MethodOption("num_virtual_tokens", "20", "virtual tokens prepended to each sequence"),
        MethodOption("prompt_tuning_init", "SAMPLE_VOCAB", "SAMPLE_VOCAB (embeddings of random vocabulary tokens), TEXT, or RANDOM (normal)"),
        MethodOption("prompt_tuning_init_text", "", "with TEXT: its token embeddings, repeated to fill the virtual tokens"),
    ]

    public static func apply(to model: LlamaModel, config: MethodConfig, context: MethodContext) throws -> AppliedMethod {
        let n = try config.int("num_virtual_tokens", min: 1)
        let initKind = try config.string("prompt_tuning_init", allowed: ["SAMPLE_VOCAB", "TEXT", "RANDOM"])
        model.freezeAll()
        let c = model.config.hiddenSize
        let source = DirectVirtualTokens(count: n, channels: c, name: "prompt_encoder.embedding.weight")
        let table = model.embedTokens.value.pointer
        var rng = RandomGenerator.derived(seed: context.seed, stream: "prompt_encoder")
        switch initKind {
        case "RANDOM":
            rng.fillNormal(source.embedding.value.pointer, count: source.embedding.count, std: 1)
        case "TEXT":
            let text = config.raw("prompt_tuning_init_text")
            guard !text.isEmpty, let tokenize = context.tokenize else {
                throw MethodError("prompt: prompt_tuning_init=TEXT needs prompt_tuning_init_text and a model with a tokenizer")
            }
            let ids = tokenize(text)
            guard !ids.isEmpty else { throw MethodError("prompt: prompt_tuning_init_text has no tokens") }
            for j in 0..<n { (source.embedding.value.pointer + j * c).update(from: table + Int(ids[j % ids.count]) * c, count: c) }
        default:
            for j in 0..<n {
                let id = Int(rng.next() % UInt64(model.config.vocabSize))
                (source.embedding.value.pointer + j * c).update(from: table + id * c, count: c)
            }
        }
        model.virtualTokens = source
        return AppliedMethod(name: name, config: config.values, trainable: [source.embedding], targetedModules: [])
    }
}

/// Virtual tokens that are trained directly.
final class DirectVirtualTokens: VirtualTokenSource {
    let count: Int
    let embedding: Parameter
    init(count: Int, channels: Int, name: String) {
        self.count = count
        embedding = Parameter(name: name, shape: [count, channels], decays: false)
    }
    var parameters: [Parameter] { [embedding] }
    func forward(out: UnsafeMutablePointer<Float>, training: Bool) { out.update(from: embedding.value.pointer, count: embedding.count) }
    func backward(dout: UnsafePointer<Float>) {
        if let g = embedding.grad { VectorOps.add(dout, into: g.pointer, embedding.count) }
    }
}
