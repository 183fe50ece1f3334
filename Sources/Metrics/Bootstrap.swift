import Engine

/// Bootstrap statistics for any corpus metric computed from per-segment statistics, with sacrebleu's rules: 1,000
/// resamples of the segments with replacement from a seeded generator; the 95% interval between the sorted scores at
/// ⌊n/40⌋ and n − ⌊n/40⌋ − 1; and for a paired test of two systems on the same segments the p-value
/// (#{|Δᵢ| − mean|Δ| > |Δ|} + 1) / (n + 1) (Koehn, 2004; Clark et al., 2011). The resample indices come from
/// peftbench's own generator, so intervals follow sacrebleu's method, not its exact random draws.
public enum Bootstrap {
    public struct Interval: Sendable, Equatable, Codable {
        public var mean: Double
        public var lower: Double
        public var upper: Double
    }

    static func resamples(count: Int, samples: Int, seed: UInt64) -> [[Int]] {
        var rng = RandomGenerator.derived(seed: seed, stream: "bootstrap")
        return (0..<samples).map { _ in (0..<count).map { _ in Int(rng.next() % UInt64(count)) } }
    }

    static func interval(_ scores: [Double]) -> Interval {
        let sorted = scores.sorted(), n = sorted.count
        let lowerIndex = n / 40
        return Interval(mean: sorted.reduce(0, +) / Double(n), lower: sorted[lowerIndex], upper: sorted[n - lowerIndex - 1])
    }

    /// The 95% interval of `score` over resampled segments.
    public static func interval<S>(segments: [S], samples: Int = 1000, seed: UInt64 = 12345,
                                   score: ([S]) -> Double) -> Interval {
        guard !segments.isEmpty else { return Interval(mean: 0, lower: 0, upper: 0) }
        return interval(resamples(count: segments.count, samples: samples, seed: seed).map { idx in score(idx.map { segments[$0] }) })
    }

    public struct PairedResult: Sendable, Equatable, Codable {
        public var baseline: Double
        public var system: Double
        public var pValue: Double
        public var systemInterval: Interval
    }

    /// Whether `system` differs from `baseline` on the same segments beyond resampling noise.
    public static func paired<S>(baseline: [S], system: [S], samples: Int = 1000, seed: UInt64 = 12345,
                                 score: ([S]) -> Double) -> PairedResult {
        precondition(baseline.count == system.count && !baseline.isEmpty, "paired systems need the same non-empty segments")
        let realB = score(baseline), realS = score(system)
        var systemScores: [Double] = [], diffs: [Double] = []
        for idx in resamples(count: baseline.count, samples: samples, seed: seed) {
            let s = score(idx.map { system[$0] }), b = score(idx.map { baseline[$0] })
            systemScores.append(s)
            diffs.append(abs(s - b))
        }
        let meanDiff = diffs.reduce(0, +) / Double(diffs.count)
        let exceed = diffs.filter { $0 - meanDiff > abs(realS - realB) }.count
        return PairedResult(baseline: realB, system: realS, pValue: Double(exceed + 1) / Double(samples + 1),
                            systemInterval: interval(systemScores))
    }
}

extension BLEU {
    /// Corpus BLEU of summed segment statistics, for resampling.
    public func score(segments: [Statistics]) -> Double {
        score(segments.reduce(into: [Int](repeating: 0, count: 2 + 2 * maxOrder)) { for j in 0..<$0.count { $0[j] += $1[j] } }).score
    }
}
