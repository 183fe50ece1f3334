import Engine
import Foundation
import TestSupport
import XCTest

final class AttentionTests: XCTestCase {
    struct Setup {
        let g: AttentionGeometry
        let q, k, v, pk, pv, out, probs: FloatBuffer
        let keyStart: [Int32]?
    }

    func make(batch: Int = 2, t: Int = 5, heads: Int = 4, kvHeads: Int = 2, d: Int = 4, prefix: Int = 0,
              keyStart: [Int32]? = nil) -> Setup {
        let g = AttentionGeometry(batch: batch, queries: t, keys: t, heads: heads, kvHeads: kvHeads, headDim: d, prefix: prefix)
        return Setup(
            g: g, q: randomBuffer(batch * t * g.qDim, seed: 21, scale: 1.5), k: randomBuffer(batch * t * g.kvDim, seed: 22, scale: 1.5),
            v: randomBuffer(batch * t * g.kvDim, seed: 23), pk: randomBuffer(max(1, prefix * g.kvDim), seed: 24, scale: 1.5),
            pv: randomBuffer(max(1, prefix * g.kvDim), seed: 25), out: FloatBuffer(count: batch * t * g.qDim),
            probs: FloatBuffer(count: g.probsCount), keyStart: keyStart)
    }

    func forward(_ s: Setup) {
        let run = { (ks: UnsafePointer<Int32>?) in
            Attention.forward(out: s.out.pointer, probs: s.probs.pointer, q: s.q.pointer, k: s.k.pointer, v: s.v.pointer,
                              prefixK: s.g.prefix > 0 ? UnsafePointer(s.pk.pointer) : nil,
                              prefixV: s.g.prefix > 0 ? UnsafePointer(s.pv.pointer) : nil, keyStart: ks, geometry: s.g)
        }
        if let ks = s.keyStart { ks.withUnsafeBufferPointer { run($0.baseAddress!) } } else { run(nil) }
    }

    /// Straight from the definition, in Double.
    func reference(_ s: Setup) -> [Double] {
        let g = s.g, d = g.headDim
        var out = [Double](repeating: 0, count: g.batch * g.queries * g.qDim)
        for b in 0..<g.batch {
            let start = Int(s.keyStart?[b] ?? 0)
            for h in 0..<g.heads {
                let kvh = h / (g.heads / g.kvHeads)
                for i in 0..<g.queries {
                    var scores: [(Double, [Double])] = []
                    func qd(_ c: Int) -> Double { Double(s.q[(b * g.queries + i) * g.qDim + h * d + c]) }
                    for j in 0..<g.prefix {
                        let key = (0..<d).map { Double(s.pk[j * g.kvDim + kvh * d + $0]) }
                        let val = (0..<d).map { Double(s.pv[j * g.kvDim + kvh * d + $0]) }
                        scores.append(((0..<d).map { qd($0) * key[$0] }.reduce(0, +) / Double(d).squareRoot(), val))
                    }
                    for j in 0..<g.keys where j <= i && j >= start {
                        let key = (0..<d).map { Double(s.k[(b * g.keys + j) * g.kvDim + kvh * d + $0]) }
                        let val = (0..<d).map { Double(s.v[(b * g.keys + j) * g.kvDim + kvh * d + $0]) }
                        scores.append(((0..<d).map { qd($0) * key[$0] }.reduce(0, +) / Double(d).squareRoot(), val))
                    }
                    guard let mx = scores.map(\.0).max() else { continue }
                    let z = scores.map { Foundation.exp($0.0 - mx) }.reduce(0, +)
                    for (sc, val) in scores {
                        for c in 0..<d { out[(b * g.queries + i) * g.qDim + h * d + c] += Foundation.exp(sc - mx) / z * val[c] }
                    }
                }
            }
        }
        return out
    }

    override func tearDown() { BLASRuntime.setThreads(1) }

