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
    /// Temporaries of whichever layer is running (layers run one at a time): h (`input`) and the product with B
    /// (`product`) outside training, where nothing is kept for backward; h∘λ_d (`scaled`); λ_b∘B[:out] (`scaledB`)
    /// and d(h∘λ_d) (`dScaled`) in backward.
    var input = GrowableBuffer(), scaled = GrowableBuffer(), product = GrowableBuffer()
    var scaledB = GrowableBuffer(), dScaled = GrowableBuffer()
    init(a: Parameter, b: Parameter) { self.a = a; self.b = b }
}

final class VeRALinear: LinearLayer, MergeableLayer {
    let base: DenseLinear
    let shared: VeRAProjections
    let rank: Int
    let lambdaD: Parameter
    let lambdaB: Parameter
    // Kept from a training forward for backward: recomputing z there would cost a fifth product as large as B's.
    private var h = GrowableBuffer()  // (rows, r) x·A[:, :in]ᵀ
    private var z = GrowableBuffer()  // (rows, out) (h∘λ_d)·B[:out]ᵀ
    /// Where the last forward left h: this layer's buffer, or its group's first layer's.
    private var hView: UnsafeMutablePointer<Float>?
    private var groupDH = GrowableBuffer()
    private var groupedForward = false

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
        let scaledB = shared.scaledB.reserve(outFeatures * rank)
        let b = shared.b.value.pointer, ld = lambdaD.value.pointer, lb = lambdaB.value.pointer
        for o in 0..<outFeatures { for k in 0..<rank { scaledB[o * rank + k] = sign * lb[o] * b[o * rank + k] * ld[k] } }
        GEMM.sgemm(transA: false, transB: false, m: outFeatures, n: inFeatures, k: rank, a: scaledB, lda: rank,
                   b: shared.a.value.pointer, ldb: maxIn, beta: 1, c: base.weight.value.pointer, ldc: inFeatures)
        base.weight.markModified()
    }

    func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int, training: Bool) {
        groupedForward = false
        base.forward(x: x, y: y, rows: rows, training: training)
        if merged { return }
        let hp = projectInput(x, rows: rows, training: training)
        addUpdate(h: hp, y: y, rows: rows, training: training)
    }

    /// h = x·A[:, :in]ᵀ, kept for backward in training.
    private func projectInput(_ x: UnsafePointer<Float>, rows: Int, training: Bool) -> UnsafeMutablePointer<Float> {
        let hp = training ? h.reserve(rows * rank) : shared.input.reserve(rows * rank)
        GEMM.sgemm(transA: false, transB: true, m: rows, n: rank, k: inFeatures, a: x, lda: inFeatures,
                   b: shared.a.value.pointer, ldb: maxIn, c: hp, ldc: rank)
        return hp
    }

    /// y += λ_b ∘ ((h∘λ_d)·B[:out]ᵀ), h remembered for backward.
    private func addUpdate(h hp: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int, training: Bool) {
        hView = hp
        let r = rank, outF = outFeatures
        let hd = shared.scaled.reserve(rows * r), ld = lambdaD.value.pointer
        Parallel.forChunks(rows, minimumPerThread: max(1, 32_768 / r)) { range in
            for i in range { for k in 0..<r { hd[i * r + k] = hp[i * r + k] * ld[k] } }
        }
        let zp = training ? z.reserve(rows * outF) : shared.product.reserve(rows * outF)
        GEMM.sgemm(transA: false, transB: true, m: rows, n: outF, k: r, a: hd, lda: r,
                   b: shared.b.value.pointer, ldb: r, c: zp, ldc: outF)
        let lb = lambdaB.value.pointer
        Parallel.forChunks(rows, minimumPerThread: max(1, 32_768 / outF)) { range in
            for i in range { for o in 0..<outF { y[i * outF + o] += lb[o] * zp[i * outF + o] } }
        }
    }

    func backward(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                  accumulateInput: Bool, rows: Int) {
        precondition(!merged, "backward through a merged adapter")
        let dhd = backwardUpdate(dy: dy, x: x, dx: dx, accumulateInput: accumulateInput, rows: rows)
        guard let dx else { return }
        scaleInputGradient(dhd, rows: rows, into: dhd, adding: false)
        GEMM.sgemm(transA: false, transB: false, m: rows, n: inFeatures, k: rank, a: dhd, lda: rank,
                   b: shared.a.value.pointer, ldb: maxIn, beta: 1, c: dx, ldc: inFeatures)
    }

    /// The base's backward and the gradients of λ_b and λ_d; returns d(h∘λ_d) (shared scratch).
    private func backwardUpdate(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                                accumulateInput: Bool, rows: Int) -> UnsafeMutablePointer<Float> {
        base.backward(dy: dy, x: x, dx: dx, accumulateInput: accumulateInput, rows: rows)
        guard let hp = hView else { preconditionFailure("backward before a training forward") }
        let r = rank, outF = outFeatures
        let lb = lambdaB.value.pointer, zp = z.pointer
        // dλ_b = Σ_rows dy∘z, each thread over its own outputs (one order of sums for a thread count).
        if let dlb = lambdaB.grad?.pointer {
            Parallel.forChunks(outF, minimumPerThread: max(1, 32_768 / rows)) { cols in
                for i in 0..<rows {
                    let dyr = dy + i * outF, zr = zp + i * outF
                    for o in cols { dlb[o] += dyr[o] * zr[o] }
                }
            }
        }
        // d(h∘λ_d) = (dy∘λ_b)·B[:out] = dy·(λ_b∘B[:out]): scaling B's rows costs less than scaling dy.
        let scaledB = shared.scaledB.reserve(outF * r), b = shared.b.value.pointer
        for o in 0..<outF { for k in 0..<r { scaledB[o * r + k] = lb[o] * b[o * r + k] } }
        let dhd = shared.dScaled.reserve(rows * r)
        GEMM.sgemm(transA: false, transB: false, m: rows, n: r, k: outF, a: dy, lda: outF,
                   b: scaledB, ldb: r, c: dhd, ldc: r)
        if let dld = lambdaD.grad?.pointer {
            Parallel.forChunks(r, minimumPerThread: max(1, 32_768 / rows)) { cols in
                for i in 0..<rows { for k in cols { dld[k] += dhd[i * r + k] * hp[i * r + k] } }
            }
        }
        return dhd
    }

    /// dh = d(h∘λ_d)∘λ_d, written to `out` or added to it (`out` may be `dhd` itself).
    private func scaleInputGradient(_ dhd: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>,
                                    adding: Bool) {
        let r = rank, ld = lambdaD.value.pointer
        Parallel.forChunks(rows, minimumPerThread: max(1, 32_768 / r)) { range in
            for i in range {
                if adding {
                    for k in 0..<r { out[i * r + k] += dhd[i * r + k] * ld[k] }
                } else {
                    for k in 0..<r { out[i * r + k] = dhd[i * r + k] * ld[k] }
                }
            }
        }
    }
}

