import Foundation

// The LLaMA MLP's gate: h = silu(g) ∘ u with silu(g) = g·σ(g). Shapes: g, u, h (N, I).

public enum SwiGLU {
    public static func forward(
        out: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int
    ) {
        Parallel.forChunks(count) { range in
            for i in range {
                let g = gate[i]
                out[i] = g / (1 + Foundation.exp(-g)) * up[i]
            }
        }
    }

    /// dg = dh∘u∘σ(g)(1 + g(1−σ(g)));  du = dh∘silu(g).
    public static func backward(
        dgate: UnsafeMutablePointer<Float>, dup: UnsafeMutablePointer<Float>,
        dout: UnsafePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int
    ) {
        Parallel.forChunks(count) { range in
            for i in range {
                let g = gate[i]
                let s = 1 / (1 + Foundation.exp(-g))
                let dh = dout[i]
                dup[i] = dh * g * s
                dgate[i] = dh * up[i] * s * (1 + g * (1 - s))
            }
        }
    }
}
