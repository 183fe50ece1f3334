import Engine
import Model
import XCTest

/// The decoder's own parallel loops (elementwise kernels, attention, cross-entropy rows) through a whole forward
/// and backward pass on two threads: the same bits on every repetition, and the one-thread figures up to the order
/// of chunked sums (a thread count fixes the partition). scripts/sanitizers.sh runs it under ThreadSanitizer.
final class DecoderThreadsTests: XCTestCase {
    override func tearDown() { BLASRuntime.setThreads(1) }

    func testForwardBackwardOnTwoThreadsIsRepeatableAndAgreesWithOne() {
        // Large enough that every elementwise loop splits (the engine keeps chunks of at least 32,768 values).
        let config = LlamaConfig(hiddenSize: 64, numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2, intermediateSize: 128,
                                 vocabSize: 96, ropeTheta: 10_000, rmsNormEps: 1e-5, tieWordEmbeddings: true, maxPositionEmbeddings: 256)
        var rng = RandomGenerator(seed: 5)
        let sequences = (0..<6).map { i in (0..<(200 - 7 * i)).map { _ in Int32(rng.next() % 96) } }
        let batch = TokenBatch.rightPadded(sequences, lossFrom: [0, 3, 0, 10, 0, 1], padID: 0)
        func run(threads: Int) -> (Double, [[Float]]) {
            BLASRuntime.setThreads(threads)
            let model = LlamaModel(config: config, seed: 9)
            let loss = model.forwardBackward(batch, gradScale: 1)
            return (loss.mean, model.parameters.compactMap { $0.grad?.toArray() })
        }
        let two = run(threads: 2), again = run(threads: 2), one = run(threads: 1)
        XCTAssertEqual(two.0, again.0)
        XCTAssertTrue(zip(two.1, again.1).allSatisfy { $0 == $1 }, "two threads gave different gradients on a repetition")
        XCTAssertEqual(one.0, two.0, accuracy: 1e-6 * abs(one.0))
        XCTAssertEqual(one.1.count, two.1.count)
        XCTAssertFalse(one.1.isEmpty)
        for (a, b) in zip(one.1, two.1) {
            let scale = a.map(abs).max() ?? 0
            XCTAssertLessThanOrEqual(zip(a, b).map { abs($0 - $1) }.max() ?? 0, 1e-4 * scale + 1e-9)
        }
    }
}
