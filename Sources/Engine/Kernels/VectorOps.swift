/// Reductions written with explicit SIMD lanes: the compiler does not reassociate floating-point sums, so a plain
/// loop would stay scalar.
public enum VectorOps {
    @inline(__always)
    public static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD8<Float>()
        var i = 0
        while i + 8 <= n {
            acc += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var s = acc.sum()
        while i < n { s += x[i]; i += 1 }
        return s
    }

    @inline(__always)
    public static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD8<Float>()
        var i = 0
        while i + 8 <= n {
            let a = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            let b = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
            acc.addProduct(a, b)
            i += 8
        }
        var s = acc.sum()
        while i < n { s += x[i] * y[i]; i += 1 }
        return s
    }

    /// The largest value (NaNs are skipped, as the scalar comparison skips them).
    @inline(__always)
    public static func max(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var lanes = SIMD8<Float>(repeating: -.infinity)
        var i = 0
        while i + 8 <= n {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            lanes = lanes.replacing(with: v, where: v .> lanes)  // vmaxps
            i += 8
        }
        var m = -Float.infinity
        for k in 0..<8 where lanes[k] > m { m = lanes[k] }
        while i < n { if x[i] > m { m = x[i] }; i += 1 }
        return m
    }

    /// `y += a · x`
    @inline(__always)
    public static func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { y[i] += a * x[i] }
    }

    /// `y += x`
    @inline(__always)
    public static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { y[i] += x[i] }
    }
}
