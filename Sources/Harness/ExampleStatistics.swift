import Foundation
import Metrics

/// `statistics.json`: a run's per-example sufficient statistics, from which every figure of the run can be recomputed
/// on any subset or resample of its evaluation examples — what intervals over seeds and examples, and paired tests
/// between methods, are computed from. Rows follow `examples` (the scored examples' ids, in evaluation order); a
/// forgetting table's rows are its probe's sequences.
public struct ExampleStatistics: Codable, Sendable, Equatable {
    public static let fileName = "statistics.json"

    public struct Table: Codable, Sendable, Equatable {
        public var width: Int
        public var values: [Double]
        public var segments: SegmentStatistics { SegmentStatistics(width: width, values: values) }
        public init(_ s: SegmentStatistics) {
            width = s.width
            values = s.values
        }
    }

    public var examples: [String]
    /// Per metric (by registry name): its segment statistics, scored with the metric's `corpusFromSums`.
    public var metrics: [String: Table]
    /// `answer-ece`, `token-ece`: per example, 15 equal-width bins × (count, confidence sum, correct sum).
    public var calibration: [String: Table]
    /// Per probe: per sequence, (NLL sum − base NLL × tokens, tokens); the corpus score is the forgetting delta.
    public var forgetting: [String: Table]

    public init(examples: [String], metrics: [String: Table] = [:], calibration: [String: Table] = [:], forgetting: [String: Table] = [:]) {
        self.examples = examples
        self.metrics = metrics
        self.calibration = calibration
        self.forgetting = forgetting
    }

    /// The corpus score of a calibration table: the expected calibration error over the equal-width bins.
    public static let calibrationError: CorpusScore = { sums in
        let bins = sums.count / 3
        var n = 0.0, gap = 0.0
        for b in 0..<bins {
            n += sums[3 * b]
            gap += abs(sums[3 * b + 2] - sums[3 * b + 1])
        }
        return n > 0 ? gap / n : 0
    }

    /// A forgetting table's corpus score: tuned minus base mean NLL per token.
    public static let forgettingDelta: CorpusScore = { sums in sums[1] > 0 ? sums[0] / sums[1] : 0 }

    /// One example's calibration row from the confidence/correctness pairs it contributed, binned as
    /// `Calibration` bins them ((lower, upper], 0 in the first).
    public static func calibrationRow(_ pairs: [(confidence: Double, correct: Bool)], bins: Int = 15) -> [Double] {
        var row = [Double](repeating: 0, count: 3 * bins)
        for (confidence, correct) in pairs {
            let c = min(1, max(0, confidence))
            let b = (0..<bins).first { c <= Double($0 + 1) / Double(bins) } ?? bins - 1
            row[3 * b] += 1
            row[3 * b + 1] += c
            row[3 * b + 2] += correct ? 1 : 0
        }
        return row
    }

    /// The statistics of a run's folder, nil when it has none (a run from before they were written).
    public static func read(folder: String) -> ExampleStatistics? {
        guard let data = FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent(fileName)) else { return nil }
        return try? JSONDecoder().decode(ExampleStatistics.self, from: data)
    }
}
