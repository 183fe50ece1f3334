import Engine
import Model

/// y = base(x) + s·(drop(x)·Aᵀ)·Bᵀ  (LoRA, Hu et al. 2021), with s = α/r, or α/√r for rsLoRA.
///
/// With a magnitude vector m (DoRA, Liu et al. 2024) the output is rescaled per row of the adapted weight
/// W' = W₀ + s·B·A:  y = (m / ‖W'‖) ∘ (x·W₀ᵀ + s·(drop(x)·Aᵀ)·Bᵀ), with ‖W'‖ treated as a constant in backward as
/// PEFT does. Shapes: A (r, in), B (out, r), m (out).
final class LoRALinear: LinearLayer, MergeableLayer {
    let base: any LinearLayer
    /// The base as a plain Float32 projection, when it is one: DoRA's norms and merging need its weight.
    let denseBase: DenseLinear?
    let a: Parameter
    let b: Parameter
    let magnitude: Parameter?
    let rank: Int
    let scaling: Float
    let dropout: Float
    private(set) var merged = false
    /// Keep the row norms of the last forward instead of recomputing them: the function whose derivative
    /// DoRA's backward computes (norm detached), for finite-difference checks.
    var holdRowNorms = false
    private var rng: RandomGenerator

    // Caches of the last training forward, and scratch; grown as needed and reused.
    private var h = GrowableBuffer()        // (rows, r)  drop(x)·Aᵀ
    private var dh = GrowableBuffer()       // (rows, r)
    private var dropped = GrowableBuffer()  // (rows, in) drop(x), only with dropout
    private var mask = GrowableBuffer()     // (rows, in) 0 or 1/(1−p): d drop(x)/dx
    private var dInput = GrowableBuffer()   // (rows, in) gradient through the dropout
    private var z = GrowableBuffer()        // (rows, out) DoRA: output before rescaling
    private var dz = GrowableBuffer()       // (rows, out)
    private var rowScale = GrowableBuffer() // (out) DoRA: m / ‖W'‖
    private var rowNorm = GrowableBuffer()  // (out) DoRA: ‖W'‖
    /// Where the last forward left h: this layer's own buffer, or its columns of a group's (see SharedInputLayer).
    private var hView: (pointer: UnsafeMutablePointer<Float>, ld: Int)?
    let group = StackedLowRankGroup()

    var inFeatures: Int { base.inFeatures }
    var outFeatures: Int { base.outFeatures }
    var parameters: [Parameter] { base.parameters + [a, b] + (magnitude.map { [$0] } ?? []) }
    var storedElements: Int { base.storedElements }

    /// DoRA forms the adapted weight here to take its row norms.
    private let scratch: WeightScratch?

    init(base: any LinearLayer, path: String, rank: Int, alpha: Float, rsLoRA: Bool, dropout: Float, trainA: Bool,
         dora: Bool, scratch: WeightScratch? = nil, seed: UInt64) {
        self.base = base
        denseBase = base as? DenseLinear
        precondition(!dora || denseBase != nil, "DoRA needs a Float32 base weight")
        self.scratch = dora ? (scratch ?? WeightScratch()) : nil
        self.rank = rank
        scaling = rsLoRA ? alpha / Float(rank).squareRoot() : alpha / Float(rank)
        self.dropout = dropout
        a = Parameter(name: "\(path).lora_A.weight", shape: [rank, base.inFeatures], trainable: trainA)
        b = Parameter(name: "\(path).lora_B.weight", shape: [base.outFeatures, rank])
        var initialiser = RandomGenerator.derived(seed: seed, stream: a.name)
        initialiser.fillUniform(a.value.pointer, count: a.count, bound: kaimingUniformBound(fanIn: base.inFeatures))
        rng = RandomGenerator.derived(seed: seed, stream: "\(path).lora_dropout")
        if dora {
            // m starts at the row norms of W₀ (B = 0), so the adapted layer starts as the base layer.
            let m = Parameter(name: "\(path).lora_magnitude_vector", shape: [base.outFeatures])
            let w = denseBase!.weight.value.pointer
            for o in 0..<base.outFeatures {
                let row = w + o * base.inFeatures
                m.value[o] = VectorOps.dot(row, row, base.inFeatures).squareRoot()
            }
            magnitude = m
        } else {
            magnitude = nil
        }
    }

