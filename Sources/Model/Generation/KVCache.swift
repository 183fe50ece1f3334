import Engine

/// Keys (after rotary embedding) and values of every layer for a batch of sequences that advance together.
/// Shapes: keys[l], values[l]  (B, capacity, KVH·D).
public final class KVCache {
    public let batch: Int
    public let capacity: Int
    public let kvDim: Int
    /// Positions filled so far (the same for every sequence: left padding aligns them).
    public internal(set) var length = 0
    /// Left-padding count of each sequence, masked out of attention.
    public let leftPadding: [Int32]
    let keys: [FloatBuffer]
    let values: [FloatBuffer]

    public init(config: LlamaConfig, batch: Int, capacity: Int, leftPadding: [Int32]) {
        precondition(leftPadding.count == batch, "one padding count per sequence")
        self.batch = batch
        self.capacity = capacity
        kvDim = config.kvDim
        self.leftPadding = leftPadding
        keys = (0..<config.numHiddenLayers).map { _ in FloatBuffer(count: batch * capacity * config.kvDim, zeroed: false) }
        values = (0..<config.numHiddenLayers).map { _ in FloatBuffer(count: batch * capacity * config.kvDim, zeroed: false) }
    }
}
