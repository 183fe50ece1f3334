import Engine

/// Times one row-major sgemm shape: warm-up runs, then the median of `repeats` timed runs.
struct SgemmProbe {
    let name: String
    let m: Int, n: Int, k: Int
    let transA: Bool, transB: Bool

    struct Result: Codable {
        var name: String
        var m: Int, n: Int, k: Int
        var transA: Bool, transB: Bool
        /// The product as the engine runs it: cut across its own threads.
        var medianSeconds: Double
        var gflops: Double
        /// The same product split by OpenBLAS on its own threads.
        var openblasThreadsGflops: Double
        /// The better of the two, the ceiling a run's MFU is measured against.
        var bestGflops: Double { max(gflops, openblasThreadsGflops) }
    }

    func measure(repeats: Int, warmup: Int = 2) -> Result {
        let a = FloatBuffer(count: m * k), b = FloatBuffer(count: k * n), c = FloatBuffer(count: m * n)
        var rng = RandomGenerator(seed: 1)
        rng.fillUniform(a.pointer, count: a.count, bound: 1)
        rng.fillUniform(b.pointer, count: b.count, bound: 1)
        let lda = transA ? m : k, ldb = transB ? k : n
        func median() -> Double {
            func once() {
                GEMM.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a.pointer, lda: lda,
                           b: b.pointer, ldb: ldb, c: c.pointer, ldc: n)
            }
            for _ in 0..<warmup { once() }
            var times: [Double] = []
            for _ in 0..<max(1, repeats) {
                let clock = Stopwatch()
                once()
                times.append(clock.seconds)
            }
            return Stopwatch.median(times)
        }
        let t = median()
        let library = BLASRuntime.withOpenBLASThreads { median() }
        let flop = 2 * Double(m) * Double(n) * Double(k)
        return Result(name: name, m: m, n: n, k: k, transA: transA, transB: transB, medianSeconds: t,
                      gflops: flop / t / 1e9, openblasThreadsGflops: flop / library / 1e9)
    }

    /// The ceiling a training run is compared with: a large square product.
    static let ceiling = SgemmProbe(name: "square 2048", m: 2048, n: 2048, k: 2048, transA: false, transB: false)

    /// Square products and the products of a SmolLM2-135M training step at 8×128 tokens.
    static let standard: [SgemmProbe] = [
        SgemmProbe(name: "square 512", m: 512, n: 512, k: 512, transA: false, transB: false),
        SgemmProbe(name: "square 1024", m: 1024, n: 1024, k: 1024, transA: false, transB: false),
        ceiling,
        SgemmProbe(name: "q/o proj forward 1024x576 . 576x576^T", m: 1024, n: 576, k: 576, transA: false, transB: true),
        SgemmProbe(name: "gate/up forward 1024x576 . 1536x576^T", m: 1024, n: 1536, k: 576, transA: false, transB: true),
        SgemmProbe(name: "down forward 1024x1536 . 576x1536^T", m: 1024, n: 576, k: 1536, transA: false, transB: true),
        SgemmProbe(name: "gate/up input grad 1024x1536 . 1536x576", m: 1024, n: 576, k: 1536, transA: false, transB: false),
        SgemmProbe(name: "gate/up weight grad 1024x1536^T . 1024x576", m: 1536, n: 576, k: 1024, transA: true, transB: false),
        SgemmProbe(name: "lm head 256x576 . 49152x576^T", m: 256, n: 49152, k: 576, transA: false, transB: true),
    ]
}
