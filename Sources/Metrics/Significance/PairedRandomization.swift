import Engine
import Foundation

/// Whether two systems differ beyond chance, on the same segments and seeds: approximate randomisation (Noreen, 1989;
/// Riezler & Maxwell, 2005), paired by segment and seed. Under the null hypothesis the two systems' outputs are
/// exchangeable, so each (seed, segment) pair's statistics rows are swapped between the systems with probability ½
/// and the difference of the mean-over-seeds corpus scores recomputed; the p-value is the share of shuffles whose
/// |difference| reaches the observed one, (c + 1) / (R + 1). When every assignment can be enumerated (2^(seeds ×
/// segments) ≤ R) it is enumerated instead and the p-value is exact. Works for any corpus score that is a function
/// of summed statistics (BLEU, METEOR, NIST) as well as for means of segment scores (a sign-flip test then).
public enum PairedRandomization {
    public static let defaultTrials = 10_000

    public struct Result: Sendable, Equatable, Codable {
        /// Mean-over-seeds score of the system minus the baseline's.
        public var delta: Double
        public var pValue: Double
        /// Shuffles drawn, or every assignment when `exact`.
        public var trials: Int
        public var exact: Bool
    }

    public static func test(system: SeedRuns, baseline: SeedRuns, trials: Int = defaultTrials, seed: UInt64 = Bootstrap.defaultSeed,
                            score: CorpusScore) -> Result {
        precondition(system.seeds == baseline.seeds && system.segments == baseline.segments && system.width == baseline.width,
                     "paired systems need the same seeds and segments")
        let s = system.seeds.count, n = system.segments, width = system.width
        let units = s * n
        let observed = system.score(score) - baseline.score(score)
        // Per seed: the baseline's column sums, and each segment's row difference (system − baseline); swapping a
        // pair moves the difference from one side to the other.
        let baseSums = baseline.statistics.map(\.sums), sysSums = system.statistics.map(\.sums)
        var diffs = [[Double]](repeating: [], count: s)
        for k in 0..<s {
            diffs[k] = zip(system.statistics[k].values, baseline.statistics[k].values).map { $0 - $1 }
        }
        var a = [Double](repeating: 0, count: width), b = [Double](repeating: 0, count: width)
        /// |Δ| for one assignment: `swapped(k, i)` says whether seed k's segment i is exchanged.
        func shuffledDelta(_ swapped: (Int, Int) -> Bool) -> Double {
            var total = 0.0
            for k in 0..<s {
                for j in 0..<width { a[j] = sysSums[k][j]; b[j] = baseSums[k][j] }
                for i in 0..<n where swapped(k, i) {
                    for j in 0..<width {
                        let d = diffs[k][i * width + j]
                        a[j] -= d
                        b[j] += d
                    }
                }
                total += a.withUnsafeBufferPointer { score($0) } - b.withUnsafeBufferPointer { score($0) }
            }
            return abs(total / Double(s))
        }
        // Scores are sums of floating-point terms: a shuffle equal to the observed difference up to rounding counts.
        let threshold = abs(observed) - 1e-9 * max(1, abs(observed))
        if units < 63, (1 << units) <= trials {
            let total = 1 << units
            var reach = 0
            for mask in 0..<total where shuffledDelta({ k, i in mask & (1 << (k * n + i)) != 0 }) >= threshold { reach += 1 }
            return Result(delta: observed, pValue: Double(reach) / Double(total), trials: total, exact: true)
        }
        var reach = 0
        var flips = [Bool](repeating: false, count: units)
        for t in 0..<trials {
            var rng = Bootstrap.generator(resample: t, seed: seed)
            for u in 0..<units { flips[u] = rng.next() >> 63 == 1 }
            if shuffledDelta({ k, i in flips[k * n + i] }) >= threshold { reach += 1 }
        }
        return Result(delta: observed, pValue: Double(reach + 1) / Double(trials + 1), trials: trials, exact: false)
    }
}
