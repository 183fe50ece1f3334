import Foundation

/// How a run's learning rate was chosen, as `result.json` records it: the method's default (and where that value
/// comes from), given by the spec, or selected — every grid point with its proxy run and held-out loss.
public struct LearningRateChoice: Codable, Sendable, Equatable {
    public enum By: String, Codable, Sendable { case methodDefault = "default", given, selection }

    public var by: By
    public var value: Float
    /// For the default: the paper or examples it follows.
    public var source: String?
    /// For selection: what the held-out loss was measured on, the proxy runs' steps, and every candidate.
    public var selectionData: String?
    public var proxySteps: Int?
    public var candidates: [Candidate]?
    /// The selected rate is the smallest or largest tried (the grid widened as far as the suite lets it): the best
    /// rate may lie beyond.
    public var atGridEdge: Bool?

    public struct Candidate: Codable, Sendable, Equatable {
        public var learningRate: Float
        public var runID: String
        /// `completed`, `diverged` or `failed`; only completed candidates have a loss and can win.
        public var status: String
        public var heldOutLoss: Double?
        public init(learningRate: Float, runID: String, status: String, heldOutLoss: Double?) {
            self.learningRate = learningRate
            self.runID = runID
            self.status = status
            self.heldOutLoss = heldOutLoss
        }
    }

    public init(by: By, value: Float, source: String? = nil, selectionData: String? = nil, proxySteps: Int? = nil,
                candidates: [Candidate]? = nil) {
        self.by = by
        self.value = value
        self.source = source
        self.selectionData = selectionData
        self.proxySteps = proxySteps
        self.candidates = candidates
    }

    /// The candidate with the lowest held-out loss among those that completed; on a tie the rate nearer the
    /// method's default (in log distance), then the smaller. Nil when none completed.
    public static func select(_ candidates: [Candidate], defaultRate: Float, selectionData: String, proxySteps: Int) -> LearningRateChoice? {
        let scored = candidates.filter { $0.status == "completed" && ($0.heldOutLoss?.isFinite ?? false) }
        func distance(_ c: Candidate) -> Float { abs(log(c.learningRate / defaultRate)) }
        guard let best = scored.min(by: { a, b in
            if a.heldOutLoss! != b.heldOutLoss! { return a.heldOutLoss! < b.heldOutLoss! }
            if distance(a) != distance(b) { return distance(a) < distance(b) }
            return a.learningRate < b.learningRate
        }) else { return nil }
        var choice = LearningRateChoice(by: .selection, value: best.learningRate, selectionData: selectionData, proxySteps: proxySteps,
                                        candidates: candidates.sorted { $0.learningRate < $1.learningRate })
        let rates = candidates.map(\.learningRate)
        choice.atGridEdge = best.learningRate == rates.min() || best.learningRate == rates.max()
        return choice
    }
}

/// A proxy run's score: mean negative log-likelihood per target token on the task's selection data, teacher-forced
/// (first reference of each example), with the adapter merged as in evaluation.
public struct HeldOutLoss: Codable, Sendable, Equatable {
    public var mean: Double
    public var tokens: Int
    public var examples: Int
    /// What it was measured on (`the validation split`, or the held-out slice of the training split).
    public var data: String

    public init(mean: Double, tokens: Int, examples: Int, data: String) {
        self.mean = mean
        self.tokens = tokens
        self.examples = examples
        self.data = data
    }
}
