import Engine
import TestSupport
import XCTest

final class ParallelTests: XCTestCase {
    override func tearDown() { BLASRuntime.setThreads(1) }

    func testElementwiseKernelsGiveTheSameBitsOnTwoThreads() {
        let count = 200_003
        let g = randomBuffer(count, seed: 1, scale: 4), u = randomBuffer(count, seed: 2), dy = randomBuffer(count, seed: 3)
        func run(threads: Int) -> [[Float]] {
            BLASRuntime.setThreads(threads)
            let h = FloatBuffer(count: count), dg = FloatBuffer(count: count), du = FloatBuffer(count: count)
            SwiGLU.forward(out: h.pointer, gate: g.pointer, up: u.pointer, count: count)
            SwiGLU.backward(dgate: dg.pointer, dup: du.pointer, dout: dy.pointer, gate: g.pointer, up: u.pointer, count: count)
            return [h.toArray(), dg.toArray(), du.toArray()]
        }
        XCTAssertEqual(run(threads: 1), run(threads: 2))
    }

    func testChunkedReductionIsRepeatableAndCoversEveryIndex() {
        BLASRuntime.setThreads(2)
        let count = 100_001
        var seen = [UInt8](repeating: 0, count: count)
        seen.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let marks = buffer
            Parallel.forChunks(count, minimumPerThread: 1000) { r in for i in r { marks[i] += 1 } }
        }
        XCTAssertTrue(seen.allSatisfy { $0 == 1 })
        let x = randomBuffer(count, seed: 4)
        let p = x.pointer
        let a = Parallel.mapChunks(count, minimumPerThread: 1000) { r in Double(VectorOps.sum(p + r.lowerBound, r.count)) }
        let b = Parallel.mapChunks(count, minimumPerThread: 1000) { r in Double(VectorOps.sum(p + r.lowerBound, r.count)) }
        XCTAssertEqual(a.count, 2)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.reduce(0, +), (0..<count).reduce(0.0) { $0 + Double(x[$1]) }, accuracy: 1e-2)
    }

    func testCrossEntropyRowsSplitAcrossThreadsGiveTheSameLoss() {
        let rows = 64, vocab = 5000
        let logits = randomBuffer(rows * vocab, seed: 5, scale: 5)
        let targets = (0..<rows).map { Int32(($0 * 37) % vocab) }
        func run(threads: Int) -> (Double, [Float]) {
            BLASRuntime.setThreads(threads)
            let work = FloatBuffer(logits.toArray())
            let loss = targets.withUnsafeBufferPointer {
                CrossEntropy.forwardBackward(logits: work.pointer, targets: $0.baseAddress!, rows: rows, vocab: vocab, gradScale: 0.5)
            }
            return (loss, work.toArray())
        }
        let (l1, g1) = run(threads: 1), (l2, g2) = run(threads: 2)
        XCTAssertEqual(l1, l2, accuracy: 1e-9 * abs(l1))
        XCTAssertEqual(g1, g2, "per-row work is the same on any thread")
    }
}

/// Large products are cut across the engine's threads (`GEMM.sgemm`). OpenBLAS's kernels do not promise the same
/// bits for a block of C computed alone (nor did its own threads), so a cut product must agree with one call as
/// closely as the kernel agrees with exact arithmetic, and give the same bits on every run with the same threads.
final class GEMMCutTests: XCTestCase {
    override func tearDown() { BLASRuntime.setThreads(1) }

