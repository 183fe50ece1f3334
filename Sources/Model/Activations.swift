import Engine

/// What one block keeps from its forward for its backward. Sized for a row count and attention span, grown when a
/// larger batch comes, and otherwise reused from step to step.
final class LayerActivations {
    let rows: Int
    let intermediate: Int
    let xn1: FloatBuffer    // (N, C)   input of q/k/v
    let rstd1: FloatBuffer  // (N)
    let q: FloatBuffer      // (N, H·D) after rotary
    let k: FloatBuffer      // (N, KVH·D) after rotary
    let v: FloatBuffer      // (N, KVH·D)
    let probs: FloatBuffer  // (B, H, T, P+T)
    let att: FloatBuffer    // (N, H·D) input of o_proj
    let x2: FloatBuffer     // (N, C)   residual after attention
    let xn2: FloatBuffer    // (N, C)   input of gate/up
    let rstd2: FloatBuffer  // (N)
    let gate: FloatBuffer   // (N, I)
    let up: FloatBuffer     // (N, I)
    let h: FloatBuffer      // (N, I)   input of down_proj

    init(rows n: Int, probsCount: Int, config: LlamaConfig) {
        rows = n
        intermediate = config.intermediateSize
        let c = config.hiddenSize, kv = config.kvDim, i = config.intermediateSize
        xn1 = FloatBuffer(count: n * c); rstd1 = FloatBuffer(count: n)
        q = FloatBuffer(count: n * c); k = FloatBuffer(count: n * kv); v = FloatBuffer(count: n * kv)
        probs = FloatBuffer(count: probsCount); att = FloatBuffer(count: n * c)
        x2 = FloatBuffer(count: n * c); xn2 = FloatBuffer(count: n * c); rstd2 = FloatBuffer(count: n)
        gate = FloatBuffer(count: n * i); up = FloatBuffer(count: n * i); h = FloatBuffer(count: n * i)
    }
}

/// Gradient buffers shared by all blocks during backward (blocks run one at a time).
final class BackwardScratch {
    let dxn, dq, dk, dv, datt, dgate, dup, dh, dscores: FloatBuffer

    init(rows n: Int, scoresCount: Int, config: LlamaConfig) {
        let c = config.hiddenSize, kv = config.kvDim, i = config.intermediateSize
        dxn = FloatBuffer(count: n * c); dq = FloatBuffer(count: n * c)
        dk = FloatBuffer(count: n * kv); dv = FloatBuffer(count: n * kv); datt = FloatBuffer(count: n * c)
        dgate = FloatBuffer(count: n * i); dup = FloatBuffer(count: n * i); dh = FloatBuffer(count: n * i)
        dscores = FloatBuffer(count: scoresCount)
    }
}
