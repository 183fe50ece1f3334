/// A named model parameter with Hugging Face-style name (`model.layers.3.self_attn.q_proj.weight`), its shape, its
/// values and, only while it trains, a gradient buffer. Frozen parameters own no gradient, so no code path can
/// accumulate into one by mistake.
public final class Parameter: @unchecked Sendable {
    public let name: String
    public let shape: [Int]
    public let value: FloatBuffer
    public private(set) var grad: FloatBuffer?
    /// Decoupled weight decay applies to matrices, not to norm gains, biases or scaling vectors (the usual
    /// Hugging Face Trainer grouping).
    public var decays: Bool

    public var count: Int { value.count }

    /// Bumped whenever the values are changed in place (an optimizer step, a merge), so copies derived from the
    /// values (quantized blocks for decoding) can tell they are stale.
    public private(set) var version = 0
    public func markModified() { version &+= 1 }

    public init(name: String, shape: [Int], trainable: Bool = true, decays: Bool? = nil) {
        self.name = name
        self.shape = shape
        self.value = FloatBuffer(count: shape.reduce(1, *))
        self.decays = decays ?? (shape.count >= 2)
        self.trainable = trainable
        if trainable { grad = FloatBuffer(count: value.count) }
    }

    public var trainable: Bool {
        didSet {
            guard trainable != oldValue else { return }
            grad = trainable ? FloatBuffer(count: value.count) : nil
        }
    }

    public func zeroGrad() { grad?.zero() }
}

extension Array where Element == Parameter {
    public var trainableCount: Int { filter(\.trainable).reduce(0) { $0 + $1.count } }
    public var totalCount: Int { reduce(0) { $0 + $1.count } }
}
