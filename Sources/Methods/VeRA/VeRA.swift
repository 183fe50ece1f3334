import Engine
import Model

/// VeRA (Kopiczko et al., 2024, arXiv:2310.11454): one pair of frozen random matrices A (r, max in) and
/// B (max out, r) shared by every adapted projection, each of which trains only λ_d (r) and λ_b (out):
///   y = base(x) + λ_b ∘ (B[:out]·(λ_d ∘ (A[:, :in]·x)))
public enum VeRA: PEFTMethod {
    public static let name = "vera"
    public static let reference = "Kopiczko et al. 2024, VeRA: Vector-based Random Matrix Adaptation"
    public static let learningRates = LearningRates.around(4e-3, source: "VeRA, which trains only scaling vectors")
    public static let options = [
        MethodOption("r", "256", "rank of the shared random projections"),
        MethodOption("target_modules", "all-linear", "projections to adapt"),
        MethodOption("projection_prng_key", "0", "seed of the shared projections A and B"),
        MethodOption("d_initial", "0.1", "initial value of every λ_d"),
    ]

    public static func apply(to model: LlamaModel, config: MethodConfig, context: MethodContext) throws -> AppliedMethod {
        let rank = try config.int("r", min: 1)
        let slots = try config.slots("target_modules")
        guard let key = UInt64(config.raw("projection_prng_key")) else { throw MethodError("vera: projection_prng_key must be an integer ≥ 0") }
        let dInitial = try config.float("d_initial")
        model.freezeAll()
        let dense = model.layers.flatMap { l in slots.map { l[$0] } }
        let maxIn = dense.map(\.inFeatures).max() ?? 1, maxOut = dense.map(\.outFeatures).max() ?? 1
        // Kaiming-uniform with gain √2, as PEFT draws them: bound √(6 / fan_in).
        let shared = VeRAProjections(
            a: Parameter(name: "base_model.vera_A", shape: [rank, maxIn], trainable: false),
            b: Parameter(name: "base_model.vera_B", shape: [maxOut, rank], trainable: false))
        var rng = RandomGenerator.derived(seed: key, stream: "vera-projections")
        rng.fillUniform(shared.a.value.pointer, count: shared.a.count, bound: (6 / Float(maxIn)).squareRoot())
        rng.fillUniform(shared.b.value.pointer, count: shared.b.count, bound: (6 / Float(rank)).squareRoot())
        let (trainable, modules) = try wrapProjections(model, slots: slots, method: name) { dense, path, _ in
            let w = VeRALinear(base: dense, path: path, shared: shared, rank: rank, dInitial: dInitial)
            return (w, [w.lambdaD, w.lambdaB])
        }
        return AppliedMethod(name: name, config: config.values, trainable: trainable, targetedModules: modules)
    }
}

final class VeRAProjections {
    let a: Parameter  // (r, maxIn)
    let b: Parameter  // (maxOut, r)
    /// Temporaries of whichever layer is running (layers run one at a time): (h∘λ_d), its product with B, and
    /// their gradients. Only h itself is kept per layer.
    var scaled = GrowableBuffer(), product = GrowableBuffer(), dProduct = GrowableBuffer(), dScaled = GrowableBuffer()
    init(a: Parameter, b: Parameter) { self.a = a; self.b = b }
}

final class VeRALinear: LinearLayer, MergeableLayer {
    let base: DenseLinear
    let shared: VeRAProjections
    let rank: Int
    let lambdaD: Parameter
    let lambdaB: Parameter
    private var h = GrowableBuffer()  // (rows, r) x·A[:, :in]ᵀ, kept for backward

    var inFeatures: Int { base.inFeatures }
    var outFeatures: Int { base.outFeatures }
    /// The shared projections are listed by every wrapper; the model counts each once.
    var parameters: [Parameter] { base.parameters + [shared.a, shared.b, lambdaD, lambdaB] }

    init(base: DenseLinear, path: String, shared: VeRAProjections, rank: Int, dInitial: Float) {
        self.base = base
        self.shared = shared
        self.rank = rank
        lambdaD = Parameter(name: "\(path).vera_lambda_d", shape: [rank], decays: false)
        lambdaB = Parameter(name: "\(path).vera_lambda_b", shape: [base.outFeatures], decays: false)
        lambdaD.value.buffer.update(repeating: dInitial)
    }

