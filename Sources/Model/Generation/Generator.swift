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

    /// Generates a continuation of every prompt; see the variant with `finished`.
    public func generate(prompts: [[Int32]], padID: Int32, settings: GenerationSettings, slots: Int? = nil,
                         stop: ((Int, [Int32]) -> Bool)? = nil) -> [GeneratedSequence] {
        generate(prompts: prompts, padID: padID, settings: settings, slots: slots, stop: stop, finished: { _ in })
    }

    /// Generates a continuation of every prompt. With `slots`, at most that many sequences decode together and rows
    /// freed by finished sequences take the next waiting prompts (continuous batching), so the batch stays nearly
    /// full instead of running at the pace of its longest answer; prompts are taken in order.
    /// A sequence's tokens do not depend on the sequences it is decoded beside.
    ///
    /// - Parameter stop: called with a sequence's generated tokens after each step; returning true ends it
    ///   (stop strings are checked here by callers that can decode text).
    /// - Parameter finished: called with a prompt's index when its sequence ends.
    public func generate(prompts: [[Int32]], padID: Int32, settings: GenerationSettings, slots: Int? = nil,
                         stop: ((Int, [Int32]) -> Bool)? = nil,
                         finished: (Int) throws -> Void) rethrows -> [GeneratedSequence] {
        precondition(!prompts.isEmpty && prompts.allSatisfy { !$0.isEmpty }, "every prompt needs a token")
        precondition(slots == nil || slots! >= 1, "slots must be at least 1")
        let count = prompts.count, vocab = model.config.vocabSize
        var out = [GeneratedSequence](repeating: GeneratedSequence(tokens: [], logProbs: [], finish: .length), count: count)
        guard settings.maxNewTokens > 0 else {
            for i in 0..<count { try finished(i) }
            return out
        }
        var samplers = (0..<count).map { i -> Sampler in
            var s = settings.sampling
            s.seed = settings.sampling.seed &+ UInt64(i)  // each sequence its own stream, fixed by its prompt
            return Sampler(s)
        }
        var done = [Bool](repeating: false, count: count)
        var ended: [Int] = []  // prompts whose sequence ended since `finished` was last told
        /// Takes prompt i's next token.
        func accept(_ i: Int, _ logits: UnsafePointer<Float>) {
            let (token, logProb) = samplers[i].pick(logits, vocab: vocab)
            out[i].tokens.append(token)
            out[i].logProbs.append(logProb)
            if settings.stopTokens.contains(token) {
                out[i].finish = .stopToken
            } else if let stop, stop(i, out[i].tokens) {
                out[i].finish = .stopCondition
            } else if out[i].tokens.count < settings.maxNewTokens {
                return
            }
            done[i] = true
            ended.append(i)
        }

        let nv = model.virtualTokens?.count ?? 0
        let width = min(count, slots ?? count)
        let refills = width < count
        // Without refills every sequence fits exactly; with them a row's sequence may start at any position, and
        // twice the longest sequence guarantees that dropping the positions before the earliest live sequence
        // (`shift`) always frees room for the next step.
        let longest = (prompts.map(\.count).max() ?? 0) + nv + settings.maxNewTokens
        let capacity = refills ? 2 * longest : prompts[0..<width].map(\.count).max()! + nv + settings.maxNewTokens

        /// Prefills a group of prompts (left-padded together) into a fresh cache and takes each one's first token.
        func prefill(_ group: [Int], capacity: Int?) -> KVCache {
            let length = group.map { prompts[$0].count }.max()!
            let cache = KVCache(config: model.config, batch: group.count, capacity: capacity ?? length + nv,
                                leftPadding: group.map { Int32(length - prompts[$0].count) })
            var tokens: [Int32] = []
            tokens.reserveCapacity(group.count * length)
            for i in group { tokens += [Int32](repeating: padID, count: length - prompts[i].count) + prompts[i] }
            let logits = model.inferStep(tokens: tokens, cache: cache, scratch: state)
            for (r, i) in group.enumerated() { accept(i, logits + r * vocab) }
            return cache
        }

        // rows[r] is the prompt whose sequence sits in row r of the cache.
        var rows = Array(0..<width)
        var cache = prefill(rows, capacity: capacity)
        var waiting = width
        while true {
            for i in ended { try finished(i) }
            ended.removeAll()
            // Rows whose sequence has ended take waiting prompts, prefilled together once a quarter of the rows
            // (or every row, or room for every waiting prompt) is free: a prefill's products stay large, and a row
            // left idle meanwhile costs a decoding step little, as the step reads every weight once for all rows.
            var free = rows.indices.filter { done[rows[$0]] }
            while !free.isEmpty && waiting < count
                    && (4 * free.count >= rows.count || free.count == rows.count || count - waiting <= free.count) {
                let group = Array(waiting..<min(count, waiting + free.count))
                waiting += group.count
                let fresh = prefill(group, capacity: nil)
                if fresh.length > cache.length { cache.shift(by: fresh.length - cache.length) }
                for (j, i) in group.enumerated() {
                    cache.place(row: free[j], from: fresh, source: j)
                    rows[free[j]] = i
                }
                free = rows.indices.filter { done[rows[$0]] }
                for i in ended { try finished(i) }
                ended.removeAll()
            }
            let live = rows.indices.filter { !done[rows[$0]] }
            if live.isEmpty { break }
            // Once no prompt waits, a batch advances at the pace of its longest answer: when a quarter of its rows
            // have finished (or one row is left), the finished rows are dropped so later steps compute only live rows.
            if waiting == count && live.count < rows.count && (4 * live.count <= 3 * rows.count || live.count == 1) {
                cache = cache.keeping(rows: live)
                rows = live.map { rows[$0] }
            }
            if cache.length == cache.capacity {
                let earliest = rows.indices.filter { !done[rows[$0]] }.map { Int(cache.leftPadding[$0]) }.min()!
                cache.shift(by: -earliest)
            }
            let tokens = rows.map { done[$0] ? padID : out[$0].tokens.last! }
            let logits = model.inferStep(tokens: tokens, cache: cache, scratch: state)
            for (r, i) in rows.enumerated() where !done[i] { accept(i, logits + r * vocab) }
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
