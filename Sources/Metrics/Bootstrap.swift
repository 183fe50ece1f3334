import Engine
import Foundation

/// Bootstrap statistics for every metric of the registry, with sacrebleu's rules: 1,000 resamples of the segments
/// with replacement from a seeded generator; the 95% interval between the sorted scores at ⌊n/40⌋ and n − ⌊n/40⌋ − 1;
/// and for a paired test of two systems on the same segments the p-value (#{|Δᵢ| − mean|Δ| > |Δ|} + 1) / (n + 1)
/// (Koehn, 2004; Clark et al., 2011). A resample adds rows of the flat statistics into one accumulator and scores
/// the sums, so its cost is one pass over the drawn rows. Resample k draws from its own generator (derived from the
/// seed and k): intervals are the same on any number of threads. The draws are peftbench's own, so intervals
/// follow sacrebleu's method, not its exact random numbers.
public enum Bootstrap {
    public static let defaultSamples = 1000
    public static let defaultSeed: UInt64 = 12345

    public struct Interval: Sendable, Equatable, Codable {
        public var mean: Double
        public var lower: Double
        public var upper: Double
    }

    /// The segment indices of resample `k`: what both systems of a paired test see.
    public static func indices(resample k: Int, count: Int, seed: UInt64) -> [Int] {
        var rng = generator(resample: k, seed: seed)
        return (0..<count).map { _ in draw(&rng, count) }
    }

    public static func generator(resample k: Int, seed: UInt64) -> RandomGenerator {
        RandomGenerator(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(k) &+ 1)
    }

    @inline(__always) public static func draw(_ rng: inout RandomGenerator, _ count: Int) -> Int {
        // Lemire's multiply-shift: uniform enough for n ≪ 2⁶⁴ and free of the modulo's division.
        Int(UInt64(count).multipliedFullWidth(by: rng.next()).high)
    }

    public static func percentileInterval(_ scores: [Double]) -> Interval {
        let sorted = scores.sorted(), n = sorted.count
        let lowerIndex = n / 40
        return Interval(mean: sorted.reduce(0, +) / Double(n), lower: sorted[lowerIndex], upper: sorted[n - lowerIndex - 1])
    }

    /// Scores of every resample of each of `systems` (all on the same segments), resample k drawing the same rows
    /// for every system. Resamples are spread over the cores.
    static func resampledScores(_ systems: [SegmentStatistics], samples: Int, seed: UInt64, score: CorpusScore) -> [[Double]] {
        let n = systems[0].count, width = systems[0].width
        var out = [[Double]](repeating: [Double](repeating: 0, count: samples), count: systems.count)
        let parts = max(1, min(SegmentParallel.threads, samples / 50))
        for s in 0..<systems.count {
            out[s].withUnsafeMutableBufferPointer { slots in
                nonisolated(unsafe) let slots = slots
                systems[s].values.withUnsafeBufferPointer { rows in
                    nonisolated(unsafe) let rows = rows
                    DispatchQueue.concurrentPerform(iterations: parts) { part in
                        var sums = [Double](repeating: 0, count: width)
                        sums.withUnsafeMutableBufferPointer { acc in
                            for k in (samples * part / parts)..<(samples * (part + 1) / parts) {
                                for j in 0..<width { acc[j] = 0 }
                                var rng = generator(resample: k, seed: seed)
                                for _ in 0..<n {
                                    let base = draw(&rng, n) * width
                                    for j in 0..<width { acc[j] += rows[base + j] }
                                }
                                slots[k] = score(UnsafeBufferPointer(acc))
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The 95% interval of a corpus score over resampled segments.
    public static func interval(_ statistics: SegmentStatistics, samples: Int = defaultSamples, seed: UInt64 = defaultSeed,
                                score: CorpusScore) -> Interval {
        guard statistics.count > 0 else { return Interval(mean: 0, lower: 0, upper: 0) }
        return percentileInterval(resampledScores([statistics], samples: samples, seed: seed, score: score)[0])
    }

    public struct PairedResult: Sendable, Equatable, Codable {
        public var baseline: Double
        public var system: Double
        public var pValue: Double
        public var systemInterval: Interval
    }

    /// Whether `system` differs from `baseline` on the same segments beyond resampling noise.
    public static func paired(baseline: SegmentStatistics, system: SegmentStatistics, samples: Int = defaultSamples,
                              seed: UInt64 = defaultSeed, score: CorpusScore) -> PairedResult {
        precondition(baseline.count == system.count && baseline.count > 0 && baseline.width == system.width,
                     "paired systems need the same non-empty segments")
        let realB = baseline.corpus(score), realS = system.corpus(score)
        let both = resampledScores([baseline, system], samples: samples, seed: seed, score: score)
        let diffs = zip(both[1], both[0]).map { abs($0 - $1) }
        let meanDiff = diffs.reduce(0, +) / Double(diffs.count)
        let exceed = diffs.filter { $0 - meanDiff > abs(realS - realB) }.count
        return PairedResult(baseline: realB, system: realS, pValue: Double(exceed + 1) / Double(samples + 1),
                            systemInterval: percentileInterval(both[1]))
    }
}
