import Engine
import Model
import Tasks

/// The tokenized training split and the order it is visited in. The order is a seeded shuffle of the training
/// sequences (reshuffled every epoch) that depends on the task and seed only, so every method of a comparison sees
/// the same examples in the same steps.
public struct TrainingSet {
    public var sequences: [(tokens: [Int32], lossFrom: Int)]
    public var truncated: Int
    public let seed: UInt64

    public init(examples: [TaskExample], encoder: PromptEncoder, seq: Int, seed: UInt64) throws {
        var sequences: [(tokens: [Int32], lossFrom: Int)] = []
        var truncated = 0
        for example in examples {
            for s in try encoder.trainingSequences(example, seq: seq) {
                sequences.append((s.tokens, s.lossFrom))
                if s.truncated { truncated += 1 }
            }
        }
        guard !sequences.isEmpty else { throw RunError("the training split has no examples") }
        self.sequences = sequences
        self.truncated = truncated
        self.seed = seed
    }

    /// Indices of the sequences of every step: `steps` × `batch`, epoch after epoch.
    public func order(steps: Int, batch: Int, task: String) -> [[Int]] {
        var random = RandomGenerator.derived(seed: seed, stream: "data-order/\(task)")
        var pool: [Int] = []
        var out: [[Int]] = []
        for _ in 0..<steps {
            var step: [Int] = []
            for _ in 0..<batch {
                if pool.isEmpty {
                    pool = Array(sequences.indices)
                    for i in stride(from: pool.count - 1, to: 0, by: -1) { pool.swapAt(i, Int(random.next() % UInt64(i + 1))) }
                    pool.reverse()
                }
                step.append(pool.removeLast())
            }
            out.append(step)
        }
        return out
    }

    public func batch(_ indices: [Int], padID: Int32) -> TokenBatch {
        TokenBatch.rightPadded(indices.map { sequences[$0].tokens }, lossFrom: indices.map { sequences[$0].lossFrom }, padID: padID)
    }
}
