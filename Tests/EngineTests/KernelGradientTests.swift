import Engine
import TestSupport
import XCTest

/// Finite-difference checks of every kernel's backward, each against L = Σ r∘output with a random r.
final class KernelGradientTests: XCTestCase {
    func testRMSNorm() {
        let n = 5, c = 24
        let x = randomBuffer(n * c, seed: 1, scale: 2), w = randomBuffer(c, seed: 2, scale: 1.5)
        let r = randomBuffer(n * c, seed: 3), y = FloatBuffer(count: n * c), rstd = FloatBuffer(count: n)
        let dx = FloatBuffer(count: n * c), dw = FloatBuffer(count: c)
        func loss() -> Double {
            RMSNorm.forward(out: y.pointer, rstd: rstd.pointer, inp: x.pointer, weight: w.pointer, rows: n, channels: c, eps: 1e-5)
            return weightedSum(y.pointer, r.pointer, n * c)
        }
        _ = loss()
        RMSNorm.backward(dinp: dx.pointer, dweight: dw.pointer, dout: r.pointer, inp: x.pointer, weight: w.pointer,
                         rstd: rstd.pointer, rows: n, channels: c, accumulate: false)
        let check = GradientCheck(epsilon: 1e-2)
        check.run("rmsnorm dx", values: x.pointer, analytic: dx.pointer, count: x.count, loss: loss)
        check.run("rmsnorm dw", values: w.pointer, analytic: dw.pointer, count: w.count, loss: loss)
    }

    func testRMSNormForwardDefinition() {
        let x = FloatBuffer([1, 2, 3, 4]), w = FloatBuffer([1, 1, 2, 0.5]), y = FloatBuffer(count: 4)
        RMSNorm.forward(out: y.pointer, rstd: nil, inp: x.pointer, weight: w.pointer, rows: 1, channels: 4, eps: 1e-5)
        let rms = ((1.0 + 4 + 9 + 16) / 4 + 1e-5).squareRoot()
        XCTAssertEqual(Double(y[2]), 3 / rms * 2, accuracy: 1e-6)
        XCTAssertEqual(Double(y[3]), 4 / rms * 0.5, accuracy: 1e-6)
    }

    func testRotaryForwardDefinitionAndBackward() {
        let heads = 3, d = 8, n = 4
        let table = RotaryTable(headDim: d, theta: 10_000, maxPositions: 64)
        let positions: [Int32] = [0, 5, 17, 63]
        let x0 = randomBuffer(n * heads * d, seed: 4)
        let x = FloatBuffer(x0.toArray())
        positions.withUnsafeBufferPointer { Rotary.forward(x.pointer, positions: $0.baseAddress!, rows: n, heads: heads, table: table) }
        // HF rotate_half: out[i] = x[i]cos − x[i+D/2]sin, out[i+D/2] = x[i+D/2]cos + x[i]sin.
        for row in 0..<n {
            for h in 0..<heads {
                for i in 0..<(d / 2) {
                    let base = row * heads * d + h * d
                    let angle = Double(positions[row]) * Foundation.pow(10_000, -Double(2 * i) / Double(d))
                    let a = Double(x0[base + i]), b = Double(x0[base + i + d / 2])
                    XCTAssertEqual(Double(x[base + i]), a * cos(angle) - b * sin(angle), accuracy: 1e-4)
                    XCTAssertEqual(Double(x[base + i + d / 2]), b * cos(angle) + a * sin(angle), accuracy: 1e-4)
                }
            }
        }
        // Backward: L = Σ r∘rope(x) ⇒ dx = ropeᵀ(r).
        let r = randomBuffer(n * heads * d, seed: 5)
        let dx = FloatBuffer(r.toArray())
        positions.withUnsafeBufferPointer { Rotary.backward(dx.pointer, positions: $0.baseAddress!, rows: n, heads: heads, table: table) }
        let xv = FloatBuffer(x0.toArray()), y = FloatBuffer(count: xv.count)
        GradientCheck().run("rope dx", values: xv.pointer, analytic: dx.pointer, count: xv.count) {
            y.copy(from: xv)
            positions.withUnsafeBufferPointer { Rotary.forward(y.pointer, positions: $0.baseAddress!, rows: n, heads: heads, table: table) }
            return weightedSum(y.pointer, r.pointer, y.count)
        }
    }

    func testSoftmax() {
        let n = 9
        let x = randomBuffer(n, seed: 6, scale: 3), r = randomBuffer(n, seed: 7), p = FloatBuffer(count: n)
        func loss() -> Double {
            p.copy(from: x)
            Softmax.forward(p.pointer, n)
            return weightedSum(p.pointer, r.pointer, n)
        }
        _ = loss()
        XCTAssertEqual(Double(VectorOps.sum(p.pointer, n)), 1, accuracy: 1e-6)
        let d = FloatBuffer(r.toArray())
        Softmax.backward(d.pointer, probs: p.pointer, n)
        GradientCheck(epsilon: 1e-2).run("softmax", values: x.pointer, analytic: d.pointer, count: n, loss: loss)
        // Stability: huge logits do not overflow.
        let big = FloatBuffer([1000, 1001, 999])
        Softmax.forward(big.pointer, 3)
        XCTAssertFalse(big.toArray().contains { !$0.isFinite })
    }

