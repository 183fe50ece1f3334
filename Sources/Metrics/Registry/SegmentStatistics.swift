/// Per-segment sufficient statistics of a metric, flat: `width` numbers per segment, one segment after another.
/// Every corpus score in the registry is a function of their column sums (a mean-of-segments metric keeps its
/// segment score and a 1), so resampling segments only ever adds rows: no statistics are copied per resample.
public struct SegmentStatistics: Sendable, Equatable {
    public let width: Int
    public private(set) var values: [Double]

    public init(width: Int, values: [Double] = []) {
        precondition(width > 0 && values.count % width == 0, "statistics come in whole rows")
        self.width = width
        self.values = values
    }

    /// Statistics of a mean over segments: each segment's score and a count of one.
    public init(means scores: [Double]) {
        width = 2
        values = []
        values.reserveCapacity(2 * scores.count)
        for s in scores { values.append(s); values.append(1) }
    }

    public var count: Int { values.count / width }

    public mutating func append(_ row: [Double]) {
        precondition(row.count == width, "a row of \(width) statistics")
        values += row
    }

    /// Column sums of every row.
    public var sums: [Double] {
        var out = [Double](repeating: 0, count: width)
        for i in 0..<count { for j in 0..<width { out[j] += values[i * width + j] } }
        return out
    }

    /// The score of these segments as a corpus.
    public func corpus(_ score: CorpusScore) -> Double { sums.withUnsafeBufferPointer { score($0) } }
}

/// A corpus score from the column sums of its segments' statistics.
public typealias CorpusScore = @Sendable (UnsafeBufferPointer<Double>) -> Double

/// The mean of segment scores kept as `SegmentStatistics(means:)`.
public let meanOfSegments: CorpusScore = { sums in sums[1] > 0 ? sums[0] / sums[1] : 0 }
