/// e^x for eight lanes at once, within 1 ulp of the correctly rounded value for x in [−87.3, 88.3]; −∞ and anything
/// below −87.33 give exactly 0 (masked attention scores must weigh nothing), values above 88.37 saturate.
///
/// Cody–Waite reduction x = n·ln2 + r with |r| ≤ ln2/2, a degree-6 polynomial for e^r (Cephes' expf
/// coefficients), and 2^n assembled in the exponent bits. Every step is written so it compiles to plain AVX2:
/// clamps and selects as `replacing(with:where:)` on a comparison (vmaxps, vminps, vandps) and explicit fused
/// multiply-adds. Swift's `pointwiseMin`/`pointwiseMax` compile to calls, and per-lane `min`/`max` to scalar branches.
@inline(__always)
public func exp8(_ input: SIMD8<Float>) -> SIMD8<Float> {
    let low = SIMD8<Float>(repeating: -87.33), high = SIMD8<Float>(repeating: 88.37)
    var x = input.replacing(with: low, where: input .< low)
    x = x.replacing(with: high, where: x .> high)
    let magic = SIMD8<Float>(repeating: 12_582_912)  // 1.5·2²³: adding it rounds to an integer kept in the low bits
    let t = magic.addingProduct(x, SIMD8(repeating: 1.442_695_04))
    let n = t - magic
    let r = x.addingProduct(n, SIMD8(repeating: -0.693_359_375)).addingProduct(n, SIMD8(repeating: 2.121_944_4e-4))
    var p = SIMD8<Float>(repeating: 1.398_199_950_7e-3).addingProduct(SIMD8(repeating: 1.987_569_150_0e-4), r)
    p = SIMD8<Float>(repeating: 8.333_451_907_3e-3).addingProduct(p, r)
    p = SIMD8<Float>(repeating: 4.166_579_589_4e-2).addingProduct(p, r)
    p = SIMD8<Float>(repeating: 1.666_666_545_9e-1).addingProduct(p, r)
    p = SIMD8<Float>(repeating: 5.000_000_120_1e-1).addingProduct(p, r)
    let y = (r + 1).addingProduct(p, r * r)
    let twoToN = unsafeBitCast((unsafeBitCast(t, to: SIMD8<UInt32>.self) &- 0x4B40_0000 &+ 127) &<< 23, to: SIMD8<Float>.self)
    return (y * twoToN).replacing(with: 0, where: input .< low)
}

@inline(__always)
func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }

@inline(__always)
func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self) }

/// e^x for one value, through the same polynomial (loop tails use it, so a row's results do not depend on where
/// its length falls relative to 8).
@inline(__always)
public func exp1(_ x: Float) -> Float { exp8(SIMD8(repeating: x))[0] }
