import Engine
import Model

/// Options shared by the LoRA family, with PEFT's `LoraConfig` names and defaults.
let loraOptions: [MethodOption] = [
    MethodOption("r", "8", "rank of the update B·A"),
    MethodOption("lora_alpha", "16", "scaling numerator: the update is multiplied by lora_alpha/r"),
    MethodOption("lora_dropout", "0.0", "dropout on the input of the update path"),
    MethodOption("target_modules", "all-linear", "projections to adapt: comma-separated q_proj … down_proj, or all-linear"),
    MethodOption("use_rslora", "false", "scale by lora_alpha/√r (rank-stabilised LoRA)"),
]

/// The LoRA options in force.
struct LoRASettings {
    let rank: Int, alpha: Float, dropout: Float, slots: [LinearSlot], rsLoRA: Bool
    init(_ config: MethodConfig) throws {
        rank = try config.int("r", min: 1)
        alpha = try config.float("lora_alpha")
        dropout = try config.float("lora_dropout", range: 0...0.99)
        slots = try config.slots("target_modules")
        rsLoRA = try config.bool("use_rslora")
    }
}

/// Wraps the chosen projections of every layer; shared by LoRA, LoRA-FA, DoRA and QLoRA.
func installLoRA(on model: LlamaModel, config: MethodConfig, context: MethodContext, trainA: Bool, dora: Bool,
                 base: (DenseLinear) -> any LinearLayer = { $0 }) throws -> AppliedMethod {
    let s = try LoRASettings(config)
    let scratch = dora ? WeightScratch() : nil
    let (trainable, modules) = try wrapProjections(model, slots: s.slots, method: config.method) { dense, path, _ in
        let w = LoRALinear(base: base(dense), path: path, rank: s.rank, alpha: s.alpha, rsLoRA: s.rsLoRA,
                           dropout: s.dropout, trainA: trainA, dora: dora, scratch: scratch, seed: context.seed)
        return (w, [w.a, w.b].filter(\.trainable) + (w.magnitude.map { [$0] } ?? []))
    }
    return AppliedMethod(name: config.method, config: config.values, trainable: trainable, targetedModules: modules)
}

/// LoRA (Hu et al., 2021, arXiv:2106.09685); rsLoRA scaling with use_rslora (Kalajdzievski, 2023).
public enum LoRA: PEFTMethod {
    public static let name = "lora"
    public static let reference = "Hu et al. 2021, LoRA: Low-Rank Adaptation of Large Language Models"
    public static let learningRates = LearningRates.around(2e-4, source: "LoRA (Hu et al.) on GPT-2 E2E; PEFT's causal-LM examples")
    public static let options = loraOptions
    public static func apply(to model: LlamaModel, config: MethodConfig, context: MethodContext) throws -> AppliedMethod {
        try installLoRA(on: model, config: config, context: context, trainA: true, dora: false)
    }
}

/// LoRA-FA (Zhang et al., 2023, arXiv:2308.03303): A stays at its random initialisation, only B trains.
public enum LoRAFA: PEFTMethod {
    public static let name = "lora-fa"
    public static let reference = "Zhang et al. 2023, LoRA-FA: Memory-efficient Low-rank Adaptation"
    public static let learningRates = LearningRates.around(2e-4, source: "as LoRA, which LoRA-FA's experiments keep")
    public static let options = loraOptions
    public static func apply(to model: LlamaModel, config: MethodConfig, context: MethodContext) throws -> AppliedMethod {
        try installLoRA(on: model, config: config, context: context, trainA: false, dora: false)
    }
}

/// DoRA (Liu et al., 2024, arXiv:2402.09353): LoRA plus a trained magnitude per output row.
public enum DoRA: PEFTMethod {
    public static let name = "dora"
    public static let reference = "Liu et al. 2024, DoRA: Weight-Decomposed Low-Rank Adaptation"
    public static let learningRates = LearningRates.around(2e-4, source: "as LoRA, which DoRA's commonsense experiments use")
    public static let options = loraOptions
    public static func apply(to model: LlamaModel, config: MethodConfig, context: MethodContext) throws -> AppliedMethod {
        try installLoRA(on: model, config: config, context: context, trainA: true, dora: true)
    }
}

extension DoRA {
    /// Holds (or releases) every DoRA layer's weight norms at their values from the last forward. DoRA's backward
    /// treats the norm as a constant, as PEFT does; with the norms held, the forward is the function whose
    /// gradient that backward computes, which finite differences can then check.
    public static func holdNorms(in model: LlamaModel, _ hold: Bool) {
        for layer in model.layers {
            for slot in LinearSlot.allCases { (layer[slot] as? LoRALinear)?.holdRowNorms = hold }
        }
    }
}

/// Full fine-tuning: every parameter trains, embeddings included.
public enum FullFineTuning: PEFTMethod {
    public static let name = "full"
    public static let reference = "full fine-tuning (every parameter)"
    public static let learningRates = LearningRates.around(2e-5, source: "the common range for fine-tuning decoders of this size (1e-5 … 5e-5)")
    public static let options: [MethodOption] = []
    public static func apply(to model: LlamaModel, config: MethodConfig, context: MethodContext) throws -> AppliedMethod {
        model.unfreezeAll()
        return AppliedMethod(name: name, config: [:], trainable: model.parameters, targetedModules: [])
    }
}
