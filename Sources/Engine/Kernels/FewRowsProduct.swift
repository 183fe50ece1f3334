/// `y[rows×out] (+)= x[rows×in] · Wᵀ` for a handful of rows (KV-cache decoding of a batch of sequences): every
/// weight row is read from memory once and multiplied with all the x rows, two weight rows by four x rows at a
/// time. OpenBLAS packs the whole weight before it multiplies, which at a few rows costs more than the product
/// itself (measured here on a 1536×576 weight: 0.33 ms at 1 row, 0.58 ms at 4, 0.49 ms at 16, where reading the
/// weight once takes about 0.15 ms).
///
/// Each output is one lane-wise sum over `in` followed by the same horizontal reduction whatever the row count,
/// the pairing or the thread split, so a sequence's result does not depend on the batch it is decoded in.
public enum FewRowsProduct {
    /// A decoding batch; larger products (training, prefill) go to OpenBLAS, whose packing pays off from a few
    /// dozen rows (on the same weight: 77 GFLOPS at 32 rows, 100 at 64).
    public static let maxRows = 16

    public static func forward(
        x: UnsafePointer<Float>, weight: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
        rows: Int, inFeatures k: Int, outFeatures n: Int, accumulate: Bool
    ) {
        precondition(rows >= 1 && rows <= maxRows, "FewRowsProduct takes 1…\(maxRows) rows")
        GEMM.countFLOPs(2 * Double(rows) * Double(k) * Double(n))
        Parallel.forChunks(n, minimumPerThread: max(2, 16_384 / max(1, k))) { range in
            var o = range.lowerBound
            while o < range.upperBound {
                let pair = o + 1 < range.upperBound
                let w0 = weight + o * k, w1 = pair ? w0 + k : w0
                var m = 0
                while m < rows {
                    let count = min(4, rows - m)
                    let x0 = x + m * k
                    let x1 = count > 1 ? x0 + k : x0, x2 = count > 2 ? x0 + 2 * k : x0, x3 = count > 3 ? x0 + 3 * k : x0
                    var a00 = SIMD8<Float>(), a10 = SIMD8<Float>(), a20 = SIMD8<Float>(), a30 = SIMD8<Float>()
                    var a01 = SIMD8<Float>(), a11 = SIMD8<Float>(), a21 = SIMD8<Float>(), a31 = SIMD8<Float>()
                    var i = 0
                    while i + 8 <= k {
                        let wa = load8(w0 + i), wb = load8(w1 + i)
                        let v0 = load8(x0 + i), v1 = load8(x1 + i), v2 = load8(x2 + i), v3 = load8(x3 + i)
                        a00.addProduct(v0, wa); a01.addProduct(v0, wb)
                        a10.addProduct(v1, wa); a11.addProduct(v1, wb)
                        a20.addProduct(v2, wa); a21.addProduct(v2, wb)
                        a30.addProduct(v3, wa); a31.addProduct(v3, wb)
                        i += 8
                    }
                    let out = y + m * n + o
                    finish(a00, a01, x0, w0, w1, from: i, to: k, out, pair: pair, accumulate: accumulate)
                    if count > 1 { finish(a10, a11, x1, w0, w1, from: i, to: k, out + n, pair: pair, accumulate: accumulate) }
                    if count > 2 { finish(a20, a21, x2, w0, w1, from: i, to: k, out + 2 * n, pair: pair, accumulate: accumulate) }
                    if count > 3 { finish(a30, a31, x3, w0, w1, from: i, to: k, out + 3 * n, pair: pair, accumulate: accumulate) }
                    m += 4
                }
                o += pair ? 2 : 1
            }
        }
    }

    /// The two outputs of one x row: lane sums, the tail past the last whole 8 lanes, stored or added.
    @inline(__always)
    private static func finish(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ xj: UnsafePointer<Float>,
                               _ w0: UnsafePointer<Float>, _ w1: UnsafePointer<Float>, from i: Int, to k: Int,
                               _ out: UnsafeMutablePointer<Float>, pair: Bool, accumulate: Bool) {
        var s0 = a.sum(), s1 = b.sum()
        for t in i..<k { s0 += xj[t] * w0[t]; s1 += xj[t] * w1[t] }
        out[0] = accumulate ? out[0] + s0 : s0
        if pair { out[1] = accumulate ? out[1] + s1 : s1 }
    }
}
