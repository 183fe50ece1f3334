/// Positions a run's training batches computed, and how many of them were padding.
public struct TrainingPadding: Codable, Sendable, Equatable {
    /// The rule that made the micro-batches of each step (`StepBatching`).
    public var rule: String
    public private(set) var positions = 0
    public private(set) var padded = 0
    public private(set) var share = 0.0
    /// The same steps as one right-padded batch each: the padding the rule saved.
    public private(set) var oneBatchPositions = 0
    public private(set) var oneBatchShare = 0.0

    public init(rule: String) { self.rule = rule }

    /// One micro-batch: the positions it computed and the real tokens among them.
    public mutating func add(positions computed: Int, real: Int) {
        positions += computed
        padded += computed - real
        refresh()
    }

    /// One step: the positions a single right-padded batch of its sequences would have computed.
    public mutating func addStep(oneBatchPositions computed: Int) {
        oneBatchPositions += computed
        refresh()
    }

    private mutating func refresh() {
        share = positions > 0 ? Double(padded) / Double(positions) : 0
        oneBatchShare = oneBatchPositions > 0 ? Double(oneBatchPositions - (positions - padded)) / Double(oneBatchPositions) : 0
    }
}
