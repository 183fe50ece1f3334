import Checkpoints
import Engine
import Foundation
import Methods
import Model
import Results

/// An adapter folder read onto a base model: PEFT's layout (recognised by `peft_type` in its config) or peftbench's
/// own. Every field of a PEFT config that would change the function and that peftbench cannot reproduce is refused
/// by name rather than ignored.
public struct ImportedAdapter {
    /// The method as peftbench names it (`lora`, `dora`, `ptuning`, …).
    public let method: String
    public let applied: AppliedMethod
    /// `peft` or `peftbench`.
    public let layout: String
    /// What the import changed about how the adapter is run (P-tuning's encoder output as fixed virtual tokens).
    public let notes: [String]
}

extension PEFTAdapter {
    /// An adapter folder's config as a JSON object, or one error naming the file.
    static func config(_ folder: String) throws -> (path: String, json: [String: Any]) {
        let path = (folder as NSString).appendingPathComponent(configName)
        guard let data = FileManager.default.contents(atPath: path) else { throw Unsupported("\(path): cannot read the file") }
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Unsupported("\(path): not a JSON object")
        }
        return (path, json)
    }

    /// The peftbench method an adapter folder holds, from its config alone (`lora`, `dora`, `ptuning`, …).
    public static func methodName(_ folder: String) throws -> String {
        let (path, json) = try config(folder)
        if let type = json["peft_type"] as? String {
            guard let method = method(peftType: type, useDoRA: (json["use_dora"] as? Bool) == true) else {
                throw Unsupported("\(path): peft_type '\(type)' is not supported (\(supportedTypes))")
            }
            return method
        }
        guard let method = json["method"] as? String else { throw Unsupported("\(path): names neither peft_type nor method") }
        return method
    }

    static let supportedTypes = "LORA, ADALORA, VERA, IA3, PROMPT_TUNING, P_TUNING, PREFIX_TUNING"

    static func method(peftType type: String, useDoRA: Bool) -> String? {
        switch type {
        case "LORA": return useDoRA ? DoRA.name : LoRA.name
        case "ADALORA": return AdaLoRA.name
        case "VERA": return VeRA.name
        case "IA3": return IA3.name
        case "PROMPT_TUNING": return PromptTuning.name
        case "P_TUNING": return PTuning.name
        case "PREFIX_TUNING": return PrefixTuning.name
        default: return nil
        }
    }

    /// Of the config and the weights together: what a run records of the adapter it started from.
    public static func digest(_ folder: String) throws -> String {
        let parts = try [configName, weightsName].map { try FileDigest.sha256(file: (folder as NSString).appendingPathComponent($0)) }
        return FileDigest.sha256(Data(parts.joined(separator: "\n").utf8))
    }

    /// Installs the adapter in `folder` on `model` (a fresh base) with its trained values.
    public static func load(from folder: String, into model: LlamaModel, context: MethodContext = MethodContext()) throws -> ImportedAdapter {
        let (configPath, json) = try config(folder)
        guard json["peft_type"] != nil else {
            let applied = try AdapterFile.load(from: folder, into: model, context: context)
            return ImportedAdapter(method: applied.name, applied: applied, layout: "peftbench", notes: [])
        }
        func fail(_ message: String) -> Unsupported { Unsupported("\(configPath): \(message)") }
        let type = json["peft_type"] as? String ?? ""
        if let task = json["task_type"] as? String, task != "CAUSAL_LM" { throw fail("task_type \(task) is not supported (CAUSAL_LM is)") }
        // Fields that change the function and that peftbench does not reproduce: refused when set.
        for key in ["modules_to_save", "layers_to_transform", "layers_pattern", "exclude_modules", "target_parameters",
                    "trainable_token_indices", "layer_replication"] {
            if let v = json[key], !isUnset(v) { throw fail("\(key) is set (\(v)); peftbench adapts every layer's projections only") }
        }
        for key in ["fan_in_fan_out", "lora_bias", "use_qalora"] where (json[key] as? Bool) == true { throw fail("\(key): true is not supported") }
        if let bias = json["bias"] as? String, bias != "none" { throw fail("bias '\(bias)' is not supported (none is)") }
        if let pattern = json["alpha_pattern"], !isUnset(pattern) { throw fail("alpha_pattern is not supported") }

        var overrides: [String: String] = [:]
        var context = context
        guard let method = method(peftType: type, useDoRA: (json["use_dora"] as? Bool) == true) else {
            throw fail("peft_type '\(type)' is not supported (\(supportedTypes))")
        }
        var notes: [String] = []
        func copy(_ keys: [String]) throws {
            for key in keys {
                guard let v = json[key] else { continue }
                guard let text = scalarText(v, boolean: key.hasPrefix("use_")) else { throw fail("\(key) is not a \(key.hasPrefix("use_") ? "boolean" : "number")") }
                overrides[key] = text
            }
        }
        func modules(_ key: String) throws -> String? {
            guard let v = json[key], !isUnset(v) else { return nil }
            if let s = v as? String {
                guard s == "all-linear" else { throw fail("\(key) '\(s)' is a pattern; peftbench takes a list of projections or all-linear") }
                return s
            }
            guard let list = v as? [String] else { throw fail("\(key) is not a list of module names") }
            for name in list where LinearSlot(rawValue: name) == nil {
                throw fail("\(key) names '\(name)'; peftbench adapts \(LinearSlot.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return LinearSlot.allCases.map(\.rawValue).filter(list.contains).joined(separator: ",")
        }
        let c = model.config
        func requirePromptShape(tokenDim: Int, heads: Int) throws {
            if let n = json["num_transformer_submodules"] as? Int, n != 1 { throw fail("num_transformer_submodules \(n) (a decoder has 1)") }
            if let l = json["num_layers"] as? Int, l != c.numHiddenLayers { throw fail("num_layers \(l), the model has \(c.numHiddenLayers)") }
            if let d = json["token_dim"] as? Int, d != tokenDim { throw fail("token_dim \(d), the model needs \(tokenDim)") }
            if let h = json["num_attention_heads"] as? Int, h != heads { throw fail("num_attention_heads \(h), the model needs \(heads)") }
        }
        switch type {
        case "LORA":
            if let pattern = json["rank_pattern"], !isUnset(pattern) { throw fail("rank_pattern (per-module ranks) is not supported") }
            try copy(["r", "lora_alpha", "lora_dropout", "use_rslora"])
            overrides["target_modules"] = try modules("target_modules")
        case "ADALORA":
            try copy(["init_r", "target_r", "lora_alpha", "lora_dropout", "tinit", "tfinal", "deltaT", "beta1", "beta2",
                      "orth_reg_weight", "total_step"])
            overrides["target_modules"] = try modules("target_modules")
            if let raw = json["rank_pattern"], !isUnset(raw) {
                guard let pattern = raw as? [String: [Bool]] else { throw fail("rank_pattern is not a map of module to booleans") }
                context.rankPattern = Dictionary(pattern.map { (modulePath(rankKey: $0.key), $0.value) }, uniquingKeysWith: { a, _ in a })
            }
        case "VERA":
            guard (json["save_projection"] as? Bool) ?? true else {
                throw fail("save_projection is false: the shared projections are not in the file, and PEFT draws them with PyTorch's generator")
            }
            try copy(["r", "projection_prng_key", "d_initial"])
            overrides["target_modules"] = try modules("target_modules")
        case "IA3":
            overrides["target_modules"] = try modules("target_modules")
            overrides["feedforward_modules"] = try modules("feedforward_modules") ?? ""
        case "PROMPT_TUNING", "P_TUNING":
            try requirePromptShape(tokenDim: c.hiddenSize, heads: c.numAttentionHeads)
            try copy(["num_virtual_tokens"])
            overrides["prompt_tuning_init"] = "RANDOM"
            if type == "P_TUNING" {
                notes.append("ptuning: the file holds the prompt encoder's output (as PEFT saves it), run as fixed virtual tokens")
            }
        case "PREFIX_TUNING":
            try requirePromptShape(tokenDim: c.kvDim, heads: c.numKeyValueHeads)
            try copy(["num_virtual_tokens"])
            overrides["prefix_projection"] = "false"
        default: break
        }
        overrides = overrides.filter { !$0.value.isEmpty || $0.key == "feedforward_modules" }

        // P-tuning's saved embeddings are final, so they are installed as prompt tuning's direct virtual tokens.
        let installed = method == PTuning.name ? PromptTuning.name : method
        let applied: AppliedMethod
        do { applied = try MethodRegistry.apply(installed, to: model, overrides: overrides, context: context) } catch {
            throw fail("\(error)")
        }
        let weightsPath = (folder as NSString).appendingPathComponent(weightsName)
        let file = try SafetensorsFile(path: weightsPath)
        var used = Set<String>()
        for p in applied.added {
            let key = ["prompt_encoder.embedding.weight", "prefix_encoder.embedding.weight"].contains(p.name)
                ? "prompt_embeddings" : tensorKey(p.name, method: method)
            guard let info = file.tensors[key] else { throw Unsupported("\(weightsPath): lacks '\(key)'") }
            guard info.shape.reduce(1, *) == p.count, info.shape.filter({ $0 != 1 }) == p.shape.filter({ $0 != 1 }) else {
                throw Unsupported("\(weightsPath): '\(key)' has shape \(info.shape), the method makes \(p.shape)")
            }
            try file.read(info, into: p.value.pointer)
            p.markModified()
            used.insert(key)
        }
        if let extra = file.tensors.keys.filter({ !used.contains($0) }).sorted().first {
            throw Unsupported("\(weightsPath): holds '\(extra)', which the \(method) configuration has no place for")
        }
        return ImportedAdapter(method: method, applied: applied, layout: "peft", notes: notes)
    }

    /// `base_model.model.model.layers.0.self_attn.q_proj.lora_E.default` (or without the prefix or adapter name)
    /// → `model.layers.0.self_attn.q_proj`.
    static func modulePath(rankKey: String) -> String {
        var parts = rankKey.split(separator: ".").map(String.init)
        if parts.starts(with: ["base_model", "model"]) { parts.removeFirst(2) }
        if let e = parts.lastIndex(of: "lora_E") { parts = Array(parts[..<e]) }
        return parts.joined(separator: ".")
    }

    static func isUnset(_ v: Any) -> Bool {
        if v is NSNull { return true }
        if let a = v as? [Any] { return a.isEmpty }
        if let d = v as? [String: Any] { return d.isEmpty }
        return false
    }

    static func scalarText(_ v: Any, boolean: Bool) -> String? {
        if boolean { return (v as? Bool).map { $0 ? "true" : "false" } }
        return (v as? NSNumber)?.stringValue
    }
}
