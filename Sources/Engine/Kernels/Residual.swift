// Residual connections: out = a + b. Backward passes the gradient unchanged to both branches, so it needs no
// kernel of its own beyond accumulation.

public enum Residual {
    /// `out` may be `a` or `b`: the decoder adds a branch into the trunk in place.
    public static func forward(
        out: UnsafeMutablePointer<Float>, a: UnsafePointer<Float>, b: UnsafePointer<Float>, count: Int
    ) {
        Parallel.forChunks(count) { range in
            for i in range { out[i] = a[i] + b[i] }
        }
    }

    /// Adds the residual branch's gradient into the trunk's.
    public static func backward(dtrunk: UnsafeMutablePointer<Float>, dbranch: UnsafePointer<Float>, count: Int) {
        VectorOps.add(dbranch, into: dtrunk, count)
    }
}
