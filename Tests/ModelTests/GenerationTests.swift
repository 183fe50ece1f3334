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
