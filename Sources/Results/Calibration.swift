import Foundation

/// Calibration of confidences against correctness (Guo et al., 2017; Naeini et al., 2015): the record; Metrics computes it.
public struct Calibration: Sendable, Codable, Equatable {
    public struct Bin: Sendable, Codable, Equatable {
        public var lower: Double
        public var upper: Double
        public var count: Int
        public var meanConfidence: Double
        public var accuracy: Double

        public init(lower: Double, upper: Double, count: Int, meanConfidence: Double, accuracy: Double) {
            self.lower = lower
            self.upper = upper
            self.count = count
            self.meanConfidence = meanConfidence
            self.accuracy = accuracy
        }
    }

    /// Expected calibration error over 15 equal-width bins, (lower, upper] with 0 in the first.
    public var ece: Double
    /// The same over 10 bins holding equal numbers of predictions (sorted by confidence).
    public var eceEqualMass: Double
    /// Largest |accuracy − confidence| over the non-empty equal-width bins.
    public var mce: Double
    /// Mean squared difference between confidence and correctness.
    public var brier: Double
    /// Probability that a correct prediction is more confident than a wrong one (ties ½); nil with one class only.
    public var auroc: Double?
    /// Accuracy of the most confident 10% and 50% of predictions.
    public var selectiveAccuracy10: Double
    public var selectiveAccuracy50: Double
    public var accuracy: Double
    public var meanConfidence: Double
    public var count: Int
    /// Reliability diagram: the equal-width bins.
    public var bins: [Bin]

    public init(ece: Double, eceEqualMass: Double, mce: Double, brier: Double, auroc: Double? = nil, selectiveAccuracy10: Double,
                    selectiveAccuracy50: Double, accuracy: Double, meanConfidence: Double, count: Int, bins: [Bin]) {
        self.ece = ece
        self.eceEqualMass = eceEqualMass
        self.mce = mce
        self.brier = brier
        self.auroc = auroc
        self.selectiveAccuracy10 = selectiveAccuracy10
        self.selectiveAccuracy50 = selectiveAccuracy50
        self.accuracy = accuracy
        self.meanConfidence = meanConfidence
        self.count = count
        self.bins = bins
    }
}
