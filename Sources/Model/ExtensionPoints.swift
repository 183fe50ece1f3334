import Engine

/// Learned virtual-token embeddings prepended to every sequence (prompt tuning, P-tuning). The decoder writes them
/// in front of the token embeddings and hands back their gradient summed over the batch.
public protocol VirtualTokenSource: AnyObject {
    /// Virtual tokens per sequence (N).
    var count: Int { get }
    var parameters: [Parameter] { get }
    /// Writes the (N, C) virtual embeddings; called once per forward.
    func forward(out: UnsafeMutablePointer<Float>, training: Bool)
    /// dL/d(virtual embeddings), (N, C), summed over the batch.
    func backward(dout: UnsafePointer<Float>)
}

/// Learned per-layer key and value prefixes that every position attends to (prefix tuning). Keys are used as they
/// are, without rotary embedding, as cached keys are; real tokens then take positions P, P+1, … as they would after
/// P cached tokens.
public protocol KeyValuePrefixSource: AnyObject {
    /// Prefix positions (P).
    var count: Int { get }
    var parameters: [Parameter] { get }
    /// Computes every layer's prefixes (through a reparameterisation, if any) before a forward; clears their
    /// gradient accumulators when `training`.
    func prepare(training: Bool)
    /// (P, kvHeads·headDim) keys and values of one layer.
    func keys(layer: Int) -> UnsafePointer<Float>
    func values(layer: Int) -> UnsafePointer<Float>
    /// Accumulators for the gradients of one layer's keys and values, same shapes.
    func keyGradient(layer: Int) -> UnsafeMutablePointer<Float>
    func valueGradient(layer: Int) -> UnsafeMutablePointer<Float>
    /// Called after the decoder's backward: turn the accumulated prefix gradients into parameter gradients.
    func finishBackward()
}

/// What a method adds to the training loop beyond the forward and backward: a regulariser whose value joins the
/// loss (and whose gradient it accumulates itself), and work after each optimizer update (AdaLoRA's rank
/// allocation). The step number given is the count of updates done so far.
public struct TrainingHooks {
    public var regularizer: (() -> Double)?
    public var afterUpdate: ((Int) -> Void)?
    public init(regularizer: (() -> Double)? = nil, afterUpdate: ((Int) -> Void)? = nil) {
        self.regularizer = regularizer
        self.afterUpdate = afterUpdate
    }
}
