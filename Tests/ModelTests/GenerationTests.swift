import Engine
import Model
import XCTest

final class GenerationTests: XCTestCase {
    let vocab = 20

    /// Last-position logits of the full (no cache) forward for each prefix length of `seq`.
    func fullLogits(_ m: LlamaModel, _ seq: [Int32]) -> [[Float]] {
        let all = m.logits(TokenBatch(batch: 1, length: seq.count, inputs: seq, targets: [Int32](repeating: -1, count: seq.count)))
        return (0..<seq.count).map { Array(all[($0 * vocab)..<(($0 + 1) * vocab)]) }
    }

    func checkIncremental(_ m: LlamaModel, file: StaticString = #filePath, line: UInt = #line) {
        let seq: [Int32] = [4, 17, 3, 3, 9, 12, 0, 5]
        let expected = fullLogits(m, seq)
        let cache = KVCache(config: m.config, batch: 1, capacity: 16, leftPadding: [0])
        let state = InferenceState()
        var logits = m.inferStep(tokens: Array(seq.prefix(4)), cache: cache, scratch: state)
        for t in 3..<seq.count {
            for v in 0..<vocab { XCTAssertEqual(logits[v], expected[t][v], accuracy: 1e-5, "position \(t)", file: file, line: line) }
            if t + 1 < seq.count { logits = m.inferStep(tokens: [seq[t + 1]], cache: cache, scratch: state) }
        }
    }

    func testCachedDecodingEqualsFullForward() {
        checkIncremental(Fixtures.model())
    }

    func testCachedDecodingWithVirtualTokens() {
        let m = Fixtures.model()
        m.virtualTokens = DirectVirtualTokens(count: 3, channels: m.config.hiddenSize, seed: 8)
        checkIncremental(m)
    }

    func testCachedDecodingWithKeyValuePrefix() {
        let m = Fixtures.model()
        m.keyValuePrefix = DirectPrefix(count: 2, layers: m.config.numHiddenLayers, kvDim: m.config.kvDim, seed: 9)
        checkIncremental(m)
    }

    func testLeftPaddedBatchGeneratesWhatEachPromptGeneratesAlone() {
        let m = Fixtures.model()
        let g = Generator(model: m)
        let prompts: [[Int32]] = [[1, 2, 3, 4, 5, 6], [7, 8], [9, 10, 11]]
        let settings = GenerationSettings(maxNewTokens: 7)
        let batched = g.generate(prompts: prompts, padID: 0, settings: settings)
        for (p, b) in zip(prompts, batched) {
            let alone = g.generate(prompts: [p], padID: 0, settings: settings)[0]
            XCTAssertEqual(b.tokens, alone.tokens)
            for (x, y) in zip(b.logProbs, alone.logProbs) { XCTAssertEqual(x, y, accuracy: 1e-5) }
        }
    }

    /// Finished sequences leave the batch (the cache is compacted); the others must not notice.
    func testSequencesThatFinishEarlyLeaveTheBatchWithoutChangingTheRest() {
        let m = Fixtures.model()
        let g = Generator(model: m)
        let prompts: [[Int32]] = [[1, 2, 3, 4, 5, 6], [7, 8], [9, 10, 11], [4, 4], [12, 3, 5, 7], [2]]
        let lengths = [2, 11, 3, 1, 6, 9]
        let settings = GenerationSettings(maxNewTokens: 11)
        let batched = g.generate(prompts: prompts, padID: 0, settings: settings) { i, t in t.count == lengths[i] }
        for (i, p) in prompts.enumerated() {
            let alone = g.generate(prompts: [p], padID: 0, settings: settings) { _, t in t.count == lengths[i] }[0]
            XCTAssertEqual(batched[i].tokens.count, lengths[i])
            XCTAssertEqual(batched[i].tokens, alone.tokens, "prompt \(i)")
            XCTAssertEqual(batched[i].finish, .stopCondition)
            for (x, y) in zip(batched[i].logProbs, alone.logProbs) { XCTAssertEqual(x, y, accuracy: 1e-5) }
        }
    }

    /// Continuous batching: rows freed by finished sequences take the next prompts, the cache shifts right for a
    /// long prompt and left when it fills; every sequence must still be what it is alone.
    func checkContinuous(_ m: LlamaModel, _ prompts: [[Int32]], slots: Int, stopAfter lengths: [Int], maxNewTokens: Int,
                         _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let g = Generator(model: m)
        let settings = GenerationSettings(maxNewTokens: maxNewTokens)
        var told: [Int] = []
        let continuous = g.generate(prompts: prompts, padID: 0, settings: settings, slots: slots,
                                    stop: { i, t in t.count == lengths[i] }, finished: { told.append($0) })
        XCTAssertEqual(told.sorted(), Array(prompts.indices), "\(label): each prompt is told finished once", file: file, line: line)
        for (i, p) in prompts.enumerated() {
            let alone = g.generate(prompts: [p], padID: 0, settings: settings) { _, t in t.count == lengths[i] }[0]
            XCTAssertEqual(continuous[i].tokens, alone.tokens, "\(label), prompt \(i)", file: file, line: line)
            XCTAssertEqual(continuous[i].finish, alone.finish, "\(label), prompt \(i)", file: file, line: line)
            for (x, y) in zip(continuous[i].logProbs, alone.logProbs) { XCTAssertEqual(x, y, accuracy: 1e-5, file: file, line: line) }
        }
    }

