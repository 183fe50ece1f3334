import Foundation

// Numerically stable softmax over one row, and its backward.

public enum Softmax {
    /// In place over x[0..<n]; returns log(Σ exp(x − max)) + max, the log-partition.
    @discardableResult
    @inline(__always)
    public static func forward(_ x: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
        let m = VectorOps.max(x, n)
        guard m > -.infinity else {
            x.update(repeating: 0, count: n)
            return -.infinity
        }
        var sums = SIMD8<Float>()
        let shift = SIMD8<Float>(repeating: m)
        var i = 0
        while i + 8 <= n {
            let e = exp8(load8(x + i) - shift)
            store8(e, x + i)
            sums += e
            i += 8
        }
        var total = sums.sum()
        while i < n {
            let e = exp1(x[i] - m)
            x[i] = e
            total += e
            i += 1
        }
        let inv = 1 / total
        for i in 0..<n { x[i] *= inv }
        return Foundation.log(total) + m
    }

    /// log Σ exp(x) without changing x, accumulated in Double across lanes so a 50k-entry vocabulary keeps its
    /// precision.
    @inline(__always)
    public static func logPartition(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        let m = VectorOps.max(x, n)
        guard m > -.infinity else { return -.infinity }
        let shift = SIMD8<Float>(repeating: m)
        var total = 0.0
        var i = 0
        while i + 8 <= n {
            total += Double(exp8(load8(x + i) - shift).sum())
            i += 8
        }
        while i < n { total += Double(exp1(x[i] - m)); i += 1 }
        return Float(Foundation.log(total)) + m
    }

    /// dx = p ∘ (dp − Σ p∘dp), in place over dp.
    @inline(__always)
    public static func backward(_ dp: UnsafeMutablePointer<Float>, probs: UnsafePointer<Float>, _ n: Int) {
        let s = VectorOps.dot(probs, dp, n)
        for i in 0..<n { dp[i] = probs[i] * (dp[i] - s) }
    }
}
