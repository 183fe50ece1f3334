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
        base.forward(x: x, y: y, rows: rows, training: training)
        var input = x
        if training && dropout > 0 {
            let n = rows * inFeatures, out = dropped.reserve(n), m = mask.reserve(n)
            for i in 0..<n { m[i] = rng.nextUniform() < Double(dropout) ? 0 : 1 / (1 - dropout); out[i] = x[i] * m[i] }
            input = UnsafePointer(out)
        }
        let hp = h.reserve(rows * rank), hep = he.reserve(rows * rank), ev = e.value.pointer
        GEMM.sgemm(transA: false, transB: true, m: rows, n: rank, k: inFeatures, a: input, lda: inFeatures,
                   b: a.value.pointer, ldb: inFeatures, c: hp, ldc: rank)
        for r in 0..<rows { for k in 0..<rank { hep[r * rank + k] = hp[r * rank + k] * ev[k] } }
        GEMM.sgemm(transA: false, transB: true, m: rows, n: outFeatures, k: rank, alpha: scale, a: hep, lda: rank,
                   b: b.value.pointer, ldb: rank, beta: 1, c: y, ldc: outFeatures)
    }

    func backward(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                  accumulateInput: Bool, rows: Int) {
        base.backward(dy: dy, x: x, dx: dx, accumulateInput: accumulateInput, rows: rows)
        let hp = h.pointer, hep = he.pointer, dhp = dh.reserve(rows * rank), ev = e.value.pointer
        let input = dropout > 0 ? UnsafePointer(dropped.pointer) : x
        if let db = b.grad?.pointer {
            GEMM.sgemm(transA: true, transB: false, m: outFeatures, n: rank, k: rows, alpha: scale, a: dy, lda: outFeatures,
                       b: hep, ldb: rank, beta: 1, c: db, ldc: rank)
        }
        // d(h∘E) = s·dy·B, then dE = Σ d(h∘E)∘h and dh = d(h∘E)∘E
        GEMM.sgemm(transA: false, transB: false, m: rows, n: rank, k: outFeatures, alpha: scale, a: dy, lda: outFeatures,
                   b: b.value.pointer, ldb: rank, c: dhp, ldc: rank)
        for r in 0..<rows {
            for k in 0..<rank {
                e.grad?[k] += dhp[r * rank + k] * hp[r * rank + k]
                dhp[r * rank + k] *= ev[k]
            }
        }
        if let da = a.grad?.pointer {
            GEMM.sgemm(transA: true, transB: false, m: rank, n: inFeatures, k: rows, a: dhp, lda: rank,
                       b: input, ldb: inFeatures, beta: 1, c: da, ldc: inFeatures)
        }
        guard let dx else { return }
        if dropout > 0 {
            let n = rows * inFeatures, tmp = dInput.reserve(n), m = mask.pointer
            GEMM.sgemm(transA: false, transB: false, m: rows, n: inFeatures, k: rank, a: dhp, lda: rank,
                       b: a.value.pointer, ldb: inFeatures, c: tmp, ldc: inFeatures)
            for i in 0..<n { dx[i] += tmp[i] * m[i] }
        } else {
            GEMM.sgemm(transA: false, transB: false, m: rows, n: inFeatures, k: rank, a: dhp, lda: rank,
                       b: a.value.pointer, ldb: inFeatures, beta: 1, c: dx, ldc: inFeatures)
        }
    }
}
