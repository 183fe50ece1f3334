/// Positions a run's training batches computed, and how many of them were padding.
public struct TrainingPadding: Codable, Sendable, Equatable {
    /// The rule that made the micro-batches of each step (`StepBatching`).
    public var rule: String
    public var positions: Int
    public var padded: Int
    public var share: Double { positions > 0 ? Double(padded) / Double(positions) : 0 }
    /// The same steps as one right-padded batch each: the padding the rule saved.
    public var oneBatchPositions: Int
    public var oneBatchShare: Double { oneBatchPositions > 0 ? Double(oneBatchPositions - (positions - padded)) / Double(oneBatchPositions) : 0 }

    public init(rule: String, positions: Int = 0, padded: Int = 0, oneBatchPositions: Int = 0) {
        self.rule = rule
        self.positions = positions
        self.padded = padded
        self.oneBatchPositions = oneBatchPositions
    }

    /// One micro-batch: the positions it computed and the real tokens among them.
    public mutating func add(positions computed: Int, real: Int) {
        positions += computed
        padded += computed - real
    }

    enum CodingKeys: String, CodingKey { case rule, positions, padded, share, oneBatchPositions, oneBatchShare }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rule = try c.decode(String.self, forKey: .rule)
        positions = try c.decode(Int.self, forKey: .positions)
        padded = try c.decode(Int.self, forKey: .padded)
        oneBatchPositions = try c.decode(Int.self, forKey: .oneBatchPositions)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rule, forKey: .rule)
        try c.encode(positions, forKey: .positions)
        try c.encode(padded, forKey: .padded)
        try c.encode(share, forKey: .share)
        try c.encode(oneBatchPositions, forKey: .oneBatchPositions)
        try c.encode(oneBatchShare, forKey: .oneBatchShare)
    }
}
