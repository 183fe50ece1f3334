import Engine

/// Scratch buffers of an inference step, grown to the largest step seen (a long prefill) and then reused by every
/// one-token decode step.
final class InferenceScratch {
    var rows = 0
    var x = GrowableBuffer(), y = GrowableBuffer()       // residual stream in and out (rows, C)
    var xn = GrowableBuffer(), q = GrowableBuffer(), k = GrowableBuffer(), v = GrowableBuffer()
    var att = GrowableBuffer(), x2 = GrowableBuffer(), gate = GrowableBuffer(), up = GrowableBuffer()
    var h = GrowableBuffer(), probs = GrowableBuffer(), last = GrowableBuffer(), lastNorm = GrowableBuffer()
    var logits = GrowableBuffer(), virtualOut = GrowableBuffer()
    let ids = IndexBuffer(), positions = IndexBuffer()
}

extension DecoderLayer {
    /// One block over `rows` new positions of every sequence, appending their keys and values to the cache.
    func infer(x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, s: InferenceScratch, cache: KVCache,
               newPerSequence tq: Int, positions: UnsafePointer<Int32>, keyStart: UnsafePointer<Int32>,
               config: LlamaConfig, rotary: RotaryTable, prefix: (any KeyValuePrefixSource)?) {
        let n = cache.batch * tq, c = config.hiddenSize, kv = config.kvDim, inter = config.intermediateSize
        let xn = s.xn.reserve(n * c), q = s.q.reserve(n * c), k = s.k.reserve(n * kv), v = s.v.reserve(n * kv)
        RMSNorm.forward(out: xn, rstd: nil, inp: x, weight: inputNorm.value.pointer, rows: n, channels: c, eps: config.rmsNormEps)
        SharedInput.forward([self[.q_proj], self[.k_proj], self[.v_proj]], x: xn, ys: [q, k, v], rows: n, training: false)
        Rotary.forward(q, positions: positions, rows: n, heads: config.numAttentionHeads, table: rotary)
        Rotary.forward(k, positions: positions, rows: n, heads: config.numKeyValueHeads, table: rotary)
        let past = cache.length
        let kc = cache.keys[index].pointer, vc = cache.values[index].pointer
        for b in 0..<cache.batch {
            let dst = (b * cache.capacity + past) * kv
            (kc + dst).update(from: k + b * tq * kv, count: tq * kv)
            (vc + dst).update(from: v + b * tq * kv, count: tq * kv)
        }
        let geometry = AttentionGeometry(
            batch: cache.batch, queries: tq, keys: past + tq, heads: config.numAttentionHeads,
            kvHeads: config.numKeyValueHeads, headDim: config.headDim, prefix: prefix?.count ?? 0,
            kvBatchStride: cache.capacity * kv)
        let att = s.att.reserve(n * c)
        // Sized for the full cache once, so decode steps (one more key each) never reallocate.
        let probsCapacity = cache.batch * config.numAttentionHeads * tq * (geometry.prefix + cache.capacity)
        Attention.forward(out: att, probs: s.probs.reserve(probsCapacity), q: q, k: kc, v: vc,
                          prefixK: prefix?.keys(layer: index), prefixV: prefix?.values(layer: index),
                          keyStart: keyStart, geometry: geometry)
        let x2 = s.x2.reserve(n * c)
        self[.o_proj].forward(x: att, y: x2, rows: n, training: false)
        Residual.forward(out: x2, a: x, b: x2, count: n * c)
        RMSNorm.forward(out: xn, rstd: nil, inp: x2, weight: postAttentionNorm.value.pointer, rows: n, channels: c,
                        eps: config.rmsNormEps)
        let gate = s.gate.reserve(n * inter), up = s.up.reserve(n * inter), h = s.h.reserve(n * inter)
        SharedInput.forward([self[.gate_proj], self[.up_proj]], x: xn, ys: [gate, up], rows: n, training: false)
        SwiGLU.forward(out: h, gate: gate, up: up, count: n * inter)
        self[.down_proj].forward(x: h, y: out, rows: n, training: false)
        Residual.forward(out: out, a: x2, b: out, count: n * c)
    }
}

extension LlamaModel {
    /// Feeds `tokens` (B × Tq, the same count for every sequence) through the model, appending to `cache`, and
    /// returns the logits of each sequence's last new position, (B, V). Virtual tokens, when installed, are placed
    /// after each sequence's left padding in the first step.
    public func inferStep(tokens: [Int32], cache: KVCache, scratch: InferenceState) -> UnsafeMutablePointer<Float> {
        let s = scratch.buffers, cfg = config, c = cfg.hiddenSize
        let b = cache.batch
        precondition(tokens.count % b == 0, "tokens must be B × Tq")
        let first = cache.length == 0
        let nv = first ? (virtualTokens?.count ?? 0) : 0
        let tTokens = tokens.count / b, tq = tTokens + nv
        precondition(cache.length + tq <= cache.capacity, "KV cache of \(cache.capacity) positions is full")
        let p = keyValuePrefix?.count ?? 0
        let n = b * tq
        let ids = s.ids.reserve(n), positions = s.positions.reserve(n)
        for seq in 0..<b {
            let pad = Int(cache.leftPadding[seq])
            for t in 0..<tq {
                let abs = cache.length + t
                let r = seq * tq + t
                positions[r] = Int32(p + max(0, abs - pad))
                if first && t >= pad && t < pad + nv {
                    ids[r] = -1
                } else {
                    ids[r] = tokens[seq * tTokens + (first && t >= pad + nv ? t - nv : t)]
                }
            }
        }
        precondition(Int(positions[n - 1]) < cfg.maxPositionEmbeddings, "sequence exceeds max_position_embeddings")
        var x = s.x.reserve(n * c), y = s.y.reserve(n * c)
        Embedding.forward(out: x, ids: ids, table: embedTokens.value.pointer, rows: n, channels: c)
        if nv > 0, let v = virtualTokens {
            let virt = s.virtualOut.reserve(nv * c)
            v.forward(out: virt, training: false)
            for seq in 0..<b {
                (x + (seq * tq + Int(cache.leftPadding[seq])) * c).update(from: virt, count: nv * c)
            }
        }
        if first { keyValuePrefix?.prepare(training: false) }
        cache.leftPadding.withUnsafeBufferPointer { keyStart in
            for layer in layers {
                layer.infer(x: x, out: y, s: s, cache: cache, newPerSequence: tq, positions: positions,
                            keyStart: keyStart.baseAddress!, config: cfg, rotary: rotary, prefix: keyValuePrefix)
                swap(&x, &y)
            }
        }
        cache.length += tq
        let last = s.last.reserve(b * c), norm = s.lastNorm.reserve(b * c)
        for seq in 0..<b { (last + seq * c).update(from: x + (seq * tq + tq - 1) * c, count: c) }
        RMSNorm.forward(out: norm, rstd: nil, inp: last, weight: finalNorm.value.pointer, rows: b, channels: c, eps: cfg.rmsNormEps)
        let logits = s.logits.reserve(b * cfg.vocabSize)
        if b == 1, outputThroughBlocks(norm, logits) { return logits }
        GEMM.linearForward(x: norm, weight: outputWeight.value.pointer, y: logits, rows: b, inFeatures: c,
                           outFeatures: cfg.vocabSize)
        return logits
    }
}

/// Reusable buffers for `inferStep`.
public final class InferenceState {
    let buffers = InferenceScratch()
    public init() {}
}
