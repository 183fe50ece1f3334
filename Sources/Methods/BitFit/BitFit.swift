import Engine
import Model

/// BitFit (Ben Zaken et al., 2022, arXiv:2106.10199): only biases train. LLaMA's linears have none, so a
/// zero-initialised bias is added to every targeted projection.
public enum BitFit: PEFTMethod {
    public static let name = "bitfit"
    public static let reference = "Ben Zaken et al. 2022, BitFit: Simple Parameter-efficient Fine-tuning for Transformer-based Masked Language-models"
    public static let learningRates = LearningRates.around(1e-3, source: "BitFit")
    public static let options = [MethodOption("target_modules", "all-linear", "projections that get a trained bias")]

    public static func apply(to model: LlamaModel, config: MethodConfig, context: MethodContext) throws -> AppliedMethod {
        let slots = try config.slots("target_modules")
        let (trainable, modules) = try wrapProjections(model, slots: slots, method: name) { dense, path, _ in
            // A checkpoint exported with a bias-tuned update folded in has biases already; a second one would only
            // shadow them under the same name.
            guard dense.bias == nil else { throw MethodError("bitfit: \(path) already has a bias (a checkpoint with biases folded in)") }
            let w = BiasLinear(base: dense, path: path)
            return (w, [w.bias])
        }
        return AppliedMethod(name: name, config: config.values, trainable: trainable, targetedModules: modules)
    }
}

/// y = base(x) + b.
final class BiasLinear: LinearLayer {
    let base: DenseLinear
    let bias: Parameter
    var inFeatures: Int { base.inFeatures }
    var outFeatures: Int { base.outFeatures }
    var parameters: [Parameter] { base.parameters + [bias] }

    init(base: DenseLinear, path: String) {
        self.base = base
        bias = Parameter(name: "\(path).bias", shape: [base.outFeatures], decays: false)
    }

    func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int, training: Bool) {
        base.forward(x: x, y: y, rows: rows, training: training)
        for r in 0..<rows { VectorOps.add(bias.value.pointer, into: y + r * outFeatures, outFeatures) }
    }

    func backward(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                  accumulateInput: Bool, rows: Int) {
        if let db = bias.grad?.pointer { for r in 0..<rows { VectorOps.add(dy + r * outFeatures, into: db, outFeatures) } }
        base.backward(dy: dy, x: x, dx: dx, accumulateInput: accumulateInput, rows: rows)
    }
}
