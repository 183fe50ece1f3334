import Engine
import Foundation
import Model
import Results

/// Builds a decoder from a checkpoint: a GGUF file (llama architecture) or a Hugging Face folder
/// (`config.json` + `model.safetensors` or a sharded `model.safetensors.index.json`).
public enum CheckpointLoader {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = ErrorText.oneLine(description) }
    }

    // MARK: GGUF

    /// The decoder shape a GGUF file describes.
    public static func config(gguf: GGUFFile) throws -> LlamaConfig {
        let arch = try gguf.string("general.architecture")
        guard arch == "llama" else { throw Failure("\(gguf.path): architecture '\(arch)' is not supported (llama is)") }
        if let scaling = gguf.metadata["llama.rope.scaling.type"]?.string, scaling != "none" {
            throw Failure("\(gguf.path): rope scaling '\(scaling)' is not supported")
        }
        let heads = try gguf.int("llama.attention.head_count")
        let hidden = try gguf.int("llama.embedding_length")
        let vocab = try gguf.metadata["llama.vocab_size"]?.int ?? gguf.strings("tokenizer.ggml.tokens").count
        var config = LlamaConfig(
            hiddenSize: hidden,
            numHiddenLayers: try gguf.int("llama.block_count"),
            numAttentionHeads: heads,
            numKeyValueHeads: gguf.metadata["llama.attention.head_count_kv"]?.int ?? heads,
            intermediateSize: try gguf.int("llama.feed_forward_length"),
            vocabSize: vocab,
            ropeTheta: gguf.metadata["llama.rope.freq_base"]?.double ?? 10_000,
            rmsNormEps: Float(try gguf.double("llama.attention.layer_norm_rms_epsilon")),
            tieWordEmbeddings: gguf.tensor("output.weight") == nil,
            maxPositionEmbeddings: try gguf.int("llama.context_length"))
        // llama.cpp reads projection biases when they are there; so does peftbench.
        config.attentionBias = gguf.tensor("blk.0.attn_q.bias") != nil
        config.mlpBias = gguf.tensor("blk.0.ffn_up.bias") != nil
        do { try config.validate() } catch { throw Failure("\(gguf.path): \(error)") }
        if let ropeDims = gguf.metadata["llama.rope.dimension_count"]?.int, ropeDims != config.headDim {
            throw Failure("\(gguf.path): partial rotary embeddings (\(ropeDims) of \(config.headDim)) are not supported")
        }
        return config
    }

    /// The Hugging Face name of a GGUF llama tensor.
    static func huggingFaceName(_ gguf: String) -> String? {
        switch gguf {
        case "token_embd.weight": return "model.embed_tokens.weight"
        case "output_norm.weight": return "model.norm.weight"
        case "output.weight": return "lm_head.weight"
        default: break
        }
        let parts = gguf.split(separator: ".")
        guard parts.count == 4, parts[0] == "blk", let layer = Int(parts[1]), parts[3] == "weight" || parts[3] == "bias" else { return nil }
        let isBias = parts[3] == "bias"
        if isBias && (parts[2] == "attn_norm" || parts[2] == "ffn_norm") { return nil }
        let module: String
        switch parts[2] {
        case "attn_norm": module = "input_layernorm"
        case "ffn_norm": module = "post_attention_layernorm"
        case "attn_q": module = "self_attn.q_proj"
        case "attn_k": module = "self_attn.k_proj"
        case "attn_v": module = "self_attn.v_proj"
        case "attn_output": module = "self_attn.o_proj"
        case "ffn_gate": module = "mlp.gate_proj"
        case "ffn_up": module = "mlp.up_proj"
        case "ffn_down": module = "mlp.down_proj"
        default: return nil
        }
        return "model.layers.\(layer).\(module).\(parts[3])"
    }

    /// The GGUF name of a Hugging Face llama tensor (the inverse of `huggingFaceName`).
    public static func ggufName(_ huggingFace: String) -> String? {
        switch huggingFace {
        case "model.embed_tokens.weight": return "token_embd.weight"
        case "model.norm.weight": return "output_norm.weight"
        case "lm_head.weight": return "output.weight"
        default: break
        }
        let parts = huggingFace.split(separator: ".")
        guard parts.count >= 5, parts[0] == "model", parts[1] == "layers", let layer = Int(parts[2]) else { return nil }
        let module = parts[3..<(parts.count - 1)].joined(separator: ".")
        let names = ["input_layernorm": "attn_norm", "post_attention_layernorm": "ffn_norm", "self_attn.q_proj": "attn_q",
                     "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output",
                     "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down"]
        guard let short = names[module] else { return nil }
        return "blk.\(layer).\(short).\(parts.last!)"
    }

    public static func load(gguf: GGUFFile) throws -> LlamaModel {
        let config = try config(gguf: gguf)
        try requireWeights(config, elements: gguf.tensors.reduce(0) { $0 + $1.elementCount }, source: gguf.path)
        let model = LlamaModel(config: config, seed: nil, trainable: false)
        let params = Dictionary(uniqueKeysWithValues: model.parameters.map { ($0.name, $0) })
        var filled = Set<String>()
        for info in gguf.tensors {
            guard let name = huggingFaceName(info.name), let p = params[name] else {
                throw Failure("\(gguf.path): tensor '\(info.name)' has no place in a llama decoder")
            }
            guard info.shape == p.shape else {
                throw Failure("\(gguf.path): tensor '\(info.name)' has shape \(info.shape), expected \(p.shape)")
            }
            try gguf.read(info, into: p.value.pointer)
            // llama.cpp's converter interleaves the two rotary halves of each q/k head (weights and biases); undo it.
            var heads: Int?
            if name.contains("q_proj.") { heads = config.numAttentionHeads }
            if name.contains("k_proj.") { heads = config.numKeyValueHeads }
            if let heads { unpermuteRotaryRows(p, heads: heads) }
            if let blocks = BlockCopy.make(gguf: gguf, info: info, rotaryHeads: heads) {
                if p === model.outputWeight {
                    model.attachOutputBlocks(blocks)
                } else if let linear = model.denseLinear(named: name) {
                    linear.attachFrozenBlocks(blocks)
                }
            }
            filled.insert(name)
        }
        try requireAll(params.keys, filled: filled, source: gguf.path)
        return model
    }

    /// Before the decoder is allocated: a few bytes of metadata must not make the loader allocate what no file
    /// backs. A config may describe at most twice the weights the tensors hold (a file short of a tensor or two goes
    /// on to the error that names them); beyond that it is refused here.
    static func requireWeights(_ config: LlamaConfig, elements: Int, source: String) throws {
        guard config.parameterCount <= 2 * elements + (1 << 20) else {
            throw Failure("\(source): the config describes \(config.parameterCount) weights, the tensors hold \(elements)")
        }
    }

    /// Rows of each head arrive as (i, half) pairs; the decoder wants (half, i): row h·D + s·D/2 + i ← h·D + 2i + s.
    static func rotarySourceRow(_ row: Int, rows: Int, heads: Int) -> Int {
        let d = rows / heads, half = d / 2
        let h = row / d, s = (row % d) / half, i = row % half
        return h * d + 2 * i + s
    }

    /// The inverse, for writing: GGUF row h·D + 2i + s takes decoder row h·D + s·D/2 + i.
    public static func decoderRow(forGGUFRow row: Int, rows: Int, heads: Int) -> Int {
        let d = rows / heads, half = d / 2
        let h = row / d, i = (row % d) / 2, s = row % 2
        return h * d + s * half + i
    }

    static func unpermuteRotaryRows(_ p: Parameter, heads: Int) {
        let rows = p.shape[0], cols = p.shape.count > 1 ? p.shape[1] : 1
        let copy = Array(p.value.buffer)
        copy.withUnsafeBufferPointer { src in
            for row in 0..<rows {
                let from = rotarySourceRow(row, rows: rows, heads: heads)
                (p.value.pointer + row * cols).update(from: src.baseAddress! + from * cols, count: cols)
            }
        }
    }

    // MARK: Hugging Face folder

    public static func config(huggingFaceFolder folder: String) throws -> LlamaConfig {
        try config(jsonFile: (folder as NSString).appendingPathComponent("config.json"))
    }

    /// A Hugging Face `config.json` (llama), with one-line errors naming the file and field.
    public static func config(jsonFile path: String) throws -> LlamaConfig {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure("\(path): cannot read the file") }
        if let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            let types = (json["architectures"] as? [String]) ?? []
            if let modelType = json["model_type"] as? String, modelType != "llama" {
                throw Failure("\(path): model_type '\(modelType)' is not supported (llama is); architectures \(types)")
            }
            if let scaling = json["rope_scaling"], !(scaling is NSNull) {
                throw Failure("\(path): rope_scaling is not supported")
            }
        }
        do {
            return try JSONDecoder().decode(LlamaConfig.self, from: data)
        } catch let e as LlamaConfig.Invalid {
            throw Failure("\(path): \(e.description)")
        } catch let DecodingError.keyNotFound(key, _) {
            throw Failure("\(path): missing field '\(key.stringValue)'")
        } catch {
            throw Failure("\(path): not a valid model config (\(error))")
        }
    }

    public static func load(huggingFaceFolder folder: String) throws -> LlamaModel {
        let config = try config(huggingFaceFolder: folder)
        let fm = FileManager.default
        let single = (folder as NSString).appendingPathComponent("model.safetensors")
        let index = (folder as NSString).appendingPathComponent("model.safetensors.index.json")
        var files: [String] = []
        if fm.fileExists(atPath: single) {
            files = [single]
        } else if let data = fm.contents(atPath: index) {
            guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let map = json["weight_map"] as? [String: String] else {
                throw Failure("\(index): no weight_map")
            }
            files = Set(map.values).sorted().map { (folder as NSString).appendingPathComponent($0) }
        } else {
            throw Failure("\(folder): no model.safetensors or model.safetensors.index.json")
        }
        let opened = try files.map { try SafetensorsFile(path: $0) }
        try requireWeights(config, elements: opened.reduce(0) { $0 + $1.tensors.values.reduce(0) { $0 + $1.elementCount } }, source: folder)
        let model = LlamaModel(config: config, seed: nil, trainable: false)
        let params = Dictionary(uniqueKeysWithValues: model.parameters.map { ($0.name, $0) })
        var filled = Set<String>()
        for st in opened {
            let path = st.path
            for info in st.tensors.values.sorted(by: { $0.name < $1.name }) {
                // Buffers some exporters save that the decoder recomputes.
                if info.name.hasSuffix("rotary_emb.inv_freq") { continue }
                guard let p = params[info.name] else {
                    // A tied checkpoint may still carry lm_head.weight (a copy of the embeddings).
                    if info.name == "lm_head.weight" && config.tieWordEmbeddings { continue }
                    throw Failure("\(path): tensor '\(info.name)' has no place in a llama decoder")
                }
                guard info.shape == p.shape else {
                    throw Failure("\(path): tensor '\(info.name)' has shape \(info.shape), expected \(p.shape)")
                }
                try st.read(info, into: p.value.pointer)
                filled.insert(info.name)
            }
        }
        try requireAll(params.keys, filled: filled, source: folder)
        return model
    }

    static func requireAll<S: Sequence>(_ names: S, filled: Set<String>, source: String) throws where S.Element == String {
        if let missing = names.filter({ !filled.contains($0) }).sorted().first {
            throw Failure("\(source): checkpoint lacks '\(missing)'")
        }
    }
}
