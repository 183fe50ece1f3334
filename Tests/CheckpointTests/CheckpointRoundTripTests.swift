import Checkpoints
import Engine
import Foundation
import Model
import XCTest

/// A random tiny decoder written out as a checkpoint and read back must compute the same logits.
final class CheckpointRoundTripTests: XCTestCase {
    let config = LlamaConfig(hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2,
                             intermediateSize: 48, vocabSize: 40, ropeTheta: 10_000, rmsNormEps: 1e-5,
                             tieWordEmbeddings: true, maxPositionEmbeddings: 64)

    func reference() -> LlamaModel {
        let m = LlamaModel(config: config, seed: 17)
        var rng = RandomGenerator(seed: 5)
        for p in m.parameters where p.shape.count == 1 { for i in 0..<p.count { p.value[i] = 1 + Float(rng.nextUniform() - 0.5) } }
        return m
    }

    let batch = TokenBatch.rightPadded([[3, 9, 1, 22, 7, 30], [5, 5, 12]], padID: 0)

    /// llama.cpp's converter: within each head, rows (half, i) become (i, half).
    func permuteLikeLlamaCpp(_ values: [Float], rows: Int, cols: Int, heads: Int) -> [Float] {
        var out = values
        let d = rows / heads, half = d / 2
        for h in 0..<heads { for s in 0..<2 { for i in 0..<half {
            let from = (h * d + s * half + i) * cols, to = (h * d + 2 * i + s) * cols
            for c in 0..<cols { out[to + c] = values[from + c] }
        } } }
        return out
    }

    func testGGUFRoundTrip() throws {
        let m = reference()
        var w = GGUFWriter()
        w.metadata = [
            ("general.architecture", .string("llama")), ("llama.block_count", .uint32(2)), ("llama.context_length", .uint32(64)),
            ("llama.embedding_length", .uint32(32)), ("llama.feed_forward_length", .uint32(48)),
            ("llama.attention.head_count", .uint32(4)), ("llama.attention.head_count_kv", .uint32(2)),
            ("llama.rope.freq_base", .float32(10_000)), ("llama.attention.layer_norm_rms_epsilon", .float32(1e-5)),
            ("llama.vocab_size", .uint32(40)),
        ]
        let names: [String: String] = [
            "model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
            "input_layernorm": "attn_norm", "post_attention_layernorm": "ffn_norm", "self_attn.q_proj": "attn_q",
            "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output",
            "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down",
        ]
        for p in m.parameters {
            var values = p.value.toArray()
            var ggufName = names[p.name]
            if ggufName == nil {
                let parts = p.name.split(separator: ".")  // model.layers.N.<module...>.weight
                let module = parts[3..<(parts.count - 1)].joined(separator: ".")
                ggufName = "blk.\(parts[2]).\(names[module]!).weight"
                if module == "self_attn.q_proj" { values = permuteLikeLlamaCpp(values, rows: p.shape[0], cols: p.shape[1], heads: 4) }
                if module == "self_attn.k_proj" { values = permuteLikeLlamaCpp(values, rows: p.shape[0], cols: p.shape[1], heads: 2) }
            }
            w.tensors.append(rawTensor(ggufName!, dims: Array(p.shape.reversed()), type: 0, data: floatBytes(values)))
        }
        let path = temporaryPath("tiny-llama.gguf")
        try w.write(to: path)
        let loaded = try CheckpointLoader.load(gguf: GGUFFile(path: path))
        XCTAssertEqual(loaded.config, config)
        XCTAssertEqual(loaded.logits(batch), m.logits(batch))
        // A file missing a tensor says which.
        w.tensors.removeAll { $0.name == "blk.1.ffn_up.weight" }
        try w.write(to: path)
        XCTAssertThrowsError(try CheckpointLoader.load(gguf: GGUFFile(path: path))) {
            XCTAssertTrue("\($0)".contains("model.layers.1.mlp.up_proj.weight"), "\($0)")
        }
    }

    func testHuggingFaceFolderRoundTrip() throws {
        let m = reference()
        let dir = temporaryPath("hf-tiny")
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let configJSON = """
        {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 32, "num_hidden_layers": 2,
         "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 48, "vocab_size": 40,
         "rope_theta": 10000.0, "rms_norm_eps": 1e-05, "tie_word_embeddings": true, "max_position_embeddings": 64}
        """
        try configJSON.write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        // BF16 for the MLP (rounded the way the file stores it), F32 for the rest.
        var header: [String: Any] = ["__metadata__": ["format": "pt"]]
        var data: [UInt8] = []
        for p in m.parameters {
            let bf16 = p.name.contains("mlp")
            let begin = data.count
            for v in p.value.toArray() {
                if bf16 {
                    let bits = UInt16(v.bitPattern >> 16)
                    withUnsafeBytes(of: bits.littleEndian) { data += $0 }
                } else {
                    withUnsafeBytes(of: v.bitPattern.littleEndian) { data += $0 }
                }
            }
            if bf16 { for i in 0..<p.count { p.value[i] = Float(bitPattern: p.value[i].bitPattern & 0xFFFF_0000) } }
            header[p.name] = ["dtype": bf16 ? "BF16" : "F32", "shape": p.shape, "data_offsets": [begin, data.count]]
        }
        var headerBytes = Array(try JSONSerialization.data(withJSONObject: header))
        while headerBytes.count % 8 != 0 { headerBytes.append(UInt8(ascii: " ")) }
        var file: [UInt8] = []
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { file += $0 }
        file += headerBytes + data
        try Data(file).write(to: URL(fileURLWithPath: dir + "/model.safetensors"))
        let loaded = try CheckpointLoader.load(huggingFaceFolder: dir)
        XCTAssertEqual(loaded.logits(batch), m.logits(batch))
        // Truncated weights: one line naming the tensor.
        try Data(file.dropLast(10)).write(to: URL(fileURLWithPath: dir + "/model.safetensors"))
        XCTAssertThrowsError(try CheckpointLoader.load(huggingFaceFolder: dir)) {
            XCTAssertTrue("\($0)".contains("past the end"), "\($0)")
        }
    }
}
