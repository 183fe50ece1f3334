import Engine
import Model
import Training
import XCTest

final class TrainingLoopTests: XCTestCase {
    func sequences(count: Int, length: Int, vocab: Int, seed: UInt64) -> [[Int32]] {
        var rng = RandomGenerator(seed: seed)
        return (0..<count).map { _ in (0..<length).map { _ in Int32(rng.next() % UInt64(vocab)) } }
    }

    func testTinyModelOverfitsAHandfulOfSequences() {
        let model = LlamaModel(config: .tiny, seed: 1)
        let batch = TokenBatch.rightPadded(sequences(count: 4, length: 17, vocab: LlamaConfig.tiny.vocabSize, seed: 2), padID: 0)
        let trainer = Trainer(model: model, settings: .init(
            schedule: LearningRateSchedule(kind: .cosine, peak: 1e-2, warmupSteps: 5, totalSteps: 120)))
        let first = trainer.step([batch]).loss
        var last = first
        for _ in 1..<120 { last = trainer.step([batch]).loss }
        XCTAssertGreaterThan(first, 4, "random init starts near log(vocab)")
        XCTAssertLessThan(last, 0.05, "the model memorises 64 tokens")
    }

    func testSameSeedGivesBitIdenticalLosses() {
        for threads in [1, 2] {
            BLASRuntime.setThreads(threads)
            defer { BLASRuntime.setThreads(1) }
            checkRepeatable()
        }
    }

    func checkRepeatable() {
        func run() -> ([Double], [Float]) {
            let model = LlamaModel(config: .tiny, seed: 9)
            let data = sequences(count: 6, length: 13, vocab: LlamaConfig.tiny.vocabSize, seed: 4)
            let trainer = Trainer(model: model, settings: .init(
                schedule: LearningRateSchedule(kind: .linear, peak: 3e-3, warmupSteps: 2, totalSteps: 6)))
            var losses: [Double] = []
            for s in 0..<6 {
                let micro = [TokenBatch.rightPadded(Array(data[(s % 3) * 2..<(s % 3) * 2 + 2]), lossFrom: [3, 5], padID: 0)]
                losses.append(trainer.step(micro).loss)
            }
            return (losses, model.layers[1][.down_proj].parameters[0].value.toArray())
        }
        let (a, wa) = run(), (b, wb) = run()
        XCTAssertEqual(a, b)
        XCTAssertEqual(wa, wb)
    }

    func testAccumulatedMicroBatchesEqualOneBatch() {
        let data = sequences(count: 4, length: 9, vocab: LlamaConfig.tiny.vocabSize, seed: 5)
        func gradient(_ micro: [TokenBatch]) -> [Float] {
            let model = LlamaModel(config: .tiny, seed: 3)
            let trainer = Trainer(model: model, settings: .init(
                schedule: LearningRateSchedule(kind: .constant, peak: 0, totalSteps: 1), maxGradNorm: nil))
            _ = trainer.step(micro)
            return model.layers[0][.q_proj].parameters[0].grad!.toArray()
        }
        let whole = gradient([TokenBatch.rightPadded(data, lossFrom: [0, 2, 4, 1], padID: 0)])
        let split = gradient([TokenBatch.rightPadded(Array(data[0..<1]), lossFrom: [0], padID: 0),
                              TokenBatch.rightPadded(Array(data[1..<4]), lossFrom: [2, 4, 1], padID: 0)])
        let scale = whole.map(abs).max()!
        XCTAssertGreaterThan(scale, 0)
        for (a, b) in zip(whole, split) { XCTAssertEqual(a, b, accuracy: 1e-5 * scale) }
    }

    func testDivergenceIsReportedAndParametersAreKept() {
        let model = LlamaModel(config: .tiny, seed: 1)
        let trainer = Trainer(model: model, settings: .init(schedule: LearningRateSchedule(kind: .constant, peak: 1e-3, totalSteps: 1)))
        model.embedTokens.value[5] = .nan
        let before = model.layers[0][.q_proj].parameters[0].value.toArray()
        let report = trainer.step([TokenBatch.rightPadded(sequences(count: 2, length: 8, vocab: 96, seed: 1), padID: 0)])
        XCTAssertTrue(report.diverged)
        XCTAssertEqual(model.layers[0][.q_proj].parameters[0].value.toArray(), before)
    }
}
