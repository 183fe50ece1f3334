import Engine
import Foundation
import Model

/// Bottleneck adapters (Houlsby et al., 2019, arXiv:1902.00751): after a sublayer's output projection,
///   y ← y + U·act(D·y + b_D) + b_U
/// with U and b_U at zero, so the model starts unchanged. `placement=houlsby` adapts the attention output (o_proj)
/// and the MLP output (down_proj); `placement=mlp` the MLP output alone (Pfeiffer et al., 2021).
public enum BottleneckAdapter: PEFTMethod {
    public static let name = "adapter"
    public static let reference = "Houlsby et al. 2019, Parameter-Efficient Transfer Learning for NLP"
    public static let learningRates = LearningRates.around(5e-4, source: "bottleneck adapters (Houlsby et al.; AdapterHub's defaults)")
    public static let options = [
        MethodOption("bottleneck_size", "64", "width m of the bottleneck"),
        MethodOption("placement", "houlsby", "houlsby (after attention and MLP) or mlp (after the MLP only, Pfeiffer)"),
        MethodOption("non_linearity", "relu", "relu or swish"),
    ]

    public static func apply(to model: LlamaModel, config: MethodConfig, context: MethodContext) throws -> AppliedMethod {
        let size = try config.int("bottleneck_size", min: 1)
        let placement = try config.string("placement", allowed: ["houlsby", "mlp"])
        let swish = try config.string("non_linearity", allowed: ["relu", "swish"]) == "swish"
        let slots: [LinearSlot] = placement == "houlsby" ? [.o_proj, .down_proj] : [.down_proj]
        let (trainable, modules) = try wrapProjections(model, slots: slots, method: name) { dense, path, _ in
            let w = AdapterLinear(base: dense, path: path, size: size, swish: swish, seed: context.seed)
            return (w, w.adapterParameters)
        }
        return AppliedMethod(name: name, config: config.values, trainable: trainable, targetedModules: modules)
    }
}

final class AdapterLinear: LinearLayer {
    let base: DenseLinear
    let size: Int
    let swish: Bool
    let down: Parameter, downBias: Parameter, up: Parameter, upBias: Parameter
    private var y0 = GrowableBuffer(), pre = GrowableBuffer(), act = GrowableBuffer()
    private var dAct = GrowableBuffer(), dy0 = GrowableBuffer()

    var inFeatures: Int { base.inFeatures }
    var outFeatures: Int { base.outFeatures }
    var adapterParameters: [Parameter] { [down, downBias, up, upBias] }
    var isAffine: Bool { false }
    var parameters: [Parameter] { base.parameters + adapterParameters }

    init(base: DenseLinear, path: String, size: Int, swish: Bool, seed: UInt64) {
        self.base = base
        self.size = size
        self.swish = swish
        let c = base.outFeatures
        down = Parameter(name: "\(path).adapter.down.weight", shape: [size, c])
        downBias = Parameter(name: "\(path).adapter.down.bias", shape: [size])
        up = Parameter(name: "\(path).adapter.up.weight", shape: [c, size])
        upBias = Parameter(name: "\(path).adapter.up.bias", shape: [c])
        // nn.Linear's default initialisation for the down-projection; the up-projection starts at zero.
        var rng = RandomGenerator.derived(seed: seed, stream: down.name)
        rng.fillUniform(down.value.pointer, count: down.count, bound: kaimingUniformBound(fanIn: c))
        rng.fillUniform(downBias.value.pointer, count: size, bound: kaimingUniformBound(fanIn: c))
    }

    func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int, training: Bool) {
        let c = outFeatures
        base.forward(x: x, y: y, rows: rows, training: training)
        let y0p = y0.reserve(rows * c), prep = pre.reserve(rows * size), actp = act.reserve(rows * size)
        y0p.update(from: y, count: rows * c)
        GEMM.linearForward(x: y0p, weight: down.value.pointer, y: prep, rows: rows, inFeatures: c, outFeatures: size)
        for r in 0..<rows {
            for k in 0..<size {
                let v = prep[r * size + k] + downBias.value[k]
                prep[r * size + k] = v
                actp[r * size + k] = swish ? v / (1 + Foundation.exp(-v)) : max(0, v)
            }
        }
        GEMM.linearForward(x: actp, weight: up.value.pointer, y: y, rows: rows, inFeatures: size, outFeatures: c, accumulate: true)
        for r in 0..<rows { VectorOps.add(upBias.value.pointer, into: y + r * c, c) }
    }

    func backward(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                  accumulateInput: Bool, rows: Int) {
        let c = outFeatures
        let dActp = dAct.reserve(rows * size), dy0p = dy0.reserve(rows * c)
        if let g = up.grad { GEMM.linearBackwardWeight(dy: dy, x: act.pointer, dweight: g.pointer, rows: rows, inFeatures: size, outFeatures: c) }
        if let g = upBias.grad { for r in 0..<rows { VectorOps.add(dy + r * c, into: g.pointer, c) } }
        GEMM.linearBackwardInput(dy: dy, weight: up.value.pointer, dx: dActp, rows: rows, inFeatures: size, outFeatures: c, accumulate: false)
        let prep = pre.pointer
        for i in 0..<(rows * size) {
            let v = prep[i]
            if swish {
                let s = 1 / (1 + Foundation.exp(-v))
                dActp[i] *= s * (1 + v * (1 - s))
            } else if v <= 0 {
                dActp[i] = 0
            }
        }
        if let g = down.grad { GEMM.linearBackwardWeight(dy: dActp, x: y0.pointer, dweight: g.pointer, rows: rows, inFeatures: c, outFeatures: size) }
        if let g = downBias.grad { for r in 0..<rows { VectorOps.add(dActp + r * size, into: g.pointer, size) } }
        // The base output feeds both the residual path and the adapter.
        dy0p.update(from: dy, count: rows * c)
        GEMM.linearBackwardInput(dy: dActp, weight: down.value.pointer, dx: dy0p, rows: rows, inFeatures: c, outFeatures: size, accumulate: true)
        base.backward(dy: dy0p, x: x, dx: dx, accumulateInput: accumulateInput, rows: rows)
    }
}
