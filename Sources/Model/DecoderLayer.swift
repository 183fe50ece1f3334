import Engine

/// The projections a PEFT method may wrap, with their Hugging Face module names.
public enum LinearSlot: String, CaseIterable, Sendable {
    case q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj

    public var module: String {
        switch self {
        case .q_proj, .k_proj, .v_proj, .o_proj: return "self_attn.\(rawValue)"
        case .gate_proj, .up_proj, .down_proj: return "mlp.\(rawValue)"
        }
    }
}

/// One pre-norm LLaMA block:
///   x2 = x + o_proj(attention(rope(q_proj(n1)), rope(k_proj(n1)), v_proj(n1))),  n1 = rmsnorm(x)
///   y  = x2 + down_proj(silu(gate_proj(n2)) ∘ up_proj(n2)),                        n2 = rmsnorm(x2)
public final class DecoderLayer {
    public let index: Int
    public let inputNorm: Parameter          // (C)
    public let postAttentionNorm: Parameter  // (C)
    private var linears: [LinearSlot: any LinearLayer]

    init(index: Int, config: LlamaConfig, trainable: Bool) {
        self.index = index
        let prefix = "model.layers.\(index)"
        let c = config.hiddenSize, kv = config.kvDim, i = config.intermediateSize
        inputNorm = Parameter(name: "\(prefix).input_layernorm.weight", shape: [c], trainable: trainable)
        postAttentionNorm = Parameter(name: "\(prefix).post_attention_layernorm.weight", shape: [c], trainable: trainable)
        inputNorm.value.buffer.update(repeating: 1)
        postAttentionNorm.value.buffer.update(repeating: 1)
        func dense(_ slot: LinearSlot, _ inF: Int, _ outF: Int) -> any LinearLayer {
            let bias = [.q_proj, .k_proj, .v_proj, .o_proj].contains(slot) ? config.attentionBias : config.mlpBias
            return DenseLinear(name: "\(prefix).\(slot.module)", inFeatures: inF, outFeatures: outF, bias: bias, trainable: trainable)
        }
        linears = [
            .q_proj: dense(.q_proj, c, c), .k_proj: dense(.k_proj, c, kv), .v_proj: dense(.v_proj, c, kv),
            .o_proj: dense(.o_proj, c, c),
            .gate_proj: dense(.gate_proj, c, i), .up_proj: dense(.up_proj, c, i), .down_proj: dense(.down_proj, i, c),
        ]
    }

    /// A projection by slot; assigning replaces it (a PEFT method installing its wrapper).
    public subscript(slot: LinearSlot) -> any LinearLayer {
        get { linears[slot]! }
        set {
            let old = linears[slot]!
            precondition(newValue.inFeatures == old.inFeatures && newValue.outFeatures == old.outFeatures,
                         "replacement for \(slot) changes its shape")
            linears[slot] = newValue
        }
    }

    public var parameters: [Parameter] {
        [inputNorm, postAttentionNorm] + LinearSlot.allCases.flatMap { linears[$0]!.parameters }
    }

    // MARK: forward / backward

    struct Context {
        let rows: Int
        let channels: Int
        let geometry: AttentionGeometry
        let positions: UnsafePointer<Int32>
        let keyStart: UnsafePointer<Int32>?
        let rotary: RotaryTable
        let eps: Float
        let prefix: (any KeyValuePrefixSource)?
        let training: Bool
    }

