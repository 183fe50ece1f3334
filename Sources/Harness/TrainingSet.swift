import Engine
import Foundation
import Model
import Results
import Tasks
import Training

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
        var order = DataOrder(set: self, task: task)
        return (0..<steps).map { _ in order.next(batch: batch) }
    }

    /// The fewest steps of the order whose sequences hold at least `tokens` target (loss) tokens: a token budget
    /// made into steps, the same for every method of the task.
    public func steps(toReach tokens: Int, batch: Int, task: String) -> Int {
        var order = DataOrder(set: self, task: task)
        var steps = 0, total = 0
        while total < tokens {
            total += targetTokens(order.next(batch: batch))
            steps += 1
        }
        return steps
    }

    /// The tokens the loss is taken on in these sequences: each one's tokens after its prompt.
    public func targetTokens(_ indices: [Int]) -> Int {
        indices.reduce(0) { $0 + max(0, sequences[$1].tokens.count - sequences[$1].lossFrom) }
    }

    /// The first `count` examples of a fixed order of the split (by a digest of each example's id, the same for
    /// every seed and method), in file order: training-set sizes that nest, each smaller set inside the larger.
    public static func fixedSubset(_ examples: [TaskExample], count: Int) -> [TaskExample] {
        guard count < examples.count else { return examples }
        let keys = examples.map { FileDigest.sha256(Data("order|\($0.id)".utf8)) }
        let ranked = examples.indices.sorted { a, b in keys[a] != keys[b] ? keys[a] < keys[b] : a < b }
        return Set(ranked.prefix(count)).sorted().map { examples[$0] }
    }

    /// The seeded visiting order, one step at a time: a fresh shuffle of every sequence each epoch.
    struct DataOrder {
        let count: Int
        var random: RandomGenerator
        var pool: [Int] = []

        init(set: TrainingSet, task: String) {
            count = set.sequences.count
            random = RandomGenerator.derived(seed: set.seed, stream: "data-order/\(task)")
        }

        mutating func next(batch: Int) -> [Int] {
            var step: [Int] = []
            for _ in 0..<batch {
                if pool.isEmpty {
                    pool = Array(0..<count)
                    for i in stride(from: pool.count - 1, to: 0, by: -1) { pool.swapAt(i, Int(random.next() % UInt64(i + 1))) }
                    pool.reverse()
                }
                step.append(pool.removeLast())
            }
            return step
        }
    }

    public func batch(_ indices: [Int], padID: Int32) -> TokenBatch {
        TokenBatch.rightPadded(indices.map { sequences[$0].tokens }, lossFrom: indices.map { sequences[$0].lossFrom }, padID: padID)
    }

    /// A step's micro-batches under `rule`, counted into `padding`.
    public func microBatches(_ indices: [Int], padID: Int32, rule: StepBatching,
                             padding: inout TrainingPadding) -> [TokenBatch] {
        // A sequence of n tokens fills n - 1 input positions (its last token is only a target).
        let widths = indices.map { max(1, sequences[$0].tokens.count - 1) }
        padding.addStep(oneBatchPositions: widths.count * (widths.max() ?? 0))
        return rule.groups(widths: widths).map { group in
            let batch = batch(group.map { indices[$0] }, padID: padID)
            padding.add(positions: batch.batch * batch.length, real: group.reduce(0) { $0 + widths[$1] })
            return batch
        }
    }
}
