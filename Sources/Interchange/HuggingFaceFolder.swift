import Checkpoints
import Foundation
import Model
import Results
import Tokenizer

/// A model as a Hugging Face folder that transformers' `AutoModelForCausalLM` and `AutoTokenizer` load:
/// `config.json`, `model.safetensors` (F32), `generation_config.json` and the tokenizer files. Written into a
/// temporary folder beside the target and renamed into place whole.
public enum HuggingFaceFolder {
    public static func write(_ checkpoint: PlainCheckpoint, tokenizer: BPETokenizer?, to folder: String) throws {
        try ExportFolder.replace(folder) { work in
            let c = checkpoint.config
            var config: [String: Any] = [
                "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
                "hidden_size": c.hiddenSize, "intermediate_size": c.intermediateSize,
                "num_hidden_layers": c.numHiddenLayers, "num_attention_heads": c.numAttentionHeads,
                "num_key_value_heads": c.numKeyValueHeads, "head_dim": c.headDim, "vocab_size": c.vocabSize,
                "max_position_embeddings": c.maxPositionEmbeddings, "rms_norm_eps": Double(c.rmsNormEps),
                "rope_theta": c.ropeTheta, "rope_scaling": NSNull(), "tie_word_embeddings": c.tieWordEmbeddings,
                "initializer_range": Double(c.initializerRange), "attention_bias": checkpoint.attentionBias,
                "mlp_bias": checkpoint.mlpBias, "attention_dropout": 0.0, "pretraining_tp": 1, "use_cache": true,
                "torch_dtype": "float32",
            ]
            var generation: [String: Any] = ["do_sample": false]
            if let t = tokenizer {
                for (key, id) in [("bos_token_id", t.bosID), ("eos_token_id", t.eosID), ("pad_token_id", t.padID)] {
                    if let id { config[key] = Int(id); generation[key] = Int(id) }
                }
            }
            try writeJSON(config, to: work, "config.json")
            try writeJSON(generation, to: work, "generation_config.json")
            try SafetensorsWriter.write(checkpoint.tensors.map { ($0.name, $0.shape, $0.values) }, metadata: ["format": "pt"],
                                        to: (work as NSString).appendingPathComponent("model.safetensors"))
            if let t = tokenizer {
                try writeJSON(TokenizerFiles.tokenizerJSON(t), to: work, "tokenizer.json")
                try writeJSON(TokenizerFiles.tokenizerConfig(t, maxLength: c.maxPositionEmbeddings), to: work, "tokenizer_config.json")
                try writeJSON(TokenizerFiles.specialTokens(t), to: work, "special_tokens_map.json")
            }
        }
    }

    static func writeJSON(_ object: Any, to folder: String, _ name: String) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try AtomicFile.write(data + Data("\n".utf8), to: (folder as NSString).appendingPathComponent(name))
    }
}

/// Export folders are built beside their target and renamed over it, so a failed export leaves the old one (or none).
enum ExportFolder {
    static func replace(_ folder: String, _ build: (String) throws -> Void) throws {
        let fm = FileManager.default
        let parent = (folder as NSString).deletingLastPathComponent
        if !parent.isEmpty { try fm.createDirectory(atPath: parent, withIntermediateDirectories: true) }
        let work = (parent.isEmpty ? "." : parent) + "/.\((folder as NSString).lastPathComponent).partial-\(getpid())"
        try? fm.removeItem(atPath: work)
        try fm.createDirectory(atPath: work, withIntermediateDirectories: true)
        do {
            try build(work)
            try? fm.removeItem(atPath: folder)
            try fm.moveItem(atPath: work, toPath: folder)
        } catch {
            try? fm.removeItem(atPath: work)
            throw error
        }
    }
}
