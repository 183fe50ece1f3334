import Engine
import Foundation

/// One system's scores over several seeds: for each seed, the per-segment statistics of one metric on the same
/// segments (the same evaluation examples in the same order). The score of the system is the mean over seeds of the
/// corpus score of each seed.
public struct SeedRuns: Sendable {
    public let seeds: [UInt64]
    public let statistics: [SegmentStatistics]

    public init(seeds: [UInt64], statistics: [SegmentStatistics]) {
        precondition(seeds.count == statistics.count && !seeds.isEmpty, "one statistics table per seed")
        precondition(statistics.allSatisfy { $0.count == statistics[0].count && $0.width == statistics[0].width },
                     "every seed scores the same segments")
        self.seeds = seeds
        self.statistics = statistics
    }

    public var segments: Int { statistics[0].count }
    public var width: Int { statistics[0].width }

    public func score(_ corpus: CorpusScore) -> Double {
        statistics.map { $0.corpus(corpus) }.reduce(0, +) / Double(statistics.count)
    }

    /// The runs of the seeds both have, in the same order.
    public func restricted(to seeds: [UInt64]) -> SeedRuns {
        SeedRuns(seeds: seeds, statistics: seeds.map { s in statistics[self.seeds.firstIndex(of: s)!] })
    }
}

/// Uncertainty over seeds and evaluation examples together, for means over seeds of corpus scores.
public enum SeedsAndSegments {
    /// The 95% percentile interval of the mean-over-seeds score when both the seeds and the segments are resampled
    /// with replacement (a two-level bootstrap: resample k draws seeds, then one set of segments that every drawn seed
    /// is scored on, since the seeds share the examples). Seeded per resample, as `Bootstrap` is.
    public static func interval(_ runs: SeedRuns, samples: Int = Bootstrap.defaultSamples, seed: UInt64 = Bootstrap.defaultSeed,
                                score: CorpusScore) -> Bootstrap.Interval {
        guard runs.segments > 0 else { return Bootstrap.Interval(mean: 0, lower: 0, upper: 0) }
        return Bootstrap.percentileInterval(resampledScores([runs], samples: samples, seed: seed, score: score)[0])
    }

    /// The same interval for the difference system − baseline, paired: each resample draws the same seeds and the same
    /// segments for both, so what they share cancels (the interval a paired test's delta is read with).
    public static func differenceInterval(system: SeedRuns, baseline: SeedRuns, samples: Int = Bootstrap.defaultSamples,
                                          seed: UInt64 = Bootstrap.defaultSeed, score: CorpusScore) -> Bootstrap.Interval {
        precondition(system.seeds == baseline.seeds && system.segments == baseline.segments, "paired systems need the same seeds and segments")
        guard system.segments > 0 else { return Bootstrap.Interval(mean: 0, lower: 0, upper: 0) }
        let scores = resampledScores([system, baseline], samples: samples, seed: seed, score: score)
        return Bootstrap.percentileInterval(zip(scores[0], scores[1]).map { $0 - $1 })
    }

    /// Per system, the mean-over-seeds score of each resample; every system is scored on the same draws.
    static func resampledScores(_ systems: [SeedRuns], samples: Int, seed: UInt64, score: CorpusScore) -> [[Double]] {
        let n = systems[0].segments, s = systems[0].seeds.count
        var scores = [[Double]](repeating: [Double](repeating: 0, count: samples), count: systems.count)
        var drawn = [Int](repeating: 0, count: n)
        var sums = [Double](repeating: 0, count: systems.map(\.width).max()!)
        for k in 0..<samples {
            var rng = Bootstrap.generator(resample: k, seed: seed)
            let seedDraws = (0..<s).map { _ in Bootstrap.draw(&rng, s) }
            for i in 0..<n { drawn[i] = Bootstrap.draw(&rng, n) }
            for (m, runs) in systems.enumerated() {
                let width = runs.width
                var total = 0.0
                for d in seedDraws {
                    runs.statistics[d].values.withUnsafeBufferPointer { rows in
                        sums.withUnsafeMutableBufferPointer { acc in
                            for j in 0..<width { acc[j] = 0 }
                            for i in drawn { for j in 0..<width { acc[j] += rows[i * width + j] } }
                            total += score(UnsafeBufferPointer(rebasing: acc[0..<width]))
                        }
                    }
                }
                scores[m][k] = total / Double(s)
            }
        }
        return scores
    }
}
