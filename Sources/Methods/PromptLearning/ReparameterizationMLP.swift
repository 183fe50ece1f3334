import Engine
import Foundation

/// A small stack of linear layers with ReLU or tanh between them, applied to the rows of a trained embedding:
/// P-tuning's prompt encoder and prefix tuning's projection. Parameters carry PEFT's names.
final class ReparameterizationMLP {
    enum Activation { case relu, tanh }
    let weights: [Parameter]  // (out, in) each
    let biases: [Parameter]
    let activation: Activation
    private var inputs: [GrowableBuffer]   // input of each layer, kept for backward
    private var outputs = GrowableBuffer()
    private var grad = GrowableBuffer(), gradNext = GrowableBuffer()

    /// `widths` = [in, hidden…, out]; names `prefix.<index>.weight` at the given module indices.
    init(prefix: String, widths: [Int], moduleIndices: [Int], activation: Activation, seed: UInt64) {
        self.activation = activation
        var w: [Parameter] = [], b: [Parameter] = []
        for (i, idx) in moduleIndices.enumerated() {
            let weight = Parameter(name: "\(prefix).\(idx).weight", shape: [widths[i + 1], widths[i]])
            let bias = Parameter(name: "\(prefix).\(idx).bias", shape: [widths[i + 1]])
            var rng = RandomGenerator.derived(seed: seed, stream: weight.name)
            let bound = kaimingUniformBound(fanIn: widths[i])
            rng.fillUniform(weight.value.pointer, count: weight.count, bound: bound)
            rng.fillUniform(bias.value.pointer, count: bias.count, bound: bound)
            w.append(weight)
            b.append(bias)
        }
        weights = w
        biases = b
        inputs = Array(repeating: GrowableBuffer(), count: moduleIndices.count)
    }

    var parameters: [Parameter] { zip(weights, biases).flatMap { [$0, $1] } }
    var outWidth: Int { weights.last!.shape[0] }

    /// Rows of `x` (rows, in) through the stack; the result is valid until the next call.
    func forward(_ x: UnsafePointer<Float>, rows: Int) -> UnsafePointer<Float> {
        inputs[0].reserve(rows * weights[0].shape[1]).update(from: x, count: rows * weights[0].shape[1])
        for i in 0..<weights.count {
            let w = weights[i], b = biases[i], inW = w.shape[1], outW = w.shape[0]
            let last = i == weights.count - 1
            // Layer i's activated output is kept as layer i+1's input.
            let y = last ? outputs.reserve(rows * outW) : inputs[i + 1].reserve(rows * outW)
            GEMM.linearForward(x: inputs[i].pointer, weight: w.value.pointer, y: y, rows: rows, inFeatures: inW, outFeatures: outW)
            for r in 0..<rows { VectorOps.add(b.value.pointer, into: y + r * outW, outW) }
            if !last {
                for j in 0..<(rows * outW) { y[j] = activation == .relu ? max(0, y[j]) : Foundation.tanh(y[j]) }
            }
        }
        return UnsafePointer(outputs.pointer)
    }

    /// Accumulates parameter gradients from dL/d(output) and returns dL/d(input) (rows, in).
    func backward(_ dout: UnsafePointer<Float>, rows: Int) -> UnsafePointer<Float> {
        var g = grad.reserve(rows * outWidth)
        g.update(from: dout, count: rows * outWidth)
        for i in stride(from: weights.count - 1, through: 0, by: -1) {
            let w = weights[i], b = biases[i], inW = w.shape[1], outW = w.shape[0]
            let x = inputs[i].pointer
            if let dw = w.grad { GEMM.linearBackwardWeight(dy: g, x: x, dweight: dw.pointer, rows: rows, inFeatures: inW, outFeatures: outW) }
            if let db = b.grad { for r in 0..<rows { VectorOps.add(g + r * outW, into: db.pointer, outW) } }
            let dx = gradNext.reserve(rows * inW)
            GEMM.linearBackwardInput(dy: g, weight: w.value.pointer, dx: dx, rows: rows, inFeatures: inW, outFeatures: outW, accumulate: false)
            if i > 0 {
                // x is this layer's input = the previous layer's activated output.
                for j in 0..<(rows * inW) {
                    dx[j] *= activation == .relu ? (x[j] > 0 ? 1 : 0) : (1 - x[j] * x[j])
                }
            }
            swap(&grad, &gradNext)
            g = grad.pointer
        }
        return UnsafePointer(g)
    }
}