    func testSwiGLU() {
        let count = 40
        let g = randomBuffer(count, seed: 8, scale: 4), u = randomBuffer(count, seed: 9, scale: 2)
        let r = randomBuffer(count, seed: 10), h = FloatBuffer(count: count)
        let dg = FloatBuffer(count: count), du = FloatBuffer(count: count)
        func loss() -> Double {
            SwiGLU.forward(out: h.pointer, gate: g.pointer, up: u.pointer, count: count)
            return weightedSum(h.pointer, r.pointer, count)
        }
        SwiGLU.backward(dgate: dg.pointer, dup: du.pointer, dout: r.pointer, gate: g.pointer, up: u.pointer, count: count)
        let check = GradientCheck(epsilon: 1e-2)
        check.run("swiglu dgate", values: g.pointer, analytic: dg.pointer, count: count, loss: loss)
        check.run("swiglu dup", values: u.pointer, analytic: du.pointer, count: count, loss: loss)
    }

    func testEmbedding() {
        let vocab = 7, c = 5
        let table = randomBuffer(vocab * c, seed: 11)
        let ids: [Int32] = [3, 0, 3, -1, 6]  // -1: a virtual-token row, left alone
        let r = randomBuffer(ids.count * c, seed: 12), out = FloatBuffer(count: ids.count * c)
        let dtable = FloatBuffer(count: vocab * c)
        func loss() -> Double {
            ids.withUnsafeBufferPointer { Embedding.forward(out: out.pointer, ids: $0.baseAddress!, table: table.pointer, rows: ids.count, channels: c) }
            return weightedSum(out.pointer, r.pointer, out.count)
        }
        ids.withUnsafeBufferPointer { Embedding.backward(dtable: dtable.pointer, dout: r.pointer, ids: $0.baseAddress!, rows: ids.count, channels: c) }
        GradientCheck(epsilon: 1e-2).run("embedding", values: table.pointer, analytic: dtable.pointer, count: table.count, loss: loss)
    }

    func testResidual() {
        let a = randomBuffer(6, seed: 13), b = randomBuffer(6, seed: 14), out = FloatBuffer(count: 6)
        Residual.forward(out: out.pointer, a: a.pointer, b: b.pointer, count: 6)
        XCTAssertEqual(out[4], a[4] + b[4])
        let r = randomBuffer(6, seed: 15), dtrunk = FloatBuffer(r.toArray())
        Residual.backward(dtrunk: dtrunk.pointer, dbranch: r.pointer, count: 6)
        GradientCheck(epsilon: 1e-2).run("residual", values: a.pointer, analytic: r.pointer, count: 6) {
            Residual.forward(out: out.pointer, a: a.pointer, b: b.pointer, count: 6)
            return weightedSum(out.pointer, r.pointer, 6)
        }
        XCTAssertEqual(dtrunk[2], 2 * r[2])
    }

    func testCrossEntropy() {
        let rows = 4, vocab = 11
        let logits = randomBuffer(rows * vocab, seed: 16, scale: 3)
        let targets: [Int32] = [0, 10, 4, 4]
        let work = FloatBuffer(count: rows * vocab)
        func loss() -> Double {
            work.copy(from: logits)
            return targets.withUnsafeBufferPointer {
                CrossEntropy.forwardBackward(logits: work.pointer, targets: $0.baseAddress!, rows: rows, vocab: vocab, gradScale: nil)
            } / Double(rows)
        }
        let total = loss()
        // Definition: mean of logsumexp − logit[target].
        var expected = 0.0
        for m in 0..<rows {
            let row = (0..<vocab).map { Double(logits[m * vocab + $0]) }
            let mx = row.max()!
            expected += Foundation.log(row.map { Foundation.exp($0 - mx) }.reduce(0, +)) + mx - row[Int(targets[m])]
        }
        XCTAssertEqual(total, expected / Double(rows), accuracy: 1e-5)
        let grad = FloatBuffer(logits.toArray())
        _ = targets.withUnsafeBufferPointer {
            CrossEntropy.forwardBackward(logits: grad.pointer, targets: $0.baseAddress!, rows: rows, vocab: vocab, gradScale: 1 / Float(rows))
        }
        GradientCheck(epsilon: 1e-2).run("cross-entropy", values: logits.pointer, analytic: grad.pointer, count: logits.count, loss: loss)
    }

    func testCheckRejectsAWrongGradient() {
        // The checker itself must be able to fail: a gradient off by 10% is caught.
        let n = 9
        let x = randomBuffer(n, seed: 17, scale: 3), r = randomBuffer(n, seed: 18), p = FloatBuffer(count: n)
        func loss() -> Double {
            p.copy(from: x)
            Softmax.forward(p.pointer, n)
            return weightedSum(p.pointer, r.pointer, n)
        }
        _ = loss()
        let d = FloatBuffer(r.toArray())
        Softmax.backward(d.pointer, probs: p.pointer, n)
        for i in 0..<n { d[i] *= 1.1 }
        let check = GradientCheck(epsilon: 1e-2)
        let outcome = check.evaluate("softmax, wrong on purpose", values: x.pointer, analytic: d.pointer, count: n, loss: loss)
        XCTAssertGreaterThan(outcome.worstRelativeError, check.tolerance, "a 10% wrong gradient must fail the check")
    }
}
