import Checkpoints
import Engine
import Foundation
import Methods
import Model
import Results

/// Adapters in Hugging Face PEFT's layout — `adapter_config.json` with PEFT's fields and `adapter_model.safetensors`
/// with PEFT's tensor names — written from a trained method, and read back onto a base model. The names follow
/// what `PeftModel.save_pretrained` writes: `base_model.model.` + the module path for layer tensors (AdaLoRA's
/// without `.weight`, (IA)³'s scales as (out, 1) or (1, in)), `base_model.vera_A`/`_B` for VeRA's shared
/// projections, and one `prompt_embeddings` tensor for the prompt-learning methods, holding what their encoders
/// produce (as PEFT saves them for inference).
public enum PEFTAdapter {
    public static let configName = "adapter_config.json"
    public static let weightsName = "adapter_model.safetensors"

    public struct Unsupported: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = ErrorText.oneLine(description) }
    }

    public static let noAdapter = "full fine-tuning is not an adapter; export the tuned model with --format hf or gguf"

    /// PEFT's type for each peftbench method that has one; the others say why not.
    public static func peftType(of method: String) throws -> String {
        switch method {
        case LoRA.name, LoRAFA.name, DoRA.name, QLoRA.name: return "LORA"
        case AdaLoRA.name: return "ADALORA"
        case VeRA.name: return "VERA"
        case IA3.name: return "IA3"
        case PromptTuning.name: return "PROMPT_TUNING"
        case PTuning.name: return "P_TUNING"
        case PrefixTuning.name: return "PREFIX_TUNING"
        case FullFineTuning.name: throw Unsupported("full: " + noAdapter)
        case BitFit.name:
            throw Unsupported("bitfit: PEFT has no bias-only adapter type; --format hf or gguf carries the trained biases")
        case BottleneckAdapter.name:
            throw Unsupported("adapter: PEFT has no bottleneck-adapter type, and no merged llama checkpoint can hold one")
        default: throw Unsupported("\(method): no PEFT counterpart")
        }
    }

    // MARK: export

    /// Writes the adapter; returns notes for the user (what a counterpart does not carry).
    @discardableResult
    public static func export(_ applied: AppliedMethod, model: LlamaModel, baseModel: String, to folder: String) throws -> [String] {
        let type = try peftType(of: applied.name)
        var notes: [String] = []
        if applied.name == LoRAFA.name {
            notes.append("lora-fa: written as a LoRA adapter (PEFT has no LoRA-FA type; at inference the two are the same)")
        }
        if applied.name == QLoRA.name {
            notes.append("qlora: written as a LoRA adapter; it was trained on the NF4-quantized base, which is not part of the export (load the base in 4-bit NF4 to reproduce it)")
        }
        let options = applied.config
        var config: [String: Any] = [
            "peft_type": type, "task_type": "CAUSAL_LM", "base_model_name_or_path": baseModel, "inference_mode": true,
            "revision": NSNull(), "auto_mapping": NSNull(),
        ]
        var tensors: [(name: String, shape: [Int], values: [Float])] = []
        let c = model.config
        switch type {
        case "LORA", "ADALORA", "VERA", "IA3":
            let modules = try targetModules(options["target_modules"] ?? "")
            config["target_modules"] = modules
            config["fan_in_fan_out"] = false
            config["modules_to_save"] = NSNull()
            config["layers_to_transform"] = NSNull()
            config["layers_pattern"] = NSNull()
            config["exclude_modules"] = NSNull()
            if type != "IA3" { config["bias"] = "none" }
            switch type {
            case "LORA":
                config["r"] = try integer(options, "r")
                config["lora_alpha"] = try number(options, "lora_alpha")
                config["lora_dropout"] = try number(options, "lora_dropout")
                config["use_rslora"] = options["use_rslora"].map { ["true", "1", "yes"].contains($0.lowercased()) } ?? false
                config["use_dora"] = applied.name == DoRA.name
                config["init_lora_weights"] = true
                config["rank_pattern"] = [String: Any]()
                config["alpha_pattern"] = [String: Any]()
                config["lora_bias"] = false
            case "ADALORA":
                for key in ["init_r", "target_r", "tinit", "tfinal", "deltaT", "total_step"] { config[key] = try integer(options, key) }
                for key in ["lora_alpha", "lora_dropout", "beta1", "beta2", "orth_reg_weight"] { config[key] = try number(options, key) }
                config["r"] = config["target_r"]
                config["init_lora_weights"] = true
                config["use_rslora"] = false
                config["use_dora"] = false
                // PEFT keys a rank pattern by the module's lora_E; without the adapter name it resolves for any name.
                config["rank_pattern"] = applied.rankPattern().map { pattern in
                    Dictionary(uniqueKeysWithValues: pattern.map { ("\($0.key).lora_E", $0.value) })
                } ?? NSNull()
            case "VERA":
                config["r"] = try integer(options, "r")
                config["projection_prng_key"] = try integer(options, "projection_prng_key")
                config["d_initial"] = try number(options, "d_initial")
                config["save_projection"] = true
                config["vera_dropout"] = 0.0
                config["init_weights"] = true
            default:
                config["feedforward_modules"] = try targetModules(options["feedforward_modules"] ?? "")
                config["init_ia3_weights"] = true
            }
            let feedforward = Set((config["feedforward_modules"] as? [String]) ?? [])
            for t in applied.storedTensors() {
                tensors.append((tensorKey(t.name, method: applied.name), peftShape(t.name, t.shape, method: applied.name,
                                                                                    feedforward: feedforward), t.values))
            }
        default:
            let n = try integer(options, "num_virtual_tokens")
            config["num_virtual_tokens"] = n
            config["num_transformer_submodules"] = 1
            config["num_layers"] = c.numHiddenLayers
            config["tokenizer_name_or_path"] = NSNull()
            switch type {
            case "PREFIX_TUNING":
                guard let prefix = model.keyValuePrefix else { throw Unsupported("prefix: the model carries no prefix") }
                config["token_dim"] = c.kvDim
                config["num_attention_heads"] = c.numKeyValueHeads
                config["encoder_hidden_size"] = try integer(options, "encoder_hidden_size")
                // What is saved is the prefixes themselves, so the projection (if any) is not needed to load them.
                config["prefix_projection"] = false
                if options["prefix_projection"].map({ ["true", "1", "yes"].contains($0.lowercased()) }) == true {
                    notes.append("prefix: the prefixes are written as the projection produces them, as PEFT saves them for inference")
                }
                prefix.prepare(training: false)
                let width = 2 * c.numHiddenLayers * c.kvDim
                var values = [Float](repeating: 0, count: n * width)
                for l in 0..<c.numHiddenLayers {
                    let k = prefix.keys(layer: l), v = prefix.values(layer: l)
                    for j in 0..<n {
                        for d in 0..<c.kvDim {
                            values[j * width + 2 * l * c.kvDim + d] = k[j * c.kvDim + d]
                            values[j * width + (2 * l + 1) * c.kvDim + d] = v[j * c.kvDim + d]
                        }
                    }
                }
                tensors.append(("prompt_embeddings", [n, width], values))
            default:
                guard let virtual = model.virtualTokens else { throw Unsupported("\(applied.name): the model carries no virtual tokens") }
                config["token_dim"] = c.hiddenSize
                config["num_attention_heads"] = c.numAttentionHeads
                if type == "P_TUNING" {
                    config["encoder_reparameterization_type"] = "MLP"
                    config["encoder_hidden_size"] = try integer(options, "encoder_hidden_size")
                    config["encoder_num_layers"] = 2
                    config["encoder_dropout"] = 0.0
                } else {
                    // The embeddings are trained values now; how they started does not matter to a loader.
                    config["prompt_tuning_init"] = "RANDOM"
                    config["prompt_tuning_init_text"] = NSNull()
                    config["tokenizer_kwargs"] = NSNull()
                }
                let out = FloatBuffer(count: n * c.hiddenSize)
                virtual.forward(out: out.pointer, training: false)
                tensors.append(("prompt_embeddings", [n, c.hiddenSize], out.toArray()))
            }
        }
        try ExportFolder.replace(folder) { work in
            try SafetensorsWriter.write(tensors, metadata: ["format": "pt"], to: (work as NSString).appendingPathComponent(weightsName))
            try HuggingFaceFolder.writeJSON(config, to: work, configName)
        }
        return notes
    }

    /// PEFT's key for one of peftbench's parameter names.
    static func tensorKey(_ name: String, method: String) -> String {
        if name.hasPrefix("base_model.") { return name }  // VeRA's shared projections
        var key = "base_model.model." + name
        if method == AdaLoRA.name, key.hasSuffix(".weight"),
           [".lora_A.weight", ".lora_B.weight", ".lora_E.weight"].contains(where: key.hasSuffix) {
            key.removeLast(".weight".count)
        }
        return key
    }

    /// (IA)³ stores each scale as a column (output side) or a row (input side, feed-forward modules).
    static func peftShape(_ name: String, _ shape: [Int], method: String, feedforward: Set<String>) -> [Int] {
        guard method == IA3.name, shape.count == 1 else { return shape }
        let module = name.split(separator: ".").dropLast().last.map(String.init) ?? ""
        return feedforward.contains(module) ? [1, shape[0]] : [shape[0], 1]
    }

    static func targetModules(_ value: String) throws -> [String] {
        if value == "all-linear" { return LinearSlot.allCases.map(\.rawValue) }
        let names = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for name in names where LinearSlot(rawValue: name) == nil { throw Unsupported("target_modules names '\(name)'") }
        return names
    }

    static func integer(_ options: [String: String], _ key: String) throws -> Int {
        guard let v = options[key].flatMap({ Int($0) }) else { throw Unsupported("option \(key) is not an integer: '\(options[key] ?? "")'") }
        return v
    }

    static func number(_ options: [String: String], _ key: String) throws -> Any {
        guard let text = options[key], let v = Double(text), v.isFinite else {
            throw Unsupported("option \(key) is not a number: '\(options[key] ?? "")'")
        }
        return v == v.rounded() && abs(v) < 1e15 ? Int(v) as Any : v as Any
    }
}