    func forward(x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, a: LayerActivations, ctx: Context) {
        let n = ctx.rows, g = ctx.geometry
        RMSNorm.forward(out: a.xn1.pointer, rstd: a.rstd1.pointer, inp: x, weight: inputNorm.value.pointer,
                        rows: n, channels: ctx.channels, eps: ctx.eps)
        SharedInput.forward([self[.q_proj], self[.k_proj], self[.v_proj]], x: a.xn1.pointer,
                            ys: [a.q.pointer, a.k.pointer, a.v.pointer], rows: n, training: ctx.training)
        Rotary.forward(a.q.pointer, positions: ctx.positions, rows: n, heads: g.heads, table: ctx.rotary)
        Rotary.forward(a.k.pointer, positions: ctx.positions, rows: n, heads: g.kvHeads, table: ctx.rotary)
        Attention.forward(
            out: a.att.pointer, probs: a.probs.pointer, q: a.q.pointer, k: a.k.pointer, v: a.v.pointer,
            prefixK: ctx.prefix?.keys(layer: index), prefixV: ctx.prefix?.values(layer: index),
            keyStart: ctx.keyStart, geometry: g)
        self[.o_proj].forward(x: a.att.pointer, y: a.x2.pointer, rows: n, training: ctx.training)
        Residual.forward(out: a.x2.pointer, a: x, b: a.x2.pointer, count: n * ctx.channels)
        RMSNorm.forward(out: a.xn2.pointer, rstd: a.rstd2.pointer, inp: a.x2.pointer,
                        weight: postAttentionNorm.value.pointer, rows: n, channels: ctx.channels, eps: ctx.eps)
        SharedInput.forward([self[.gate_proj], self[.up_proj]], x: a.xn2.pointer, ys: [a.gate.pointer, a.up.pointer],
                            rows: n, training: ctx.training)
        SwiGLU.forward(out: a.h.pointer, gate: a.gate.pointer, up: a.up.pointer, count: n * a.intermediate)
        self[.down_proj].forward(x: a.h.pointer, y: out, rows: n, training: ctx.training)
        Residual.forward(out: out, a: a.x2.pointer, b: out, count: n * ctx.channels)
    }

    /// `dtrunk` holds dL/d(output) on entry and dL/d(input) on return; `x` is the layer's input.
    func backward(dtrunk: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, a: LayerActivations,
                  s: BackwardScratch, ctx: Context) {
        let n = ctx.rows, g = ctx.geometry, c = ctx.channels
        // MLP branch
        self[.down_proj].backward(dy: dtrunk, x: a.h.pointer, dx: s.dh.pointer, accumulateInput: false, rows: n)
        SwiGLU.backward(dgate: s.dgate.pointer, dup: s.dup.pointer, dout: s.dh.pointer,
                        gate: a.gate.pointer, up: a.up.pointer, count: n * a.intermediate)
        SharedInput.backward([self[.gate_proj], self[.up_proj]], dys: [s.dgate.pointer, s.dup.pointer],
                             x: a.xn2.pointer, dx: s.dxn.pointer, rows: n)
        RMSNorm.backward(dinp: dtrunk, dweight: postAttentionNorm.grad?.pointer, dout: s.dxn.pointer,
                         inp: a.x2.pointer, weight: postAttentionNorm.value.pointer, rstd: a.rstd2.pointer,
                         rows: n, channels: c, accumulate: true)
        // attention branch
        self[.o_proj].backward(dy: dtrunk, x: a.att.pointer, dx: s.datt.pointer, accumulateInput: false, rows: n)
        Attention.backward(
            dq: s.dq.pointer, dk: s.dk.pointer, dv: s.dv.pointer,
            dPrefixK: ctx.prefix?.keyGradient(layer: index), dPrefixV: ctx.prefix?.valueGradient(layer: index),
            dout: s.datt.pointer, probs: a.probs.pointer, q: a.q.pointer, k: a.k.pointer, v: a.v.pointer,
            prefixK: ctx.prefix?.keys(layer: index), prefixV: ctx.prefix?.values(layer: index),
            scratch: s.dscores.pointer, geometry: g)
        Rotary.backward(s.dq.pointer, positions: ctx.positions, rows: n, heads: g.heads, table: ctx.rotary)
        Rotary.backward(s.dk.pointer, positions: ctx.positions, rows: n, heads: g.kvHeads, table: ctx.rotary)
        SharedInput.backward([self[.q_proj], self[.k_proj], self[.v_proj]],
                             dys: [s.dq.pointer, s.dk.pointer, s.dv.pointer], x: a.xn1.pointer, dx: s.dxn.pointer, rows: n)
        RMSNorm.backward(dinp: dtrunk, dweight: inputNorm.grad?.pointer, dout: s.dxn.pointer,
                         inp: x, weight: inputNorm.value.pointer, rstd: a.rstd1.pointer,
                         rows: n, channels: c, accumulate: true)
    }
}
