import COpenBLAS

/// Row-major single-precision matrix products through OpenBLAS.
///
/// `C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C`, with leading dimensions so strided views (one attention
/// head inside a `(tokens, heads·headDim)` activation) need no copies. Every call is counted, so benchmarks report
/// the FLOPs that really ran rather than an estimate.
public enum GEMM {
    nonisolated(unsafe) private static var flops: Double = 0

    /// FLOPs executed by `sgemm` since the last reset (2·m·n·k per product).
    public static var executedFLOPs: Double { flops }
    public static func resetFLOPCounter() { flops = 0 }
    /// For products computed outside sgemm (quantized matrix-vector kernels).
    public static func countFLOPs(_ n: Double) { flops += n }

    @inline(__always)
    public static func sgemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, counted: Bool = true
    ) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            // OpenBLAS leaves C untouched when k == 0; the product is empty, so C = beta·C.
            if beta != 1 {
                for i in 0..<m { let row = c + i * ldc; for j in 0..<n { row[j] = beta == 0 ? 0 : beta * row[j] } }
            }
            return
        }
        // Products run on several threads at once are counted by their caller (the counter is not atomic).
        if counted { flops += 2 * Double(m) * Double(n) * Double(k) }
        if cutsAcrossThreads && Parallel.threads > 1 && !Parallel.isRunningParts
            && m * n * k >= cutMinimumWork && max(m, n) >= 2 * cutBlock {
            cutCount += 1
            cutAcrossThreads(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                             b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        } else {
            call(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                 b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    /// Products `sgemm` has cut across the engine's threads since the process started.
    nonisolated(unsafe) public private(set) static var cutCount = 0
    /// False while `BLASRuntime.withOpenBLASThreads` lets OpenBLAS split products itself.
    nonisolated(unsafe) static var cutsAcrossThreads = true
    /// Below this many multiply-adds a product is not worth waking a second thread for.
    static let cutMinimumWork = 2_000_000
    /// Blocks of C are cut at multiples of 16 rows or columns, a multiple of every x86 OpenBLAS kernel's tile, so
    /// only the product's own last block runs a narrower edge kernel.
    static let cutBlock = 16

    /// One product on the engine's own threads: C cut into one block of rows per thread (of columns when C is
    /// wider than tall), each block a single-threaded OpenBLAS call. The engine's elementwise kernels run on the
    /// same threads, so no thread of one pool waits for a core another pool's thread holds (OpenBLAS splitting
    /// products on its own threads beside the engine's lost up to a third of its speed at every hand-off). k is
    /// never cut, so no partial sums meet across threads; still, a block's bits depend on where it starts in
    /// OpenBLAS's own blocking, so another thread count rounds some elements differently (as OpenBLAS's own
    /// threads did), while the same thread count always gives the same bits.
    private static func cutAcrossThreads(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let side = max(m, n)
        Parallel.forParts((side + cutBlock - 1) / cutBlock) { _, blocks in
            let lo = blocks.lowerBound * cutBlock, hi = min(side, blocks.upperBound * cutBlock)
            if m >= n {
                // Rows lo..<hi of op(A): rows of A, or columns when A is stored transposed.
                call(transA: transA, transB: transB, m: hi - lo, n: n, k: k, alpha: alpha,
                     a: transA ? a + lo : a + lo * lda, lda: lda, b: b, ldb: ldb, beta: beta, c: c + lo * ldc, ldc: ldc)
            } else {
                // Columns lo..<hi of op(B): columns of B, or rows when B is stored transposed.
                call(transA: transA, transB: transB, m: m, n: hi - lo, k: k, alpha: alpha, a: a, lda: lda,
                     b: transB ? b + lo * ldb : b + lo, ldb: ldb, beta: beta, c: c + lo, ldc: ldc)
            }
        }
    }

    @inline(__always)
    private static func call(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `y[rows×out] (+)= x[rows×in] · Wᵀ` for a weight stored `(out, in)` as in PyTorch's `nn.Linear`.
    @inline(__always)
    public static func linearForward(
        x: UnsafePointer<Float>, weight: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
        rows: Int, inFeatures: Int, outFeatures: Int, accumulate: Bool = false
    ) {
        if rows <= FewRowsProduct.maxRows {
            // KV-cache decoding: a few rows against the whole weight (see FewRowsProduct).
            FewRowsProduct.forward(x: x, weight: weight, y: y, rows: rows, inFeatures: inFeatures,
                                   outFeatures: outFeatures, accumulate: accumulate)
            return
        }
        sgemm(transA: false, transB: true, m: rows, n: outFeatures, k: inFeatures,
              a: x, lda: inFeatures, b: weight, ldb: inFeatures, beta: accumulate ? 1 : 0, c: y, ldc: outFeatures)
    }

    /// `dx[rows×in] (+)= dy[rows×out] · W`.
    @inline(__always)
    public static func linearBackwardInput(
        dy: UnsafePointer<Float>, weight: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
        rows: Int, inFeatures: Int, outFeatures: Int, accumulate: Bool
    ) {
        sgemm(transA: false, transB: false, m: rows, n: inFeatures, k: outFeatures,
              a: dy, lda: outFeatures, b: weight, ldb: inFeatures, beta: accumulate ? 1 : 0, c: dx, ldc: inFeatures)
    }

    /// `dW[out×in] += dyᵀ · x` — the weight-gradient product that frozen weights never run.
    @inline(__always)
    public static func linearBackwardWeight(
        dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dweight: UnsafeMutablePointer<Float>,
        rows: Int, inFeatures: Int, outFeatures: Int
    ) {
        sgemm(transA: true, transB: false, m: outFeatures, n: inFeatures, k: rows,
              a: dy, lda: outFeatures, b: x, ldb: inFeatures, beta: 1, c: dweight, ldc: inFeatures)
    }
}
