import Engine
import Methods
import Model
import TestSupport
import Training
import XCTest

final class AdaLoRATests: XCTestCase {
    func model() -> LlamaModel {
        LlamaModel(config: LlamaConfig(hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2,
                                       intermediateSize: 24, vocabSize: 20, maxPositionEmbeddings: 64, initializerRange: 0.3),
                   seed: 3, trainable: false)
    }

    func testOrthogonalityRegulariserGradient() throws {
        let m = model()
        let applied = try MethodRegistry.apply("adalora", to: m, overrides: ["init_r": "4", "target_r": "2", "orth_reg_weight": "0.7"])
        var rng = RandomGenerator(seed: 2)
        for p in applied.trainable { for i in 0..<p.count { p.value[i] += Float(rng.nextUniform() - 0.5) * 0.6 } }
        let regularizer = try XCTUnwrap(applied.hooks.regularizer)
        for p in applied.trainable where !p.name.contains("lora_E") {
            m.zeroGradients()
            _ = regularizer()
            let analytic = FloatBuffer(p.grad!.toArray())
            GradientCheck(epsilon: 1e-3, tolerance: 2e-2).run("orthogonality \(p.name)", values: p.value.pointer,
                                                              analytic: analytic.pointer, count: p.count) { regularizer() }
        }
    }

    func testRanksFallToTheTargetBudget() throws {
        let m = model()
        let applied = try MethodRegistry.apply("adalora", to: m, overrides: [
            "init_r": "6", "target_r": "2", "tinit": "2", "tfinal": "3", "total_step": "10", "orth_reg_weight": "0.1",
        ])
        let trainer = Trainer(model: m, settings: .init(schedule: LearningRateSchedule(kind: .constant, peak: 1e-2, totalSteps: 10)))
        trainer.hooks = applied.hooks
        let batch = TokenBatch.rightPadded([[3, 9, 1, 12, 7, 19, 2], [5, 5, 11, 0, 4]], padID: 0)
        let values = applied.trainable.filter { $0.name.contains("lora_E") }
        XCTAssertEqual(values.count, 14)
        func kept() -> Int { values.reduce(0) { n, e in n + e.value.toArray().filter { $0 != 0 }.count } }
        var history: [Int] = []
        for _ in 0..<10 {
            _ = trainer.step([batch])
            history.append(kept())
        }
        // After total_step − tfinal = 7 updates the pattern is fixed at target_r per module on average.
        XCTAssertLessThanOrEqual(history[6], 14 * 2)
        XCTAssertEqual(history[9], history[6])
        XCTAssertGreaterThan(history[1], history[6], "ranks are cut during the budgeting phase")
    }
}