    /// Heads run on every thread (and a thread's share may hold several sequences or none of a kv group's heads).
    func testForwardMatchesDefinition() {
        for threads in [1, 2] {
            BLASRuntime.setThreads(threads)
            for s in [make(), make(prefix: 3), make(keyStart: [0, 2]), make(heads: 3, kvHeads: 3), make(heads: 6, kvHeads: 1, prefix: 2, keyStart: [1, 0]),
                      make(batch: 3, heads: 6, kvHeads: 3, prefix: 2)] {
                forward(s)
                let ref = reference(s)
                for i in 0..<ref.count { XCTAssertEqual(Double(s.out[i]), ref[i], accuracy: 1e-5, "geometry \(s.g), \(threads) threads") }
            }
        }
    }

    func testDecodeStepSeesAllEarlierKeys() {
        // One query against 5 keys (a KV-cache step) equals the last row of full attention.
        let full = make(batch: 1, t: 5)
        forward(full)
        let g = AttentionGeometry(batch: 1, queries: 1, keys: 5, heads: 4, kvHeads: 2, headDim: 4)
        let qLast = FloatBuffer(Array(full.q.toArray()[(4 * g.qDim)...]))
        let out = FloatBuffer(count: g.qDim), probs = FloatBuffer(count: g.probsCount)
        Attention.forward(out: out.pointer, probs: probs.pointer, q: qLast.pointer, k: full.k.pointer, v: full.v.pointer, geometry: g)
        for c in 0..<g.qDim { XCTAssertEqual(out[c], full.out[4 * g.qDim + c], accuracy: 1e-6) }
    }

    func testGradients() {
        for (threads, s) in [(1, make()), (1, make(prefix: 3)), (1, make(heads: 6, kvHeads: 1, prefix: 2, keyStart: [1, 0])),
                             (2, make(prefix: 3)), (2, make(batch: 3, heads: 6, kvHeads: 3, prefix: 2, keyStart: [1, 0, 2]))] {
            BLASRuntime.setThreads(threads)
            let g = s.g
            let r = randomBuffer(s.out.count, seed: 26)
            func loss() -> Double { forward(s); return weightedSum(s.out.pointer, r.pointer, s.out.count) }
            _ = loss()
            let dq = FloatBuffer(count: s.q.count), dk = FloatBuffer(count: s.k.count), dv = FloatBuffer(count: s.v.count)
            let dpk = FloatBuffer(count: s.pk.count), dpv = FloatBuffer(count: s.pv.count)
            let scratch = FloatBuffer(count: Attention.backwardScratchCount(g))
            Attention.backward(
                dq: dq.pointer, dk: dk.pointer, dv: dv.pointer,
                dPrefixK: g.prefix > 0 ? dpk.pointer : nil, dPrefixV: g.prefix > 0 ? dpv.pointer : nil,
                dout: r.pointer, probs: s.probs.pointer, q: s.q.pointer, k: s.k.pointer, v: s.v.pointer,
                prefixK: g.prefix > 0 ? UnsafePointer(s.pk.pointer) : nil, prefixV: g.prefix > 0 ? UnsafePointer(s.pv.pointer) : nil,
                scratch: scratch.pointer, geometry: g)
            let check = GradientCheck(epsilon: 1e-2)
            check.run("attention dq \(g)", values: s.q.pointer, analytic: dq.pointer, count: s.q.count, loss: loss)
            check.run("attention dk \(g)", values: s.k.pointer, analytic: dk.pointer, count: s.k.count, loss: loss)
            check.run("attention dv \(g)", values: s.v.pointer, analytic: dv.pointer, count: s.v.count, loss: loss)
            if g.prefix > 0 {
                check.run("attention prefix dk", values: s.pk.pointer, analytic: dpk.pointer, count: s.pk.count, loss: loss)
                check.run("attention prefix dv", values: s.pv.pointer, analytic: dpv.pointer, count: s.pv.count, loss: loss)
            }
        }
    }
}