    // MARK: forward

    func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int, training: Bool) {
        group.ranTogether = false
        base.forward(x: x, y: y, rows: rows, training: training)
        if merged { return }
        let input = applyDropout(x, rows: rows, training: training)
        let hp = h.reserve(rows * rank)
        GEMM.sgemm(transA: false, transB: true, m: rows, n: rank, k: inFeatures, a: input, lda: inFeatures,
                   b: a.value.pointer, ldb: inFeatures, c: hp, ldc: rank)
        addUpdate(h: hp, ldh: rank, y: y, rows: rows)
    }

    /// y += s·h·Bᵀ for h = drop(x)·Aᵀ (leading dimension `ldh`, kept for backward), then DoRA's rescaling.
    func addUpdate(h hp: UnsafeMutablePointer<Float>, ldh: Int, y: UnsafeMutablePointer<Float>, rows: Int) {
        hView = (hp, ldh)
        GEMM.sgemm(transA: false, transB: true, m: rows, n: outFeatures, k: rank, alpha: scaling, a: hp, lda: ldh,
                   b: b.value.pointer, ldb: rank, beta: 1, c: y, ldc: outFeatures)
        if magnitude != nil {
            updateRowScale(recomputeNorms: !holdRowNorms)
            // z (kept for backward) and the rescaling in one pass over y, on every thread.
            let zp = z.reserve(rows * outFeatures)
            let scale = rowScale.pointer, outF = outFeatures
            Parallel.forChunks(rows, minimumPerThread: max(1, 32_768 / outF)) { range in
                for r in range {
                    let row = y + r * outF
                    (zp + r * outF).update(from: row, count: outF)
                    for o in 0..<outF { row[o] *= scale[o] }
                }
            }
        }
    }

    private func applyDropout(_ x: UnsafePointer<Float>, rows: Int, training: Bool) -> UnsafePointer<Float> {
        guard training, dropout > 0 else { return x }
        let n = rows * inFeatures
        let out = dropped.reserve(n), m = mask.reserve(n)
        let keep = 1 / (1 - dropout)
        for i in 0..<n {
            m[i] = rng.nextUniform() < Double(dropout) ? 0 : keep
            out[i] = x[i] * m[i]
        }
        return UnsafePointer(out)
    }

    /// m / ‖W₀ + s·B·A‖ per output row, the adapted weight formed in the shared scratch by one product.
    private func updateRowScale(recomputeNorms: Bool) {
        guard let m = magnitude, let scratch else { return }
        let scale = rowScale.reserve(outFeatures), norms = rowNorm.reserve(outFeatures)
        if recomputeNorms {
            let n = outFeatures * inFeatures
            let w = scratch.buffer.reserve(n)
            let w0 = denseBase!.weight.value.pointer
            Parallel.forChunks(n, minimumPerThread: 65_536) { range in
                (w + range.lowerBound).update(from: w0 + range.lowerBound, count: range.count)
            }
            GEMM.sgemm(transA: false, transB: false, m: outFeatures, n: inFeatures, k: rank, alpha: scaling,
                       a: b.value.pointer, lda: rank, b: a.value.pointer, ldb: inFeatures, beta: 1, c: w, ldc: inFeatures)
            let cols = inFeatures
            Parallel.forChunks(outFeatures, minimumPerThread: max(1, 32_768 / cols)) { rows in
                for o in rows { norms[o] = VectorOps.dot(w + o * cols, w + o * cols, cols).squareRoot() }
            }
        }
        for o in 0..<outFeatures { scale[o] = m.value[o] / norms[o] }
    }

    // MARK: backward

    func backward(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                  accumulateInput: Bool, rows: Int) {
        precondition(!merged, "backward through a merged adapter")
        let dhp = dh.reserve(rows * rank)
        backwardUpdate(dy: dy, x: x, dx: dx, accumulateInput: accumulateInput, rows: rows, dh: dhp, lddh: rank)
        backwardThroughA(dh: dhp, x: x, dx: dx, rows: rows, dropout: dropout > 0 ? (dropped.pointer, mask.pointer) : nil,
                         scratch: &dInput)
    }

    /// Everything of backward before A's products: DoRA's magnitude gradient, the base's backward, B's gradient, and
    /// dh = s·grad·B into `dh` (leading dimension `lddh`).
    func backwardUpdate(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                        accumulateInput: Bool, rows: Int, dh dhp: UnsafeMutablePointer<Float>, lddh: Int) {
        var grad = dy
        if let m = magnitude {
            // dm_o = Σ_rows dy·z / ‖W'‖_o ;  dz = dy ∘ m/‖W'‖
            let zp = z.pointer, scale = rowScale.pointer, norms = rowNorm.pointer, outF = outFeatures
            let dzp = dz.reserve(rows * outF)
            let dm = m.grad?.pointer
            // Each thread owns a range of outputs and walks every row in order, so dm's sums (over rows first, one
            // division per output) keep one order whatever the thread count; dz is formed in the same pass.
            Parallel.forChunks(outF, minimumPerThread: max(1, 32_768 / rows)) { outputs in
                let lo = outputs.lowerBound, width = outputs.count
                withUnsafeTemporaryAllocation(of: Float.self, capacity: width) { sums in
                    let acc = sums.baseAddress!
                    acc.update(repeating: 0, count: width)
                    for r in 0..<rows {
                        let dyr = dy + r * outF + lo, zr = zp + r * outF + lo, dzr = dzp + r * outF + lo
                        for o in 0..<width {
                            acc[o] += dyr[o] * zr[o]
                            dzr[o] = dyr[o] * scale[lo + o]
                        }
                    }
                    if let dm { for o in 0..<width { dm[lo + o] += acc[o] / norms[lo + o] } }
                }
            }
            grad = UnsafePointer(dzp)
        }
        base.backward(dy: grad, x: x, dx: dx, accumulateInput: accumulateInput, rows: rows)
        guard let (hp, ldh) = hView else { preconditionFailure("backward before a training forward") }
        if let db = b.grad?.pointer {
            GEMM.sgemm(transA: true, transB: false, m: outFeatures, n: rank, k: rows, alpha: scaling, a: grad,
                       lda: outFeatures, b: hp, ldb: ldh, beta: 1, c: db, ldc: rank)
        }
        GEMM.sgemm(transA: false, transB: false, m: rows, n: rank, k: outFeatures, alpha: scaling, a: grad,
                   lda: outFeatures, b: b.value.pointer, ldb: rank, c: dhp, ldc: lddh)
    }

    // MARK: merge

    /// Folds the update into a Float32 base: W₀ ← W₀ + s·B·A (LoRA), or W₀ ← m/‖W′‖ ∘ W′ with W′ = W₀ + s·B·A
    /// (DoRA, the norms kept to unmerge). Inference then runs the base layer alone.
    var mergeable: Bool { denseBase != nil }
    private var mergedNorms: [Float] = []

    func merge() {
        precondition(mergeable, "only adapters on a Float32 base merge in place")
        guard !merged else { return }
        addDelta(sign: 1)
        if let m = magnitude {
            let w = denseBase!.weight.value.pointer
            mergedNorms = (0..<outFeatures).map { o in VectorOps.dot(w + o * inFeatures, w + o * inFeatures, inFeatures).squareRoot() }
            for o in 0..<outFeatures { rowScaleInPlace(o, by: m.value[o] / mergedNorms[o]) }
        }
        merged = true
    }

    func unmerge() {
        guard merged else { return }
        if let m = magnitude {
            for o in 0..<outFeatures { rowScaleInPlace(o, by: mergedNorms[o] / m.value[o]) }
        }
        addDelta(sign: -1)
        merged = false
    }

    private func rowScaleInPlace(_ o: Int, by factor: Float) {
        let row = denseBase!.weight.value.pointer + o * inFeatures
        for i in 0..<inFeatures { row[i] *= factor }
    }

    private func addDelta(sign: Float) {
        GEMM.sgemm(transA: false, transB: false, m: outFeatures, n: inFeatures, k: rank, alpha: sign * scaling,
                   a: b.value.pointer, lda: rank, b: a.value.pointer, ldb: inFeatures, beta: 1,
                   c: denseBase!.weight.value.pointer, ldc: inFeatures)
        denseBase!.weight.markModified()
    }
}

extension LoRALinear: StackedLowRankLayer {
    func canJoinGroup(training: Bool) -> Bool { !merged && !(training && dropout > 0) }
}
