// Token embedding lookup. Shapes: ids (N), table (V, C), out (N, C).
// Rows whose id is negative are left untouched: they hold virtual tokens written by a prompt-tuning method.

public enum Embedding {
    public static func forward(
        out: UnsafeMutablePointer<Float>, ids: UnsafePointer<Int32>, table: UnsafePointer<Float>,
        rows: Int, channels: Int
    ) {
        for n in 0..<rows where ids[n] >= 0 {
            (out + n * channels).update(from: table + Int(ids[n]) * channels, count: channels)
        }
    }

    /// `dtable[id] += dout[n]`; only called when the table trains.
    public static func backward(
        dtable: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, ids: UnsafePointer<Int32>,
        rows: Int, channels: Int
    ) {
        for n in 0..<rows where ids[n] >= 0 {
            VectorOps.add(dout + n * channels, into: dtable + Int(ids[n]) * channels, channels)
        }
    }
}
