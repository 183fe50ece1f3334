import Engine
import Model

/// AdaLoRA's update in SVD form: y = base(x) + s/(r₀ + 1e-5) · ((drop(x)·Aᵀ) ∘ E)·Bᵀ, with s = lora_alpha and r₀ the
/// initial rank. Shapes: A (r, in) right singular vectors, E (r) singular values, B (out, r) left singular vectors.
/// E starts at zero, so the layer starts as the base layer; A and B start normal with std 0.02. A layer loaded with a
/// rank pattern has r < r₀ (only the kept triplets) and keeps r₀ in its scale, as PEFT's resized modules do.
final class SVDLinear: LinearLayer {
    let base: any LinearLayer
    let a: Parameter, e: Parameter, b: Parameter
    /// The module path (`model.layers.0.self_attn.q_proj`), the key of its rank pattern.
    let path: String
    let rank: Int
    let scale: Float
    let dropout: Float
    private var rng: RandomGenerator
    private var h = GrowableBuffer(), he = GrowableBuffer(), dh = GrowableBuffer()
    private var dropped = GrowableBuffer(), mask = GrowableBuffer(), dInput = GrowableBuffer()
    /// Where the last forward left h: this layer's own buffer, or its columns of a group's.
    private var hView: (pointer: UnsafeMutablePointer<Float>, ld: Int)?
    let group = StackedLowRankGroup()

    var inFeatures: Int { base.inFeatures }
    var outFeatures: Int { base.outFeatures }
    var parameters: [Parameter] { base.parameters + [a, e, b] }
    var storedElements: Int { base.storedElements }

    init(base: any LinearLayer, path: String, rank: Int, initialRank: Int, alpha: Float, dropout: Float, seed: UInt64) {
        self.base = base
        self.path = path
        self.rank = rank
        self.dropout = dropout
        scale = (alpha > 0 ? alpha : Float(rank)) / (Float(initialRank) + 1e-5)
        a = Parameter(name: "\(path).lora_A.weight", shape: [rank, base.inFeatures])
        e = Parameter(name: "\(path).lora_E.weight", shape: [rank, 1], decays: false)
        b = Parameter(name: "\(path).lora_B.weight", shape: [base.outFeatures, rank])
        var rngA = RandomGenerator.derived(seed: seed, stream: a.name), rngB = RandomGenerator.derived(seed: seed, stream: b.name)
        rngA.fillNormal(a.value.pointer, count: a.count, std: 0.02)
        rngB.fillNormal(b.value.pointer, count: b.count, std: 0.02)
        rng = RandomGenerator.derived(seed: seed, stream: "\(path).lora_dropout")
    }

    func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int, training: Bool) {
        group.ranTogether = false
        base.forward(x: x, y: y, rows: rows, training: training)
        var input = x
        if training && dropout > 0 {
            let n = rows * inFeatures, out = dropped.reserve(n), m = mask.reserve(n)
            for i in 0..<n { m[i] = rng.nextUniform() < Double(dropout) ? 0 : 1 / (1 - dropout); out[i] = x[i] * m[i] }
            input = UnsafePointer(out)
        }
        let hp = h.reserve(rows * rank)
        GEMM.sgemm(transA: false, transB: true, m: rows, n: rank, k: inFeatures, a: input, lda: inFeatures,
                   b: a.value.pointer, ldb: inFeatures, c: hp, ldc: rank)
        addUpdate(h: hp, ldh: rank, y: y, rows: rows)
    }

    /// y += s·(h∘E)·Bᵀ for h = drop(x)·Aᵀ (leading dimension `ldh`, kept for backward).
    func addUpdate(h hp: UnsafeMutablePointer<Float>, ldh: Int, y: UnsafeMutablePointer<Float>, rows: Int) {
        hView = (hp, ldh)
        let hep = he.reserve(rows * rank), ev = e.value.pointer
        for r in 0..<rows { for k in 0..<rank { hep[r * rank + k] = hp[r * ldh + k] * ev[k] } }
        GEMM.sgemm(transA: false, transB: true, m: rows, n: outFeatures, k: rank, alpha: scale, a: hep, lda: rank,
                   b: b.value.pointer, ldb: rank, beta: 1, c: y, ldc: outFeatures)
    }

    func backward(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                  accumulateInput: Bool, rows: Int) {
        let dhp = dh.reserve(rows * rank)
        backwardUpdate(dy: dy, x: x, dx: dx, accumulateInput: accumulateInput, rows: rows, dh: dhp, lddh: rank)
        backwardThroughA(dh: dhp, x: x, dx: dx, rows: rows, dropout: dropout > 0 ? (dropped.pointer, mask.pointer) : nil,
                         scratch: &dInput)
    }

    /// The base's backward, B's and E's gradients, and dh = s·dy·B∘E into `dh` (leading dimension `lddh`).
    func backwardUpdate(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                        accumulateInput: Bool, rows: Int, dh dhp: UnsafeMutablePointer<Float>, lddh: Int) {
        base.backward(dy: dy, x: x, dx: dx, accumulateInput: accumulateInput, rows: rows)
        guard let (hp, ldh) = hView else { preconditionFailure("backward before a training forward") }
        let hep = he.pointer, ev = e.value.pointer
        if let db = b.grad?.pointer {
            GEMM.sgemm(transA: true, transB: false, m: outFeatures, n: rank, k: rows, alpha: scale, a: dy, lda: outFeatures,
                       b: hep, ldb: rank, beta: 1, c: db, ldc: rank)
        }
        // d(h∘E) = s·dy·B, then dE = Σ d(h∘E)∘h and dh = d(h∘E)∘E
        GEMM.sgemm(transA: false, transB: false, m: rows, n: rank, k: outFeatures, alpha: scale, a: dy, lda: outFeatures,
                   b: b.value.pointer, ldb: rank, c: dhp, ldc: lddh)
        let de = e.grad?.pointer
        for r in 0..<rows {
            for k in 0..<rank {
                de?[k] += dhp[r * lddh + k] * hp[r * ldh + k]
                dhp[r * lddh + k] *= ev[k]
            }
        }
    }
}

extension SVDLinear: StackedLowRankLayer {
    func canJoinGroup(training: Bool) -> Bool { !(training && dropout > 0) }
}
