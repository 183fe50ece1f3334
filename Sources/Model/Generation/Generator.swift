import Engine

/// Batched generation with a KV cache. Prompts of different lengths are left-padded so every sequence advances in
/// step; padding is masked out of attention and positions count from each sequence's first real token.
public struct GenerationSettings: Sendable {
    public var maxNewTokens: Int
    public var sampling: SamplingSettings
    /// Generation of a sequence ends after it emits one of these (the token is kept in the output).
    public var stopTokens: Set<Int32>

    public init(maxNewTokens: Int, sampling: SamplingSettings = .greedy, stopTokens: Set<Int32> = []) {
        self.maxNewTokens = maxNewTokens
        self.sampling = sampling
        self.stopTokens = stopTokens
    }
}

public struct GeneratedSequence: Sendable, Equatable {
    public enum Finish: String, Sendable, Codable { case stopToken = "eos", stopCondition = "stop", length }
    public var tokens: [Int32]
    /// log p(token) under the model for each generated token.
    public var logProbs: [Float]
    public var finish: Finish
}

public final class Generator {
    public let model: LlamaModel
    private let state = InferenceState()

    public init(model: LlamaModel) { self.model = model }

    /// - Parameter stop: called with a sequence's generated tokens after each step; returning true ends it
    ///   (stop strings are checked here by callers that can decode text).
    public func generate(prompts: [[Int32]], padID: Int32, settings: GenerationSettings,
                         stop: ((Int, [Int32]) -> Bool)? = nil) -> [GeneratedSequence] {
        precondition(!prompts.isEmpty && prompts.allSatisfy { !$0.isEmpty }, "every prompt needs a token")
        let b = prompts.count
        let longest = prompts.map(\.count).max()!
        let nv = model.virtualTokens?.count ?? 0
        let capacity = longest + nv + settings.maxNewTokens
        let pads = prompts.map { Int32(longest - $0.count) }
        var cache = KVCache(config: model.config, batch: b, capacity: capacity, leftPadding: pads)
        var tokens: [Int32] = []
        tokens.reserveCapacity(b * longest)
        for p in prompts { tokens += [Int32](repeating: padID, count: longest - p.count) + p }
        var samplers = (0..<b).map { i -> Sampler in
            var s = settings.sampling
            s.seed = settings.sampling.seed &+ UInt64(i)  // each sequence its own stream, fixed by its slot
            return Sampler(s)
        }
        var out = [GeneratedSequence](repeating: GeneratedSequence(tokens: [], logProbs: [], finish: .length), count: b)
        var done = [Bool](repeating: settings.maxNewTokens == 0, count: b)
        // rows[r] is the prompt whose sequence sits in row r of the cache; finished rows leave the batch (below).
        var rows = Array(0..<b)
        var step = 0
        while step < settings.maxNewTokens && !done.allSatisfy({ $0 }) {
            let logits = model.inferStep(tokens: tokens, cache: cache, scratch: state)
            tokens = []
            for (r, i) in rows.enumerated() {
                let (token, logProb) = samplers[i].pick(logits + r * model.config.vocabSize, vocab: model.config.vocabSize)
                tokens.append(done[i] ? padID : token)
                guard !done[i] else { continue }
                out[i].tokens.append(token)
                out[i].logProbs.append(logProb)
                if settings.stopTokens.contains(token) {
                    done[i] = true; out[i].finish = .stopToken
                } else if let stop, stop(i, out[i].tokens) {
                    done[i] = true; out[i].finish = .stopCondition
                }
            }
            step += 1
            // A batch advances at the pace of its longest answer: once a quarter of its rows have finished (or one
            // row is left), the finished rows are dropped from the cache so later steps compute only live rows.
            let live = rows.indices.filter { !done[rows[$0]] }
            if !live.isEmpty && live.count < rows.count && (4 * live.count <= 3 * rows.count || live.count == 1) {
                cache = cache.keeping(rows: live)
                tokens = live.map { tokens[$0] }
                rows = live.map { rows[$0] }
            }
        }
        return out
    }
}

extension LlamaModel {
    /// log p(continuation | prompt), token by token (teacher forcing; no cache needed).
    public func continuationLogProbabilities(prompt: [Int32], continuation: [Int32]) -> [Float] {
        precondition(!prompt.isEmpty, "scoring needs a prompt token")
        let all = prompt + continuation
        let batch = TokenBatch.rightPadded([all], lossFrom: [prompt.count - 1], padID: 0)
        return Array(targetLogProbabilities(batch)[(prompt.count - 1)..<(all.count - 1)])
    }
}
