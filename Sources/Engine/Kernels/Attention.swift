import Foundation

// Causal scaled-dot-product attention with grouped-query heads (head h reads kv head h / (H / KVH)).
//
// Shapes (row-major):
//   q, out  (B, Tq, H·D)            keys/values k, v  (B, ·, KVH·D) with `kvBatchStride` floats between sequences
//   probs   (B, H, Tq, P + Tk)      prefixK, prefixV (P, KVH·D), shared by every sequence
// Query i of a sequence sees the P prefix keys and the keys j with keyStart ≤ j ≤ i + (Tk − Tq): training has
// Tk = Tq; a KV-cache decode step has Tq = 1 and Tk = tokens so far; keyStart skips left padding.
// Per (sequence, head) products go through sgemm on strided views, so heads need no transposed copies.

public struct AttentionGeometry: Sendable, Equatable {
    public var batch: Int
    public var queries: Int
    public var keys: Int
    public var heads: Int
    public var kvHeads: Int
    public var headDim: Int
    public var prefix: Int
    public var kvBatchStride: Int

    public init(batch: Int, queries: Int, keys: Int, heads: Int, kvHeads: Int, headDim: Int, prefix: Int = 0,
                kvBatchStride: Int? = nil) {
        precondition(heads % kvHeads == 0, "heads must be a multiple of kv heads")
        precondition(keys >= queries, "fewer keys than queries")
        self.batch = batch
        self.queries = queries
        self.keys = keys
        self.heads = heads
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.prefix = prefix
        self.kvBatchStride = kvBatchStride ?? keys * kvHeads * headDim
    }

    public var qDim: Int { heads * headDim }
    public var kvDim: Int { kvHeads * headDim }
    /// Columns of one probability row: prefix keys, then sequence keys.
    public var span: Int { prefix + keys }
    public var probsCount: Int { batch * heads * queries * span }
    public var scale: Float { 1 / Float(headDim).squareRoot() }
}

public enum Attention {
    public static func forward(
        out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        prefixK: UnsafePointer<Float>? = nil, prefixV: UnsafePointer<Float>? = nil,
        keyStart: UnsafePointer<Int32>? = nil, geometry g: AttentionGeometry
    ) {
        if g.queries <= 2 {
            decodeForward(out: out, probs: probs, q: q, k: k, v: v, prefixK: prefixK, prefixV: prefixV,
                          keyStart: keyStart, geometry: g)
            return
        }
        let d = g.headDim, span = g.span, p = g.prefix, tq = g.queries, tk = g.keys
        let group = g.heads / g.kvHeads
        let prefixProducts = (prefixK != nil ? 1 : 0) + (prefixV != nil ? 1 : 0)
        GEMM.countFLOPs(2 * Double(g.batch * g.heads) * Double(tq * d) * Double(2 * tk + (p > 0 ? prefixProducts * p : 0)))
        // (sequence, head) pairs are independent: one thread each, each product on its pair's thread alone.
        Parallel.forParts(g.batch * g.heads) { _, pairs in
            for pair in pairs {
                let b = pair / g.heads, h = pair % g.heads
                let start = keyStart.map { Int($0[b]) } ?? 0
                let kvh = h / group
                let qh = q + b * tq * g.qDim + h * d
                let kh = k + b * g.kvBatchStride + kvh * d
                let vh = v + b * g.kvBatchStride + kvh * d
                let s = probs + (b * g.heads + h) * tq * span
                if p > 0, let pk = prefixK {
                    GEMM.sgemm(transA: false, transB: true, m: tq, n: p, k: d, alpha: g.scale,
                               a: qh, lda: g.qDim, b: pk + kvh * d, ldb: g.kvDim, c: s, ldc: span, counted: false)
                }
                GEMM.sgemm(transA: false, transB: true, m: tq, n: tk, k: d, alpha: g.scale,
                           a: qh, lda: g.qDim, b: kh, ldb: g.kvDim, c: s + p, ldc: span, counted: false)
                for i in 0..<tq {
                    let row = s + i * span
                    let last = i + (tk - tq)  // last visible sequence key
                    if start > 0 { (row + p).update(repeating: -.infinity, count: min(start, tk)) }
                    if last + 1 < tk { (row + p + last + 1).update(repeating: -.infinity, count: tk - last - 1) }
                    Softmax.forward(row, span)
                }
                let oh = out + b * tq * g.qDim + h * d
                GEMM.sgemm(transA: false, transB: false, m: tq, n: d, k: tk,
                           a: s + p, lda: span, b: vh, ldb: g.kvDim, beta: 0, c: oh, ldc: g.qDim, counted: false)
                if p > 0, let pv = prefixV {
                    GEMM.sgemm(transA: false, transB: false, m: tq, n: d, k: p,
                               a: s, lda: span, b: pv + kvh * d, ldb: g.kvDim, beta: 1, c: oh, ldc: g.qDim, counted: false)
                }
            }
        }
    }

