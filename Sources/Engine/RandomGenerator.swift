import Foundation

/// A small, seedable, platform-independent generator (SplitMix64 seeding xoshiro256**). Swift's system generator is
/// not seedable, and every initialisation, shuffle and dropout mask in a run must follow from the seed alone.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    private var spareNormal: Double?

    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Standard normal (Box–Muller, both values used).
    public mutating func nextNormal() -> Double {
        if let spare = spareNormal { spareNormal = nil; return spare }
        var u1 = nextUniform()
        while u1 <= .leastNonzeroMagnitude { u1 = nextUniform() }
        let u2 = nextUniform()
        let radius = (-2 * Foundation.log(u1)).squareRoot()
        spareNormal = radius * Foundation.sin(2 * .pi * u2)
        return radius * Foundation.cos(2 * .pi * u2)
    }

    /// A generator for a named sub-stream, so adding one random draw somewhere does not shift all the others.
    public static func derived(seed: UInt64, stream: String) -> RandomGenerator {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a
        for byte in stream.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return RandomGenerator(seed: seed ^ h)
    }

    public mutating func fillNormal(_ p: UnsafeMutablePointer<Float>, count: Int, std: Float) {
        for i in 0..<count { p[i] = Float(nextNormal()) * std }
    }

    public mutating func fillUniform(_ p: UnsafeMutablePointer<Float>, count: Int, bound: Float) {
        for i in 0..<count { p[i] = Float(nextUniform() * 2 - 1) * bound }
    }
}
