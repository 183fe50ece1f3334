import Engine

/// A linear map `y = x·Wᵀ (+ b)` as the decoder sees it. The decoder holds every projection through this protocol,
/// so a PEFT method replaces a projection by a wrapper around it (LoRA and its relatives, (IA)³ scalings, added
/// biases, bottleneck adapters on a block's output) without touching the decoder.
///
/// Shapes: x (rows, inFeatures), y (rows, outFeatures). `backward` is called once after each training `forward`,
/// with the same `x`; layers keep whatever else they need from that forward themselves.
public protocol LinearLayer: AnyObject {
    var inFeatures: Int { get }
    var outFeatures: Int { get }
    /// Every parameter the layer owns, base weight included, with its name.
    var parameters: [Parameter] { get }
    func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int, training: Bool)
    /// Accumulates gradients of trainable parameters; writes dx (adds to it when `accumulateInput`), if given.
    func backward(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                  accumulateInput: Bool, rows: Int)
    /// Weights the layer holds outside `parameters` (a base kept quantized), counted as model parameters.
    var storedElements: Int { get }
    /// Whether the layer is an affine map of its input at inference, so that a plain weight and bias can stand for
    /// it (false for a bottleneck adapter, whose non-linearity no plain projection carries).
    var isAffine: Bool { get }
}

extension LinearLayer {
    public var storedElements: Int { 0 }
    public var isAffine: Bool { true }
}

/// The plain projection of a pretrained model: weight `(out, in)`, optionally a bias.
public final class DenseLinear: LinearLayer {
    public let weight: Parameter
    public let bias: Parameter?
    public let inFeatures: Int
    public let outFeatures: Int
    /// How many weight-gradient products this layer ran: frozen weights must never add to it.
    public private(set) var weightGradientProducts = 0

    public init(name: String, inFeatures: Int, outFeatures: Int, bias: Bool = false, trainable: Bool = true) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = Parameter(name: "\(name).weight", shape: [outFeatures, inFeatures], trainable: trainable)
        self.bias = bias ? Parameter(name: "\(name).bias", shape: [outFeatures], trainable: trainable) : nil
    }

    public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

    /// The weight as the checkpoint stored it in blocks, for one-token decoding; used only while the weight is
    /// frozen and unchanged since the blocks were attached.
    public private(set) var frozenBlocks: QuantizedRows?
    private var blocksVersion = 0

    public func attachFrozenBlocks(_ blocks: QuantizedRows) {
        precondition(blocks.rows == outFeatures && blocks.cols == inFeatures, "blocks do not match \(weight.name)")
        frozenBlocks = blocks
        blocksVersion = weight.version
    }

    public func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int, training: Bool) {
        if rows == 1, !weight.trainable, let blocks = frozenBlocks, blocksVersion == weight.version {
            blocks.multiply(x: x, y: y)
            if let b = bias { VectorOps.add(b.value.pointer, into: y, outFeatures) }
            return
        }
        GEMM.linearForward(x: x, weight: weight.value.pointer, y: y, rows: rows,
                           inFeatures: inFeatures, outFeatures: outFeatures)
        if let b = bias {
            for r in 0..<rows { VectorOps.add(b.value.pointer, into: y + r * outFeatures, outFeatures) }
        }
    }

    public func backward(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?,
                         accumulateInput: Bool, rows: Int) {
        if let dw = weight.grad {
            weightGradientProducts += 1
            GEMM.linearBackwardWeight(dy: dy, x: x, dweight: dw.pointer, rows: rows,
                                      inFeatures: inFeatures, outFeatures: outFeatures)
        }
        if let db = bias?.grad {
            for r in 0..<rows { VectorOps.add(dy + r * outFeatures, into: db.pointer, outFeatures) }
        }
        if let dx {
            GEMM.linearBackwardInput(dy: dy, weight: weight.value.pointer, dx: dx, rows: rows,
                                     inFeatures: inFeatures, outFeatures: outFeatures, accumulate: accumulateInput)
        }
    }
}