    func testContinuousBatchingGeneratesWhatEachPromptGeneratesAlone() {
        // One row, ten sequences of 3 + 8 tokens: the cache (twice 11 positions) fills and shifts left again and again.
        let m = Fixtures.model()
        checkContinuous(m, (0..<10).map { i in [Int32(i + 1), 5, 9] }, slots: 1, stopAfter: [Int](repeating: 0, count: 10),
                        maxNewTokens: 8, "one row")
        // The first sequence ends at once; the prompt that takes its row is longer than the cache is yet, so the
        // other row, still decoding, moves right.
        checkContinuous(m, [[1], [2], (0..<20).map { Int32($0 % 19 + 1) }, [3]], slots: 2, stopAfter: [1, 0, 0, 0],
                        maxNewTokens: 8, "shift right")
        var rng = RandomGenerator(seed: 21)
        for trial in 0..<12 {
            let m = Fixtures.model()
            if trial % 3 == 1 { m.virtualTokens = DirectVirtualTokens(count: 3, channels: m.config.hiddenSize, seed: 8) }
            if trial % 3 == 2 {
                m.keyValuePrefix = DirectPrefix(count: 2, layers: m.config.numHiddenLayers, kvDim: m.config.kvDim, seed: 9)
            }
            let count = 3 + Int(rng.next() % 10), slots = 1 + Int(rng.next() % 4)
            // Short prompts first, then longer ones, as evaluation orders them.
            var prompts: [[Int32]] = []
            for i in 0..<count {
                let length = 1 + Int(rng.next() % UInt64(2 + 3 * i))
                prompts.append((0..<length).map { _ in Int32(1 + Int(rng.next() % UInt64(vocab - 1))) })
            }
            let lengths = (0..<count).map { _ in 1 + Int(rng.next() % 9) }
            checkContinuous(m, prompts, slots: slots, stopAfter: lengths, maxNewTokens: 8, "trial \(trial)")
        }
    }

    func testContinuousBatchingKeepsEachPromptsSamplingStreamAndStopsWhenTold() throws {
        let m = Fixtures.model()
        let g = Generator(model: m)
        let prompts: [[Int32]] = (1...9).map { n in (0..<n).map { Int32(($0 * 7 + n) % 19 + 1) } }
        let settings = GenerationSettings(maxNewTokens: 30, sampling: SamplingSettings(temperature: 1.2, seed: 4))
        let together = g.generate(prompts: prompts, padID: 0, settings: settings)
        XCTAssertEqual(g.generate(prompts: prompts, padID: 0, settings: settings, slots: 2).map(\.tokens), together.map(\.tokens))
        struct Enough: Error {}
        var told = 0
        XCTAssertThrowsError(try g.generate(prompts: prompts, padID: 0, settings: settings, slots: 2, finished: { _ in
            told += 1
            if told == 3 { throw Enough() }
        }))
        XCTAssertEqual(told, 3)
    }

    func testStopTokensAndStopConditions() {
        let m = Fixtures.model()
        let g = Generator(model: m)
        let free = g.generate(prompts: [[1, 2, 3]], padID: 0, settings: GenerationSettings(maxNewTokens: 8))[0]
        XCTAssertEqual(free.tokens.count, 8)
        XCTAssertEqual(free.finish, .length)
        let stopAt = free.tokens[2]
        let stopped = g.generate(prompts: [[1, 2, 3]], padID: 0, settings: GenerationSettings(maxNewTokens: 8, stopTokens: [stopAt]))[0]
        XCTAssertEqual(stopped.tokens, Array(free.tokens.prefix(free.tokens.firstIndex(of: stopAt)! + 1)))
        XCTAssertEqual(stopped.finish, .stopToken)
        let cond = g.generate(prompts: [[1, 2, 3]], padID: 0, settings: GenerationSettings(maxNewTokens: 8)) { _, t in t.count == 3 }[0]
        XCTAssertEqual(cond.tokens, Array(free.tokens.prefix(3)))
        XCTAssertEqual(cond.finish, .stopCondition)
    }

    func testSamplingIsSeededAndTopOneIsGreedy() {
        let m = Fixtures.model()
        let g = Generator(model: m)
        func run(_ s: SamplingSettings) -> [Int32] {
            g.generate(prompts: [[1, 2, 3]], padID: 0, settings: GenerationSettings(maxNewTokens: 12, sampling: s))[0].tokens
        }
        let greedy = run(.greedy)
        XCTAssertEqual(run(SamplingSettings(temperature: 0.9, topK: 1, seed: 3)), greedy)
        let a = run(SamplingSettings(temperature: 1.5, seed: 11)), b = run(SamplingSettings(temperature: 1.5, seed: 11))
        XCTAssertEqual(a, b)
        let others = (12..<20).map { run(SamplingSettings(temperature: 1.5, seed: $0)) }
        XCTAssertTrue(others.contains { $0 != a }, "different seeds must be able to differ")
        // Top-p keeps at least the most likely token, and tiny p means greedy.
        XCTAssertEqual(run(SamplingSettings(temperature: 1, topP: 1e-6, seed: 5)), greedy)
    }

    func testContinuationScoresMatchTargetLogProbabilities() {
        let m = Fixtures.model()
        let scores = m.continuationLogProbabilities(prompt: [1, 2, 3], continuation: [4, 5])
        let lp = m.targetLogProbabilities(TokenBatch.rightPadded([[1, 2, 3, 4, 5]], padID: 0))
        XCTAssertEqual(scores.count, 2)
        XCTAssertEqual(scores[0], lp[2], accuracy: 1e-5)
        XCTAssertEqual(scores[1], lp[3], accuracy: 1e-5)
    }
}
