import Engine
import TestSupport
import XCTest

/// Whatever kernel OpenBLAS chose at load time must compute the right products, on shapes that stress edge handling.
final class GEMMTests: XCTestCase {
    func naive(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: FloatBuffer, lda: Int,
               b: FloatBuffer, ldb: Int, beta: Float, c: [Float], ldc: Int) -> [Double] {
        var out = c.map(Double.init)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k {
                    let av = transA ? a[p * lda + i] : a[i * lda + p]
                    let bv = transB ? b[j * ldb + p] : b[p * ldb + j]
                    s += Double(av) * Double(bv)
                }
                out[i * ldc + j] = Double(alpha) * s + Double(beta) * Double(c[i * ldc + j])
            }
        }
        return out
    }

    func testSgemmMatchesNaiveOnOddAndDegenerateShapes() {
        let shapes: [(Int, Int, Int)] = [
            (1, 1, 1), (1, 37, 19), (37, 1, 19), (23, 29, 1), (1, 1, 300), (17, 33, 5), (64, 64, 64),
            (65, 47, 129), (100, 3, 257), (3, 100, 257), (129, 130, 31), (256, 48, 576),
        ]
        var seed: UInt64 = 1
        for (m, n, k) in shapes {
            for transA in [false, true] {
                for transB in [false, true] {
                    for (alpha, beta) in [(Float(1), Float(0)), (Float(0.5), Float(1)), (Float(-2), Float(0.25))] {
                        seed += 1
                        // Leading dimensions wider than the matrices, as strided head views use them.
                        let lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 1, ldc = n + 2
                        let a = randomBuffer((transA ? k : m) * lda, seed: seed)
                        let b = randomBuffer((transB ? n : k) * ldb, seed: seed + 1000)
                        let c0 = randomBuffer(m * ldc, seed: seed + 2000)
                        let expected = naive(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a,
                                             lda: lda, b: b, ldb: ldb, beta: beta, c: c0.toArray(), ldc: ldc)
                        GEMM.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                                   a: a.pointer, lda: lda, b: b.pointer, ldb: ldb, beta: beta, c: c0.pointer, ldc: ldc)
                        var worst = 0.0
                        for i in 0..<(m * ldc) {
                            worst = max(worst, abs(Double(c0[i]) - expected[i]) / (1 + abs(expected[i])))
                        }
                        XCTAssertLessThan(worst, 1e-5 * Double(k).squareRoot() + 1e-6,
                                          "sgemm \(m)x\(n)x\(k) tA=\(transA) tB=\(transB) α=\(alpha) β=\(beta) on \(BLASRuntime.coreName)")
                    }
                }
            }
        }
    }

    func testLinearHelpersAgreeWithTheirDefinitions() {
        let rows = 7, inF = 13, outF = 11
        let x = randomBuffer(rows * inF, seed: 3), w = randomBuffer(outF * inF, seed: 4), dy = randomBuffer(rows * outF, seed: 5)
        let y = FloatBuffer(count: rows * outF), dx = FloatBuffer(count: rows * inF), dw = FloatBuffer(count: outF * inF)
        GEMM.linearForward(x: x.pointer, weight: w.pointer, y: y.pointer, rows: rows, inFeatures: inF, outFeatures: outF)
        GEMM.linearBackwardInput(dy: dy.pointer, weight: w.pointer, dx: dx.pointer, rows: rows, inFeatures: inF,
                                 outFeatures: outF, accumulate: false)
        GEMM.linearBackwardWeight(dy: dy.pointer, x: x.pointer, dweight: dw.pointer, rows: rows, inFeatures: inF, outFeatures: outF)
        for r in 0..<rows {
            for o in 0..<outF {
                var s: Float = 0
                for i in 0..<inF { s += x[r * inF + i] * w[o * inF + i] }
                XCTAssertEqual(y[r * outF + o], s, accuracy: 1e-4)
            }
            for i in 0..<inF {
                var s: Float = 0
                for o in 0..<outF { s += dy[r * outF + o] * w[o * inF + i] }
                XCTAssertEqual(dx[r * inF + i], s, accuracy: 1e-4)
            }
        }
        for o in 0..<outF {
            for i in 0..<inF {
                var s: Float = 0
                for r in 0..<rows { s += dy[r * outF + o] * x[r * inF + i] }
                XCTAssertEqual(dw[o * inF + i], s, accuracy: 1e-4)
            }
        }
    }

    func testFLOPCounterCountsExecutedProducts() {
        let a = randomBuffer(6 * 4, seed: 1), b = randomBuffer(4 * 5, seed: 2), c = FloatBuffer(count: 30)
        GEMM.resetFLOPCounter()
        GEMM.sgemm(transA: false, transB: false, m: 6, n: 5, k: 4, a: a.pointer, lda: 4, b: b.pointer, ldb: 5,
                   c: c.pointer, ldc: 5)
        XCTAssertEqual(GEMM.executedFLOPs, 2 * 6 * 5 * 4)
    }

    func testEmptyInnerDimensionScalesC() {
        let c = FloatBuffer([1, 2, 3, 4])
        let dummy = FloatBuffer(count: 1)
        GEMM.sgemm(transA: false, transB: false, m: 2, n: 2, k: 0, a: dummy.pointer, lda: 1, b: dummy.pointer, ldb: 2,
                   beta: 0.5, c: c.pointer, ldc: 2)
        XCTAssertEqual(c.toArray(), [0.5, 1, 1.5, 2])
    }
}

final class FewRowsProductTests: XCTestCase {
    /// 1…17 rows (17 goes through sgemm), odd widths with tails past the 8 lanes, odd output counts, accumulation;
    /// against a Double reference, and each row's result the same bits whatever rows surround it.
    func testFewRowsMatchTheReferenceAndDoNotDependOnTheBatch() {
        var rng = RandomGenerator(seed: 21)
        for (k, n) in [(37, 5), (64, 33), (576, 17)] {
            let w = (0..<n * k).map { _ in Float(rng.nextUniform() * 2 - 1) }
            let x = (0..<17 * k).map { _ in Float(rng.nextUniform() * 2 - 1) }
            let bias = (0..<17 * n).map { _ in Float(rng.nextUniform()) }
            var alone: [Float] = []
            for rows in 1...17 {
                for accumulate in [false, true] {
                    var y = accumulate ? Array(bias[0..<(rows * n)]) : [Float](repeating: .nan, count: rows * n)
                    y.withUnsafeMutableBufferPointer { out in
                        GEMM.linearForward(x: x, weight: w, y: out.baseAddress!, rows: rows, inFeatures: k, outFeatures: n,
                                           accumulate: accumulate)
                    }
                    for r in 0..<rows {
                        for o in 0..<n {
                            var expected = accumulate ? Double(bias[r * n + o]) : 0
                            for t in 0..<k { expected += Double(x[r * k + t]) * Double(w[o * k + t]) }
                            XCTAssertEqual(Double(y[r * n + o]), expected, accuracy: 1e-4, "k \(k) n \(n) rows \(rows)")
                        }
                    }
                    if !accumulate && rows <= FewRowsProduct.maxRows {
                        if rows == 1 { alone = Array(y[0..<n]) }
                        // The first row computed alone and inside any batch: the same bits.
                        XCTAssertEqual(Array(y[0..<n]), alone, "rows \(rows)")
                    }
                }
            }
        }
    }
}
