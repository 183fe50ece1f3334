import Foundation

// The LLaMA MLP's gate: h = silu(g) ∘ u with silu(g) = g·σ(g). Shapes: g, u, h (N, I).

public enum SwiGLU {
    public static func forward(
        out: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int
    ) {
        Parallel.forChunks(count) { range in
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                let g = load8(gate + i)
                store8(g / (1 + exp8(-g)) * load8(up + i), out + i)
                i += 8
            }
            while i < range.upperBound {
                let g = gate[i]
                out[i] = g / (1 + exp1(-g)) * up[i]
                i += 1
            }
        }
    }

    /// dg = dh∘u∘σ(g)(1 + g(1−σ(g)));  du = dh∘silu(g).
    public static func backward(
        dgate: UnsafeMutablePointer<Float>, dup: UnsafeMutablePointer<Float>,
        dout: UnsafePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int
    ) {
        Parallel.forChunks(count) { range in
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                let g = load8(gate + i), dh = load8(dout + i)
                let s = 1 / (1 + exp8(-g))
                store8(dh * g * s, dup + i)
                store8(dh * load8(up + i) * s * (1 + g * (1 - s)), dgate + i)
                i += 8
            }
            while i < range.upperBound {
                let g = gate[i]
                let s = 1 / (1 + exp1(-g))
                let dh = dout[i]
                dup[i] = dh * g * s
                dgate[i] = dh * up[i] * s * (1 + g * (1 - s))
                i += 1
            }
        }
    }
}