    private var maxIn: Int { shared.a.shape[1] }

    private(set) var merged = false
    var mergeable: Bool { true }

    /// W ← W ± diag(λ_b)·B[:out]·diag(λ_d)·A[:, :in]
    func merge() { addDelta(sign: 1); merged = true }
    func unmerge() { addDelta(sign: -1); merged = false }

    private func addDelta(sign: Float) {
        let scaledB = shared.product.reserve(outFeatures * rank)
        let b = shared.b.value.pointer, ld = lambdaD.value.pointer, lb = lambdaB.value.pointer
        for o in 0..<outFeatures { for k in 0..<rank { scaledB[o * rank + k] = sign * lb[o] * b[o * rank + k] * ld[k] } }
        GEMM.sgemm(transA: false, transB: false, m: outFeatures, n: inFeatures, k: rank, a: scaledB, lda: rank,
                   b: shared.a.value.pointer, ldb: maxIn, beta: 1, c: base.weight.value.pointer, ldc: inFeatures)
        base.weight.markModified()
    }

    func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int, training: Bool) {
        base.forward(x: x, y: y, rows: rows, training: training)
        if merged { return }
        let hp = h.reserve(rows * rank)
        GEMM.sgemm(transA: false, transB: true, m: rows, n: rank, k: inFeatures, a: x, lda: inFeatures,
                   b: shared.a.value.pointer, ldb: maxIn, c: hp, ldc: rank)
        let z = scaledProduct(rows: rows)
        let lb = lambdaB.value.pointer
        for r in 0..<rows { for o in 0..<outFeatures { y[r * outFeatures + o] += lb[o] * z[r * outFeatures + o] } }
    }

    /// z = (h∘λ_d)·B[:out]ᵀ into the shared scratch (forward, and again in backward instead of keeping it).
    private func scaledProduct(rows: Int) -> UnsafeMutablePointer<Float> {
        let hp = h.pointer, ld = lambdaD.value.pointer
        let hd = shared.scaled.reserve(rows * rank), z = shared.product.reserve(rows * outFeatures)
        for r in 0..<rows { for k in 0..<rank { hd[r * rank + k] = hp[r * rank + k] * ld[k] } }
        GEMM.sgemm(transA: false, transB: true, m: rows, n: outFeatures, k: rank, a: hd, lda: rank,
                   b: shared.b.value.pointer, ldb: rank, c: z, ldc: outFeatures)
        return z
    }

    func backward(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                  accumulateInput: Bool, rows: Int) {
        precondition(!merged, "backward through a merged adapter")
        base.backward(dy: dy, x: x, dx: dx, accumulateInput: accumulateInput, rows: rows)
        let ld = lambdaD.value.pointer, lb = lambdaB.value.pointer, hp = h.pointer
        let z = scaledProduct(rows: rows)
        let dz = shared.dProduct.reserve(rows * outFeatures), dhd = shared.dScaled.reserve(rows * rank)
        for r in 0..<rows {
            for o in 0..<outFeatures {
                let g = dy[r * outFeatures + o]
                lambdaB.grad?[o] += g * z[r * outFeatures + o]
                dz[r * outFeatures + o] = g * lb[o]
            }
        }
        // d(h∘λ_d) = dz·B[:out]
        GEMM.sgemm(transA: false, transB: false, m: rows, n: rank, k: outFeatures, a: dz, lda: outFeatures,
                   b: shared.b.value.pointer, ldb: rank, c: dhd, ldc: rank)
        for r in 0..<rows {
            for k in 0..<rank {
                lambdaD.grad?[k] += dhd[r * rank + k] * hp[r * rank + k]
                dhd[r * rank + k] *= ld[k]
            }
        }
        if let dx {
            GEMM.sgemm(transA: false, transB: false, m: rows, n: inFeatures, k: rank, a: dhd, lda: rank,
                       b: shared.a.value.pointer, ldb: maxIn, beta: 1, c: dx, ldc: inFeatures)
        }
    }
}
