import Engine
import Model

/// QLoRA (Dettmers et al., 2023, arXiv:2305.14314): the frozen projections stored as double-quantized NF4 and
/// dequantized on the fly, forward and backward; LoRA on top.
public enum QLoRA: PEFTMethod {
    public static let name = "qlora"
    public static let reference = "Dettmers et al. 2023, QLoRA: Efficient Finetuning of Quantized LLMs"
    public static let learningRates = LearningRates.around(2e-4, source: "QLoRA's rate for models under 13B parameters")
    public static let options = loraOptions

    public static func apply(to model: LlamaModel, config: MethodConfig, context: MethodContext) throws -> AppliedMethod {
        let scratch = WeightScratch()
        return try installLoRA(on: model, config: config, context: context, trainA: true, dora: false) {
            NF4Linear($0, scratch: scratch)
        }
    }
}

/// A frozen projection kept as NF4; its Float32 weight is released.
final class NF4Linear: LinearLayer {
    let inFeatures: Int
    let outFeatures: Int
    let weight: NF4Matrix
    let scratch: WeightScratch

    init(_ dense: DenseLinear, scratch: WeightScratch) {
        inFeatures = dense.inFeatures
        outFeatures = dense.outFeatures
        weight = NF4Matrix(dense.weight.value.pointer, rows: dense.outFeatures, cols: dense.inFeatures)
        self.scratch = scratch
    }

    var parameters: [Parameter] { [] }
    var storedElements: Int { inFeatures * outFeatures }

    private func dequantized() -> UnsafePointer<Float> {
        let w = scratch.buffer.reserve(inFeatures * outFeatures)
        weight.dequantize(into: w)
        return UnsafePointer(w)
    }

    func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int, training: Bool) {
        GEMM.linearForward(x: x, weight: dequantized(), y: y, rows: rows, inFeatures: inFeatures, outFeatures: outFeatures)
    }

    func backward(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                  accumulateInput: Bool, rows: Int) {
        guard let dx else { return }
        GEMM.linearBackwardInput(dy: dy, weight: dequantized(), dx: dx, rows: rows, inFeatures: inFeatures,
                                 outFeatures: outFeatures, accumulate: accumulateInput)
    }
}