    func testCutProductsAgreeWithOneCallAndRepeat() {
        // Tall (cut by rows) and wide (cut by columns), sides that are not multiples of the 16-wide blocks, sides
        // just above two blocks, and the model's own shapes (projections, MLP, weight gradients, LM head chunk).
        let shapes: [(Int, Int, Int)] = [
            (200, 150, 70), (150, 700, 33), (33, 1000, 100), (1000, 33, 100), (37, 40, 2000), (40, 37, 2000),
            (1024, 576, 576), (1024, 1536, 576), (576, 1536, 1024), (8, 576, 1024), (512, 4099, 64),
        ]
        var seed: UInt64 = 50
        var products = 0
        for (m, n, k) in shapes {
            for transA in [false, true] {
                for transB in [false, true] {
                    let (alpha, beta): (Float, Float) = transA == transB ? (1, 0) : (0.5, 1)
                    seed += 1
                    let lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 1, ldc = n + 2
                    let a = randomBuffer((transA ? k : m) * lda, seed: seed)
                    let b = randomBuffer((transB ? n : k) * ldb, seed: seed + 1000)
                    let c0 = randomBuffer(m * ldc, seed: seed + 2000)
                    func product(threads: Int) -> [Float] {
                        BLASRuntime.setThreads(threads)
                        let c = FloatBuffer(c0.toArray())
                        GEMM.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a.pointer,
                                   lda: lda, b: b.pointer, ldb: ldb, beta: beta, c: c.pointer, ldc: ldc)
                        return c.toArray()
                    }
                    let one = product(threads: 1)
                    let cutsBefore = GEMM.cutCount
                    for threads in [2, 3] {
                        let cut = product(threads: threads)
                        let what = "\(m)x\(n)x\(k) tA=\(transA) tB=\(transB) on \(threads) threads"
                        var worst: Float = 0
                        for i in 0..<cut.count { worst = max(worst, abs(cut[i] - one[i]) / (1 + abs(one[i]))) }
                        XCTAssertLessThan(worst, 2e-6 * Float(k).squareRoot(), what)
                        // Untouched padding between rows stays untouched.
                        for row in 0..<m { XCTAssertEqual(cut[(row * ldc + n)..<(row * ldc + ldc)], one[(row * ldc + n)..<(row * ldc + ldc)], what) }
                        XCTAssertTrue(product(threads: threads) == cut, "\(what): not repeatable")
                    }
                    XCTAssertEqual(GEMM.cutCount - cutsBefore, 4, "\(m)x\(n)x\(k) was not cut")
                    products += 1
                }
            }
        }
        XCTAssertEqual(products, 4 * shapes.count)
    }
    func testSmallProductsAndProductsInsideALoopAreNotCut() {
        BLASRuntime.setThreads(2)
        let a = randomBuffer(64 * 64, seed: 1), b = randomBuffer(64 * 64, seed: 2)
        let c = FloatBuffer(count: 2 * 64 * 64)
        let before = GEMM.cutCount
        // 64³ multiply-adds: below the size worth a second thread.
        GEMM.sgemm(transA: false, transB: false, m: 64, n: 64, k: 64, a: a.pointer, lda: 64, b: b.pointer, ldb: 64,
                   c: c.pointer, ldc: 64)
        XCTAssertEqual(GEMM.cutCount, before)
        // Inside a parallel loop each part runs its product alone: cutting it again would post to busy workers.
        let big = randomBuffer(1024 * 64, seed: 3), out = FloatBuffer(count: 2 * 1024 * 1024)
        let (bp, op) = (big.pointer, out.pointer)
        Parallel.forParts(2) { _, parts in
            for part in parts {
                GEMM.sgemm(transA: false, transB: true, m: 1024, n: 1024, k: 64, a: bp, lda: 64, b: bp, ldb: 64,
                           c: op + part * 1024 * 1024, ldc: 1024, counted: false)
            }
        }
        XCTAssertEqual(GEMM.cutCount, before)
        XCTAssertEqual(out.toArray()[0..<(1024 * 1024)], out.toArray()[(1024 * 1024)...])
        // The same product outside the loop is cut.
        GEMM.sgemm(transA: false, transB: true, m: 1024, n: 1024, k: 64, a: bp, lda: 64, b: bp, ldb: 64,
                   c: op, ldc: 1024)
        XCTAssertEqual(GEMM.cutCount, before + 1)
    }
}
