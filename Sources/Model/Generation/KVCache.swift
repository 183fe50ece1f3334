import Engine

/// Keys (after rotary embedding) and values of every layer for a batch of sequences that advance together.
/// Shapes: keys[l], values[l]  (B, capacity, KVH·D).
public final class KVCache {
    public let batch: Int
    public let capacity: Int
    public let kvDim: Int
    /// Positions filled so far (the same for every sequence: left padding aligns them).
    public internal(set) var length = 0
    /// Left-padding count of each sequence, masked out of attention: a row's sequence occupies positions
    /// leftPadding…length−1.
    public internal(set) var leftPadding: [Int32]
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

    /// Puts row `source` of `other` (a cache just filled by a prefill) into row `row`, its last position aligned
    /// with this cache's last: the row's sequence then advances in step with the others. Positions count from a
    /// sequence's first real token, so the keys' rotary phases stay right wherever the row lands.
    func place(row: Int, from other: KVCache, source: Int) {
        precondition(other.length <= length && other.kvDim == kvDim && other.keys.count == keys.count,
                     "a placed row must fit before this cache's last position")
        let offset = length - other.length, span = other.length * kvDim
        for l in 0..<keys.count {
            (keys[l].pointer + (row * capacity + offset) * kvDim).update(from: other.keys[l].pointer + source * other.capacity * kvDim, count: span)
            (values[l].pointer + (row * capacity + offset) * kvDim).update(from: other.values[l].pointer + source * other.capacity * kvDim, count: span)
        }
        leftPadding[row] = Int32(offset) + other.leftPadding[source]
    }

    /// Moves every row's positions by `delta` (right when positive, left when negative, dropping the first −delta
    /// positions, which must be padding of every row still read), so a long prompt can be placed or the cache can
    /// take more positions.
    func shift(by delta: Int) {
        precondition(length + delta >= 0 && length + delta <= capacity, "a shift must stay inside the cache")
        guard delta != 0 else { return }
        let kept = (delta > 0 ? length : length + delta) * kvDim
        let from = delta > 0 ? 0 : -delta * kvDim, to = delta > 0 ? delta * kvDim : 0
        for buffer in keys + values {
            for r in 0..<batch {
                let row = buffer.pointer + r * capacity * kvDim
                // Overlapping ranges: memmove semantics.
                (row + to).update(from: row + from, count: kept)
            }
        }
        for r in 0..<batch { leftPadding[r] = Int32(max(0, Int(leftPadding[r]) + delta)) }
        length += delta
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
