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

    public convenience init(config: LlamaConfig, batch: Int, capacity: Int, leftPadding: [Int32]) {
        self.init(layers: config.numHiddenLayers, kvDim: config.kvDim, batch: batch, capacity: capacity, leftPadding: leftPadding)
    }

    init(layers: Int, kvDim: Int, batch: Int, capacity: Int, leftPadding: [Int32]) {
        precondition(leftPadding.count == batch, "one padding count per sequence")
        self.batch = batch
        self.capacity = capacity
        self.kvDim = kvDim
        self.leftPadding = leftPadding
        keys = (0..<layers).map { _ in FloatBuffer(count: batch * capacity * kvDim, zeroed: false) }
        values = (0..<layers).map { _ in FloatBuffer(count: batch * capacity * kvDim, zeroed: false) }
    }

    /// A cache holding only the given rows (in that order), with everything they hold so far.
    func keeping(rows: [Int]) -> KVCache {
        let kept = KVCache(layers: keys.count, kvDim: kvDim, batch: rows.count, capacity: capacity,
                           leftPadding: rows.map { leftPadding[$0] })
        kept.length = length
        let span = length * kvDim
        for l in 0..<keys.count {
            for (to, from) in rows.enumerated() {
                (kept.keys[l].pointer + to * capacity * kvDim).update(from: keys[l].pointer + from * capacity * kvDim, count: span)
                (kept.values[l].pointer + to * capacity * kvDim).update(from: values[l].pointer + from * capacity * kvDim, count: span)
            }
        }
        return kept
    }
}
