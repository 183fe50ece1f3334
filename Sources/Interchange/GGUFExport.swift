import Checkpoints
import Foundation
import Model
import Tokenizer

/// A model as a GGUF file of the llama architecture, as llama.cpp's converter writes one: q and k rows interleaved
/// per rotary pair, norms and biases in F32, the projections and embeddings in the chosen type, and the tokenizer
/// (vocabulary, merges, token types, special ids, chat template) in `tokenizer.ggml.*`.
public enum GGUFExport {
    public enum StorageType: String, CaseIterable, Sendable {
        case f32, f16, q8_0
        var ggml: GGMLType {
            switch self {
            case .f32: return .f32
            case .f16: return .f16
            case .q8_0: return .q8_0
            }
        }
    }

    public static func write(_ checkpoint: PlainCheckpoint, tokenizer: BPETokenizer, name: String, type: StorageType,
                             to path: String) throws {
        let c = checkpoint.config
        var metadata: [(String, GGUFFile.Value)] = [
            ("general.architecture", .string("llama")),
            ("general.name", .string(name)),
            ("general.file_type", .uint32(type == .f32 ? 0 : type == .f16 ? 1 : 7)),
            ("general.quantization_version", .uint32(2)),
            ("llama.vocab_size", .uint32(UInt32(c.vocabSize))),
            ("llama.context_length", .uint32(UInt32(c.maxPositionEmbeddings))),
            ("llama.embedding_length", .uint32(UInt32(c.hiddenSize))),
            ("llama.block_count", .uint32(UInt32(c.numHiddenLayers))),
            ("llama.feed_forward_length", .uint32(UInt32(c.intermediateSize))),
            ("llama.rope.dimension_count", .uint32(UInt32(c.headDim))),
            ("llama.attention.head_count", .uint32(UInt32(c.numAttentionHeads))),
            ("llama.attention.head_count_kv", .uint32(UInt32(c.numKeyValueHeads))),
            ("llama.attention.layer_norm_rms_epsilon", .float32(c.rmsNormEps)),
            ("llama.rope.freq_base", .float32(Float(c.ropeTheta))),
        ]
        metadata += tokenizerMetadata(tokenizer)
        var tensors: [GGUFWriter.Tensor] = []
        for t in checkpoint.tensors {
            guard let ggufName = CheckpointLoader.ggufName(t.name) else {
                throw PlainCheckpoint.Unexportable(description: "\(t.name) has no GGUF name")
            }
            var values = t.values
            let heads = t.name.contains("q_proj.") ? c.numAttentionHeads : t.name.contains("k_proj.") ? c.numKeyValueHeads : nil
            if let heads { values = interleaveRotaryRows(values, rows: t.shape[0], heads: heads) }
            // As llama.cpp keeps them: 1-D tensors in F32, and Q8_0 only where rows split into whole blocks.
            var storage = t.shape.count == 1 ? GGMLType.f32 : type.ggml
            if storage == .q8_0 && t.shape[1] % 32 != 0 { storage = .f16 }
            tensors.append(GGUFWriter.Tensor(name: ggufName, shape: t.shape, values: values, type: storage))
        }
        try GGUFWriter(metadata: metadata, tensors: tensors).write(to: path)
    }

    static func interleaveRotaryRows(_ values: [Float], rows: Int, heads: Int) -> [Float] {
        let cols = values.count / rows
        var out = [Float](repeating: 0, count: values.count)
        for g in 0..<rows {
            let from = CheckpointLoader.decoderRow(forGGUFRow: g, rows: rows, heads: heads)
            for j in 0..<cols { out[g * cols + j] = values[from * cols + j] }
        }
        return out
    }

    static func tokenizerMetadata(_ t: BPETokenizer) -> [(String, GGUFFile.Value)] {
        let special = Set(t.specialTokens.map(\.id))
        var out: [(String, GGUFFile.Value)] = [
            ("tokenizer.ggml.model", .string("gpt2")),
            ("tokenizer.ggml.pre", .string(t.preTokenizer == .smollm ? "smollm" : "gpt-2")),  // llama.cpp's names
            ("tokenizer.ggml.tokens", .array(t.tokens.map { .string($0) })),
            // 1 normal, 3 control: control tokens are matched whole in text.
            ("tokenizer.ggml.token_type", .array(t.tokens.indices.map { .int32(special.contains(Int32($0)) ? 3 : 1) })),
            ("tokenizer.ggml.merges", .array(t.mergePairs.map { .string("\($0.0) \($0.1)") })),
            ("tokenizer.ggml.add_bos_token", .bool(t.addBOS)),
        ]
        for (key, id) in [("bos", t.bosID), ("eos", t.eosID), ("padding", t.padID), ("unknown", t.unknownID)] {
            if let id { out.append(("tokenizer.ggml.\(key)_token_id", .uint32(UInt32(id)))) }
        }
        if let template = t.chatTemplate { out.append(("tokenizer.chat_template", .string(template.source))) }
        return out
    }
}
