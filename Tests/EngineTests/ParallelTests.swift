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
