import Engine
import Foundation
import Model

/// A model as a plain llama checkpoint holds it: every tensor under its Hugging Face name, each adapted projection
/// folded into one weight (and a bias, where a method added one). What the `hf` and `gguf` exports write.
///
/// A projection's weight is read by what it does, not by what its method stores: pushing the identity through an
/// affine layer gives Wᵀ + b in each row and zero gives b, so LoRA, DoRA, QLoRA (its NF4 base dequantized), AdaLoRA,
/// VeRA, (IA)³ and BitFit fold the same way, through the same forward the evaluation runs.
public struct PlainCheckpoint {
    public struct Tensor {
        public let name: String
        public let shape: [Int]
        public let values: [Float]
    }

    public let config: LlamaConfig
    public let tensors: [Tensor]
    /// Whether q, k, v and o carry biases (Hugging Face `attention_bias`), and gate, up and down (`mlp_bias`).
    public let attentionBias: Bool
    public let mlpBias: Bool

    public struct Unexportable: Error, CustomStringConvertible {
        public let description: String
    }

    /// Folds the model's current state; throws, naming the reason, for what a plain llama cannot hold.
    public init(model: LlamaModel, method: String) throws {
        if model.virtualTokens != nil {
            throw Unexportable(description: "\(method): virtual tokens are inputs, not weights, so no merged llama checkpoint holds them; export the adapter with --format peft")
        }
        if model.keyValuePrefix != nil {
            throw Unexportable(description: "\(method): per-layer key/value prefixes have no place in a llama checkpoint; export the adapter with --format peft")
        }
        config = model.config
        var projections: [(name: String, weight: [Float], bias: [Float]?, slot: LinearSlot)] = []
        for layer in model.layers {
            for slot in LinearSlot.allCases {
                let linear = layer[slot]
                let name = "model.layers.\(layer.index).\(slot.module)"
                guard linear.isAffine else {
                    throw Unexportable(description: "\(method): \(name) holds a non-linear bottleneck adapter, which no llama checkpoint can hold")
                }
                let folded = Self.fold(linear)
                projections.append((name, folded.weight, folded.bias, slot))
            }
        }
        let attentionSlots: Set<LinearSlot> = [.q_proj, .k_proj, .v_proj, .o_proj]
        attentionBias = projections.contains { $0.bias != nil && attentionSlots.contains($0.slot) }
        mlpBias = projections.contains { $0.bias != nil && !attentionSlots.contains($0.slot) }

        func copy(_ p: Parameter) -> Tensor { Tensor(name: p.name, shape: p.shape, values: Array(p.value.buffer)) }
        var out = [copy(model.embedTokens)]
        var next = projections.makeIterator()
        for layer in model.layers {
            out.append(copy(layer.inputNorm))
            out.append(copy(layer.postAttentionNorm))
            for _ in LinearSlot.allCases {
                let p = next.next()!
                let linear = layer[p.slot]
                out.append(Tensor(name: "\(p.name).weight", shape: [linear.outFeatures, linear.inFeatures], values: p.weight))
                let wantsBias = attentionSlots.contains(p.slot) ? attentionBias : mlpBias
                if wantsBias {
                    out.append(Tensor(name: "\(p.name).bias", shape: [linear.outFeatures],
                                      values: p.bias ?? [Float](repeating: 0, count: linear.outFeatures)))
                }
            }
        }
        out.append(copy(model.finalNorm))
        if let head = model.lmHead { out.append(copy(head)) }
        tensors = out
    }

    /// (out, in) weight and the bias, or nil when the layer adds none (its output at zero input is exactly zero).
    static func fold(_ linear: any LinearLayer) -> (weight: [Float], bias: [Float]?) {
        let n = linear.inFeatures, m = linear.outFeatures
        if let dense = linear as? DenseLinear {
            return (Array(dense.weight.value.buffer), dense.bias.map { Array($0.value.buffer) })
        }
        // Identity rows in chunks bound the probe's memory to chunk·(in + out) floats.
        let chunk = min(n, 256)
        let x = FloatBuffer(count: chunk * n), y = FloatBuffer(count: chunk * m)
        var transposed = [Float](repeating: 0, count: n * m)   // (in, out): row i is W·eᵢ + b
        let zero = FloatBuffer(count: 2 * n), zeroOut = FloatBuffer(count: 2 * m)
        linear.forward(x: zero.pointer, y: zeroOut.pointer, rows: 2, training: false)
        let bias = UnsafeBufferPointer(start: zeroOut.pointer, count: m)
        var start = 0
        while start < n {
            let rows = min(chunk, n - start)
            x.zero()
            for r in 0..<rows { x[r * n + start + r] = 1 }
            // At least two rows: a frozen projection answers a single row from its quantized blocks.
            linear.forward(x: x.pointer, y: y.pointer, rows: max(rows, min(2, chunk)), training: false)
            transposed.withUnsafeMutableBufferPointer { t in
                for r in 0..<rows {
                    let row = t.baseAddress! + (start + r) * m, yr = y.pointer + r * m
                    for o in 0..<m { row[o] = yr[o] - bias[o] }
                }
            }
            start += rows
        }
        var weight = [Float](repeating: 0, count: m * n)
        weight.withUnsafeMutableBufferPointer { w in
            transposed.withUnsafeBufferPointer { t in
                for i in 0..<n { for o in 0..<m { w[o * n + i] = t[i * m + o] } }
            }
        }
        let b = Array(bias)
        return (weight, b.contains { $0 != 0 } ? b : nil)
    }
}