    /// The same computation for one or two queries per sequence (KV-cache decoding), as dot products: a
    /// one-row sgemm per head spends more time packing its operands than multiplying.
    static func decodeForward(
        out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        prefixK: UnsafePointer<Float>?, prefixV: UnsafePointer<Float>?,
        keyStart: UnsafePointer<Int32>?, geometry g: AttentionGeometry
    ) {
        let d = g.headDim, span = g.span, p = g.prefix, tq = g.queries, tk = g.keys
        let group = g.heads / g.kvHeads, scale = g.scale
        // (sequence, head) pairs are independent: split them across threads when there is enough to share.
        Parallel.forChunks(g.batch * g.heads, minimumPerThread: max(1, 16_384 / max(1, tq * tk * d))) { pairs in
            for pair in pairs {
                let b = pair / g.heads, h = pair % g.heads
                let start = keyStart.map { Int($0[b]) } ?? 0
                let kvh = h / group
                let kh = k + b * g.kvBatchStride + kvh * d, vh = v + b * g.kvBatchStride + kvh * d
                for i in 0..<tq {
                    let qi = q + (b * tq + i) * g.qDim + h * d
                    let row = probs + ((b * g.heads + h) * tq + i) * span
                    let last = i + (tk - tq)
                    if let pk = prefixK {
                        for j in 0..<p { row[j] = scale * VectorOps.dot(qi, pk + j * g.kvDim + kvh * d, d) }
                    }
                    for j in 0..<tk {
                        row[p + j] = (j < start || j > last) ? -.infinity : scale * VectorOps.dot(qi, kh + j * g.kvDim, d)
                    }
                    Softmax.forward(row, span)
                    let o = out + (b * tq + i) * g.qDim + h * d
                    o.update(repeating: 0, count: d)
                    if let pv = prefixV {
                        for j in 0..<p where row[j] != 0 { VectorOps.axpy(row[j], pv + j * g.kvDim + kvh * d, o, d) }
                    }
                    for j in 0..<tk where row[p + j] != 0 { VectorOps.axpy(row[p + j], vh + j * g.kvDim, o, d) }
                }
            }
        }
    }

    /// Floats of `scratch` that `backward` needs: one Tq·(P+Tk) block per thread.
    public static func backwardScratchCount(_ g: AttentionGeometry) -> Int { Parallel.threads * g.queries * g.span }

    /// Writes dq; overwrites dk and dv (sequence part) with their gradients; accumulates into dPrefixK/dPrefixV
    /// when given. `scratch` holds at least `backwardScratchCount(g)` floats.
    public static func backward(
        dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
        dPrefixK: UnsafeMutablePointer<Float>? = nil, dPrefixV: UnsafeMutablePointer<Float>? = nil,
        dout: UnsafePointer<Float>, probs: UnsafePointer<Float>,
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        prefixK: UnsafePointer<Float>? = nil, prefixV: UnsafePointer<Float>? = nil,
        scratch: UnsafeMutablePointer<Float>, geometry g: AttentionGeometry
    ) {
        let d = g.headDim, span = g.span, p = g.prefix, tq = g.queries, tk = g.keys
        let group = g.heads / g.kvHeads
        for b in 0..<g.batch {
            for t in 0..<tk {
                (dk + b * g.kvBatchStride + t * g.kvDim).update(repeating: 0, count: g.kvDim)
                (dv + b * g.kvBatchStride + t * g.kvDim).update(repeating: 0, count: g.kvDim)
            }
        }
        let prefixProducts = (prefixK != nil ? 1 : 0) + (prefixV != nil ? 1 : 0) + (dPrefixK != nil ? 1 : 0) + (dPrefixV != nil ? 1 : 0)
        GEMM.countFLOPs(2 * Double(g.batch * g.heads) * Double(tq * d) * Double(4 * tk + (p > 0 ? prefixProducts * p : 0)))
        // Heads that share a kv head add into the same dk/dv rows, so the work is split by (sequence, kv head);
        // prefix gradients, shared by every sequence, are summed per thread and added in thread order.
        let parts = min(Parallel.threads, g.batch * g.kvHeads), prefixCount = p * g.kvDim
        let privatePrefix = p > 0 && (dPrefixK != nil || dPrefixV != nil) && parts > 1
        var partials = [Float](repeating: 0, count: privatePrefix ? 2 * parts * prefixCount : 0)
        partials.withUnsafeMutableBufferPointer { partialBuffer in
            nonisolated(unsafe) let partial = partialBuffer.baseAddress
            Parallel.forParts(g.batch * g.kvHeads) { part, tasks in
                let ds = scratch + part * tq * span
                let dpk = dPrefixK.map { privatePrefix ? partial! + 2 * part * prefixCount : $0 }
                let dpv = dPrefixV.map { privatePrefix ? partial! + (2 * part + 1) * prefixCount : $0 }
                for task in tasks {
                    let b = task / g.kvHeads, kvh = task % g.kvHeads
                    for h in (kvh * group)..<((kvh + 1) * group) {
                        backwardHead(b: b, h: h, kvh: kvh, ds: ds, dq: dq, dk: dk, dv: dv,
                                     dPrefixK: dpk, dPrefixV: dpv,
                                     dout: dout, probs: probs, q: q, k: k, v: v, prefixK: prefixK, prefixV: prefixV,
                                     geometry: g)
                    }
                }
            }
            guard privatePrefix, let partial = partialBuffer.baseAddress else { return }
            for part in 0..<parts {
                if let dPrefixK { VectorOps.add(partial + 2 * part * prefixCount, into: dPrefixK, prefixCount) }
                if let dPrefixV { VectorOps.add(partial + (2 * part + 1) * prefixCount, into: dPrefixV, prefixCount) }
            }
        }
    }