extension VeRALinear: SharedInputLayer {
    /// Projections of one input share A's columns, so h is the same for all of them: one product for h, and one
    /// for dx from the sum of their dh.
    func forward(group: [any LinearLayer], x: UnsafePointer<Float>, ys: [UnsafeMutablePointer<Float>], rows: Int,
                 training: Bool) -> Bool {
        groupedForward = false
        guard let members = group as? [VeRALinear], members.count > 1,
              members.allSatisfy({ !$0.merged && $0.shared === shared && $0.rank == rank }) else { return false }
        let hp = projectInput(x, rows: rows, training: training)
        for (m, y) in zip(members, ys) {
            m.base.forward(x: x, y: y, rows: rows, training: training)
            m.addUpdate(h: hp, y: y, rows: rows, training: training)
        }
        groupedForward = training
        return true
    }

    func backward(group: [any LinearLayer], dys: [UnsafePointer<Float>], x: UnsafePointer<Float>,
                  dx: UnsafeMutablePointer<Float>, rows: Int) -> Bool {
        guard groupedForward, let members = group as? [VeRALinear] else { return false }
        groupedForward = false
        let sum = groupDH.reserve(rows * rank)
        for (i, m) in members.enumerated() {
            let dhd = m.backwardUpdate(dy: dys[i], x: x, dx: dx, accumulateInput: i > 0, rows: rows)
            m.scaleInputGradient(dhd, rows: rows, into: sum, adding: i > 0)
        }
        GEMM.sgemm(transA: false, transB: false, m: rows, n: inFeatures, k: rank, a: sum, lda: rank,
                   b: shared.a.value.pointer, ldb: maxIn, beta: 1, c: dx, ldc: inFeatures)
        return true
    }
}
