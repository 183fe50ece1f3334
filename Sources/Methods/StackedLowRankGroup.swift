import Engine
import Model

/// A layer whose update starts with h = x·Aᵀ for its own A (LoRA, DoRA, AdaLoRA): projections of one input stack
/// their A matrices, so h, A's gradient and dx each take one product for the group (q, k, v: 1024×24×576 instead of
/// three 1024×8×576), while everything after h stays per layer.
protocol StackedLowRankLayer: SharedInputLayer {
    var base: any LinearLayer { get }
    var a: Parameter { get }
    var rank: Int { get }
    /// Its first layer's buffers when a group runs.
    var group: StackedLowRankGroup { get }
    /// False when the layer must run alone (merged, or a dropout mask of its own in training).
    func canJoinGroup(training: Bool) -> Bool
    /// Everything of forward after h (leading dimension `ldh`, kept for backward), added into y.
    func addUpdate(h: UnsafeMutablePointer<Float>, ldh: Int, y: UnsafeMutablePointer<Float>, rows: Int)
    /// Everything of backward before A's products, dh written into `dh` (leading dimension `lddh`).
    func backwardUpdate(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                        accumulateInput: Bool, rows: Int, dh: UnsafeMutablePointer<Float>, lddh: Int)
}

/// The stacked A, h, dh and A gradient of a group, held by its first layer; `ranTogether` says the last training
/// forward ran as a group (a layer's own forward clears it).
final class StackedLowRankGroup {
    var stackedA = GrowableBuffer(), h = GrowableBuffer(), dh = GrowableBuffer(), dA = GrowableBuffer()
    var ranTogether = false
}

extension StackedLowRankLayer {
    /// A's gradient (dh·drop(x) summed over rows) and dx += (dh·A) through the dropout mask, for a layer run alone;
    /// `dropout` gives the dropped input and the mask when training drew one.
    func backwardThroughA(dh dhp: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                          rows: Int, dropout: (input: UnsafeMutablePointer<Float>, mask: UnsafeMutablePointer<Float>)?,
                          scratch: inout GrowableBuffer) {
        let inF = inFeatures, input = dropout.map { UnsafePointer($0.input) } ?? x
        if let da = a.grad?.pointer {
            GEMM.sgemm(transA: true, transB: false, m: rank, n: inF, k: rows, a: dhp, lda: rank,
                       b: input, ldb: inF, beta: 1, c: da, ldc: inF)
        }
        guard let dx else { return }
        if let mask = dropout?.mask {
            let n = rows * inF, tmp = scratch.reserve(n)
            GEMM.sgemm(transA: false, transB: false, m: rows, n: inF, k: rank, a: dhp, lda: rank,
                       b: a.value.pointer, ldb: inF, c: tmp, ldc: inF)
            for i in 0..<n { dx[i] += tmp[i] * mask[i] }
        } else {
            GEMM.sgemm(transA: false, transB: false, m: rows, n: inF, k: rank, a: dhp, lda: rank,
                       b: a.value.pointer, ldb: inF, beta: 1, c: dx, ldc: inF)
        }
    }

    func forward(group layers: [any LinearLayer], x: UnsafePointer<Float>, ys: [UnsafeMutablePointer<Float>],
                 rows: Int, training: Bool) -> Bool {
        group.ranTogether = false
        guard let members = layers as? [Self], members.count > 1,
              members.allSatisfy({ $0.canJoinGroup(training: training) }) else { return false }
        let inF = inFeatures, total = members.reduce(0) { $0 + $1.rank }
        let stacked = group.stackedA.reserve(total * inF), hp = group.h.reserve(rows * total)
        var offset = 0
        for m in members {
            (stacked + offset * inF).update(from: m.a.value.pointer, count: m.rank * inF)
            offset += m.rank
        }
        GEMM.sgemm(transA: false, transB: true, m: rows, n: total, k: inF, a: x, lda: inF,
                   b: stacked, ldb: inF, c: hp, ldc: total)
        offset = 0
        for (m, y) in zip(members, ys) {
            m.base.forward(x: x, y: y, rows: rows, training: training)
            m.addUpdate(h: hp + offset, ldh: total, y: y, rows: rows)
            offset += m.rank
        }
        group.ranTogether = training
        return true
    }

    func backward(group layers: [any LinearLayer], dys: [UnsafePointer<Float>], x: UnsafePointer<Float>,
                  dx: UnsafeMutablePointer<Float>, rows: Int) -> Bool {
        guard group.ranTogether, let members = layers as? [Self] else { return false }
        group.ranTogether = false
        let inF = inFeatures, total = members.reduce(0) { $0 + $1.rank }
        let dhp = group.dh.reserve(rows * total)
        var offset = 0
        for (i, m) in members.enumerated() {
            m.backwardUpdate(dy: dys[i], x: x, dx: dx, accumulateInput: i > 0, rows: rows, dh: dhp + offset, lddh: total)
            offset += m.rank
        }
        if members.contains(where: { $0.a.grad != nil }) {
            let da = group.dA.reserve(total * inF)
            GEMM.sgemm(transA: true, transB: false, m: total, n: inF, k: rows, a: dhp, lda: total,
                       b: x, ldb: inF, c: da, ldc: inF)
            offset = 0
            for m in members {
                if let g = m.a.grad?.pointer { VectorOps.add(da + offset * inF, into: g, m.rank * inF) }
                offset += m.rank
            }
        }
        GEMM.sgemm(transA: false, transB: false, m: rows, n: inF, k: total, a: dhp, lda: total,
                   b: group.stackedA.pointer, ldb: inF, beta: 1, c: dx, ldc: inF)
        return true
    }
}
