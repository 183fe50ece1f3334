import Engine
import Model

/// (IA)³ (Liu et al., 2022, arXiv:2205.05638): learned vectors, initialised to ones, that rescale the outputs of
/// k_proj and v_proj and the input of down_proj (PEFT's default placement for LLaMA).
public enum IA3: PEFTMethod {
    public static let name = "ia3"
    public static let reference = "Liu et al. 2022, Few-Shot Parameter-Efficient Fine-Tuning is Better and Cheaper than In-Context Learning"
    public static let learningRates = LearningRates.around(3e-3, source: "(IA)³ / T-Few")
    public static let options = [
        MethodOption("target_modules", "k_proj,v_proj,down_proj", "projections to rescale"),
        MethodOption("feedforward_modules", "down_proj", "of those, the ones rescaled on their input rather than output"),
    ]

    public static func apply(to model: LlamaModel, config: MethodConfig, context: MethodContext) throws -> AppliedMethod {
        let slots = try config.slots("target_modules")
        // Empty: every scale on the output side.
        let inputSide = config.raw("feedforward_modules").isEmpty ? [] : Set(try config.slots("feedforward_modules"))
        guard inputSide.isSubset(of: Set(slots)) else { throw MethodError("ia3: feedforward_modules must be among target_modules") }
        let (trainable, modules) = try wrapProjections(model, slots: slots, method: name) { dense, path, slot in
            let w = IA3Linear(base: dense, path: path, onInput: inputSide.contains(slot))
            return (w, [w.scale])
        }
        return AppliedMethod(name: name, config: config.values, trainable: trainable, targetedModules: modules)
    }
}

/// y = base(x) ∘ l (output side) or y = base(x ∘ l) (input side).
final class IA3Linear: LinearLayer, MergeableLayer {
    let base: DenseLinear
    let scale: Parameter
    let onInput: Bool
    private var saved = GrowableBuffer()    // output side: base(x); input side: x ∘ l
    private var dScaled = GrowableBuffer()

    var inFeatures: Int { base.inFeatures }
    var outFeatures: Int { base.outFeatures }
    var parameters: [Parameter] { base.parameters + [scale] }

    init(base: DenseLinear, path: String, onInput: Bool) {
        self.base = base
        self.onInput = onInput
        scale = Parameter(name: "\(path).ia3_l", shape: [onInput ? base.inFeatures : base.outFeatures], decays: false)
        scale.value.buffer.update(repeating: 1)
    }

    private(set) var merged = false
    var mergeable: Bool { true }

    /// Scales W's rows (output side) or columns (input side) by l.
    func merge() { rescaleWeight { $0 }; merged = true }
    func unmerge() { rescaleWeight { 1 / $0 }; merged = false }

    private func rescaleWeight(_ factor: (Float) -> Float) {
        let w = base.weight.value.pointer, l = scale.value.pointer
        for o in 0..<outFeatures {
            for i in 0..<inFeatures { w[o * inFeatures + i] *= factor(onInput ? l[i] : l[o]) }
        }
        base.weight.markModified()
    }

    func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int, training: Bool) {
        if merged { base.forward(x: x, y: y, rows: rows, training: training); return }
        let l = scale.value.pointer
        if onInput {
            let xs = saved.reserve(rows * inFeatures)
            for r in 0..<rows { for i in 0..<inFeatures { xs[r * inFeatures + i] = x[r * inFeatures + i] * l[i] } }
            base.forward(x: xs, y: y, rows: rows, training: training)
        } else {
            base.forward(x: x, y: y, rows: rows, training: training)
            let z = saved.reserve(rows * outFeatures)
            z.update(from: y, count: rows * outFeatures)
            for r in 0..<rows { for o in 0..<outFeatures { y[r * outFeatures + o] *= l[o] } }
        }
    }

    func backward(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                  accumulateInput: Bool, rows: Int) {
        precondition(!merged, "backward through a merged adapter")
        let l = scale.value.pointer, dl = scale.grad?.pointer
        if onInput {
            // y = base(x∘l): dl = Σ d(x∘l)∘x, dx = d(x∘l)∘l
            let dxs = dScaled.reserve(rows * inFeatures)
            base.backward(dy: dy, x: saved.pointer, dx: dxs, accumulateInput: false, rows: rows)
            for r in 0..<rows {
                for i in 0..<inFeatures {
                    let g = dxs[r * inFeatures + i]
                    dl?[i] += g * x[r * inFeatures + i]
                    if let dx { dx[r * inFeatures + i] = (accumulateInput ? dx[r * inFeatures + i] : 0) + g * l[i] }
                }
            }
        } else {
            let z = saved.pointer, dz = dScaled.reserve(rows * outFeatures)
            for r in 0..<rows {
                for o in 0..<outFeatures {
                    let g = dy[r * outFeatures + o]
                    dl?[o] += g * z[r * outFeatures + o]
                    dz[r * outFeatures + o] = g * l[o]
                }
            }
            base.backward(dy: dz, x: x, dx: dx, accumulateInput: accumulateInput, rows: rows)
        }
    }
}