    /// One head of one sequence: dq written, dk/dv and the prefix gradients added to.
    @inline(__always)
    private static func backwardHead(
        b: Int, h: Int, kvh: Int, ds: UnsafeMutablePointer<Float>,
        dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
        dPrefixK: UnsafeMutablePointer<Float>?, dPrefixV: UnsafeMutablePointer<Float>?,
        dout: UnsafePointer<Float>, probs: UnsafePointer<Float>,
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        prefixK: UnsafePointer<Float>?, prefixV: UnsafePointer<Float>?, geometry g: AttentionGeometry
    ) {
        let d = g.headDim, span = g.span, p = g.prefix, tq = g.queries, tk = g.keys
        let qh = q + b * tq * g.qDim + h * d
        let kh = k + b * g.kvBatchStride + kvh * d
        let vh = v + b * g.kvBatchStride + kvh * d
        let doh = dout + b * tq * g.qDim + h * d
        let s = probs + (b * g.heads + h) * tq * span
        // dP = dO · [Vp; V]ᵀ
        GEMM.sgemm(transA: false, transB: true, m: tq, n: tk, k: d,
                   a: doh, lda: g.qDim, b: vh, ldb: g.kvDim, c: ds + p, ldc: span, counted: false)
        if p > 0, let pv = prefixV {
            GEMM.sgemm(transA: false, transB: true, m: tq, n: p, k: d,
                       a: doh, lda: g.qDim, b: pv + kvh * d, ldb: g.kvDim, c: ds, ldc: span, counted: false)
        }
        // dV += Pᵀ · dO
        GEMM.sgemm(transA: true, transB: false, m: tk, n: d, k: tq,
                   a: s + p, lda: span, b: doh, ldb: g.qDim, beta: 1,
                   c: dv + b * g.kvBatchStride + kvh * d, ldc: g.kvDim, counted: false)
        if p > 0, let dpv = dPrefixV {
            GEMM.sgemm(transA: true, transB: false, m: p, n: d, k: tq,
                       a: s, lda: span, b: doh, ldb: g.qDim, beta: 1, c: dpv + kvh * d, ldc: g.kvDim, counted: false)
        }
        for i in 0..<tq { Softmax.backward(ds + i * span, probs: s + i * span, span) }
        // dQ = scale · dS · [Kp; K]
        let dqh = dq + b * tq * g.qDim + h * d
        GEMM.sgemm(transA: false, transB: false, m: tq, n: d, k: tk, alpha: g.scale,
                   a: ds + p, lda: span, b: kh, ldb: g.kvDim, beta: 0, c: dqh, ldc: g.qDim, counted: false)
        if p > 0, let pk = prefixK {
            GEMM.sgemm(transA: false, transB: false, m: tq, n: d, k: p, alpha: g.scale,
                       a: ds, lda: span, b: pk + kvh * d, ldb: g.kvDim, beta: 1, c: dqh, ldc: g.qDim, counted: false)
        }
        // dK += scale · dSᵀ · Q
        GEMM.sgemm(transA: true, transB: false, m: tk, n: d, k: tq, alpha: g.scale,
                   a: ds + p, lda: span, b: qh, ldb: g.qDim, beta: 1,
                   c: dk + b * g.kvBatchStride + kvh * d, ldc: g.kvDim, counted: false)
        if p > 0, let dpk = dPrefixK {
            GEMM.sgemm(transA: true, transB: false, m: p, n: d, k: tq, alpha: g.scale,
                       a: ds, lda: span, b: qh, ldb: g.qDim, beta: 1, c: dpk + kvh * d, ldc: g.kvDim, counted: false)
        }
    }
}
