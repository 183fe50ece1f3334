import Checkpoints
import Engine
import Foundation
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

    static let options = ["init_r": "6", "target_r": "2", "tinit": "1", "tfinal": "2", "total_step": "6", "orth_reg_weight": "0.1"]
    static let batch = TokenBatch.rightPadded([[3, 9, 1, 12, 7, 19, 2], [5, 5, 11, 0, 4]], padID: 0)

    /// Trains until the pattern is fixed (update 4 of 6), so some triplets are cut.
    func trainedUntilCut() throws -> (LlamaModel, AppliedMethod) {
        let m = model()
        let applied = try MethodRegistry.apply("adalora", to: m, overrides: Self.options, context: MethodContext(seed: 1))
        let trainer = Trainer(model: m, settings: .init(schedule: LearningRateSchedule(kind: .constant, peak: 1e-2, totalSteps: 6)))
        trainer.hooks = applied.hooks
        XCTAssertNil(applied.rankPattern(), "no pattern before the first cut")
        for _ in 0..<5 { _ = trainer.step([Self.batch]) }
        return (m, applied)
    }

    func testTheRankPatternIsSavedWithOnlyTheKeptTripletsAndRestored() throws {
        let (m, applied) = try trainedUntilCut()
        let pattern = try XCTUnwrap(applied.rankPattern())
        XCTAssertEqual(pattern.count, 14)
        let kept = pattern.values.reduce(0) { $0 + $1.filter { $0 }.count }
        XCTAssertGreaterThan(kept, 0)
        XCTAssertLessThanOrEqual(kept, 14 * 2)
        let folder = try temporaryFolder().path
        try AdapterFile.save(applied, to: folder)

        let config = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent(AdapterFile.configName))) as? [String: Any]
        let saved = try XCTUnwrap(config?["rank_pattern"] as? [String: [Bool]])
        XCTAssertEqual(saved, pattern)
        let file = try SafetensorsFile(path: (folder as NSString).appendingPathComponent(AdapterFile.weightsName))
        for (path, keep) in pattern {
            let r = keep.filter { $0 }.count
            XCTAssertEqual(file.tensors["\(path).lora_A.weight"]?.shape.first, r, path)
            XCTAssertEqual(file.tensors["\(path).lora_E.weight"]?.shape, [r, 1], path)
            XCTAssertEqual(file.tensors["\(path).lora_B.weight"]?.shape.last, r, path)
        }

        let fresh = model()
        let loaded = try AdapterFile.load(from: folder, into: fresh)
        XCTAssertEqual(loaded.rankPattern(), pattern)
        // (in, out) per projection of the test model: hidden 16, kv width 8, intermediate 24.
        let sizes: [String: (Int, Int)] = ["q_proj": (16, 16), "k_proj": (16, 8), "v_proj": (16, 8), "o_proj": (16, 16),
                                           "gate_proj": (16, 24), "up_proj": (16, 24), "down_proj": (24, 16)]
        let expected = pattern.reduce(0) { n, entry in
            let (inF, outF) = sizes[String(entry.key.split(separator: ".").last!)]!
            return n + entry.value.filter { $0 }.count * (inF + 1 + outF)
        }
        XCTAssertEqual(loaded.trainable.reduce(0) { $0 + $1.count }, expected)
        for (a, b) in zip(fresh.logits(Self.batch), m.logits(Self.batch)) { XCTAssertEqual(a, b, accuracy: 1e-5) }

        // A loaded adapter trains on at its kept ranks, with the regulariser and no further allocation.
        XCTAssertNil(loaded.hooks.afterUpdate)
        let trainer = Trainer(model: fresh, settings: .init(schedule: LearningRateSchedule(kind: .constant, peak: 1e-2, totalSteps: 2)))
        trainer.hooks = loaded.hooks
        let first = trainer.step([Self.batch]).loss, second = trainer.step([Self.batch]).loss
        XCTAssertTrue(first.isFinite && second.isFinite)
        XCTAssertLessThan(second, first)
    }

    func testAModuleWithEveryTripletCutKeepsTheBaseOutput() throws {
        let base = model()
        var pattern: [String: [Bool]] = [:]
        for layer in 0..<2 {
            for slot in LinearSlot.allCases { pattern["model.layers.\(layer).\(slot.module)"] = [true, false, false, true, false, false] }
        }
        pattern["model.layers.1.mlp.down_proj"] = [Bool](repeating: false, count: 6)
        let m = model()
        let applied = try MethodRegistry.apply("adalora", to: m, overrides: Self.options, context: MethodContext(seed: 1, rankPattern: pattern))
        XCTAssertEqual(applied.trainable.filter { $0.name.hasPrefix("model.layers.1.mlp.down_proj") }.map(\.shape), [[0, 24], [0, 1], [16, 0]])
        XCTAssertEqual(m.logits(Self.batch), base.logits(Self.batch), "E starts at zero")
        let trainer = Trainer(model: m, settings: .init(schedule: LearningRateSchedule(kind: .constant, peak: 1e-2, totalSteps: 1)))
        trainer.hooks = applied.hooks
        XCTAssertTrue(trainer.step([Self.batch]).loss.isFinite)
    }

    func testABadRankPatternNamesTheConfigFile() throws {
        let (_, applied) = try trainedUntilCut()
        let folder = try temporaryFolder().path
        try AdapterFile.save(applied, to: folder)
        let configURL = URL(fileURLWithPath: folder).appendingPathComponent(AdapterFile.configName)
        let original = try String(contentsOf: configURL, encoding: .utf8)
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(original.utf8)) as? [String: Any])
        var pattern = try XCTUnwrap(json["rank_pattern"] as? [String: [Bool]])
        pattern["model.layers.0.self_attn.q_proj"] = nil
        json["rank_pattern"] = pattern
        try JSONSerialization.data(withJSONObject: json).write(to: configURL)
        XCTAssertThrowsError(try AdapterFile.load(from: folder, into: model())) { error in
            XCTAssertTrue("\(error)".contains(AdapterFile.configName), "\(error)")
            XCTAssertTrue("\(error)".contains("model.layers.0.self_attn.q_proj"), "\(error)")
        }
        pattern["model.layers.0.self_attn.q_proj"] = [true, false]
        json["rank_pattern"] = pattern
        try JSONSerialization.data(withJSONObject: json).write(to: configURL)
        XCTAssertThrowsError(try AdapterFile.load(from: folder, into: model())) { error in
            XCTAssertTrue("\(error)".contains("has 2 entries, init_r is 6"), "\(error)")
        }
    }
}
