/// A batch of equal-length token sequences with next-token targets.
///
/// `targets[b·T + t]` is the token that position t should predict, or -1 where no loss is taken (prompt tokens,
/// padding). Training batches are right-padded, so padding never precedes a real token and needs no attention mask;
/// `leftPadding` marks left-padded sequences (batched generation), whose padding keys are masked out.
public struct TokenBatch: Sendable, Equatable {
    public let batch: Int
    public let length: Int
    public var inputs: [Int32]
    public var targets: [Int32]
    public var leftPadding: [Int32]?

    public init(batch: Int, length: Int, inputs: [Int32], targets: [Int32], leftPadding: [Int32]? = nil) {
        precondition(inputs.count == batch * length && targets.count == batch * length, "batch shape mismatch")
        precondition(leftPadding == nil || leftPadding!.count == batch, "one left-padding count per sequence")
        self.batch = batch
        self.length = length
        self.inputs = inputs
        self.targets = targets
        self.leftPadding = leftPadding
    }

    /// Right-pads sequences to the longest. `lossFrom[i]` is the first position of sequence i whose next token is
    /// scored (prompt tokens before it are masked); a language-modelling batch scores from 0.
    public static func rightPadded(_ sequences: [[Int32]], lossFrom: [Int]? = nil, padID: Int32) -> TokenBatch {
        let length = max(1, sequences.map { $0.count - 1 }.max() ?? 1)
        var inputs = [Int32](repeating: padID, count: sequences.count * length)
        var targets = [Int32](repeating: -1, count: sequences.count * length)
        for (b, seq) in sequences.enumerated() {
            let start = lossFrom?[b] ?? 0
            for t in 0..<max(0, seq.count - 1) {
                inputs[b * length + t] = seq[t]
                if t >= start { targets[b * length + t] = seq[t + 1] }
            }
        }
        return TokenBatch(batch: sequences.count, length: length, inputs: inputs, targets: targets)
    }

    /// Positions whose loss counts.
    public var targetCount: Int { targets.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } }
}
