import Engine
import Foundation
import Methods
import Model
import TestSupport
import Training
import XCTest

/// Every method, the same checks (table-driven, as PEFT's tests are).
final class MethodBehaviourTests: XCTestCase {
    static let cases: [(method: String, params: [String: String], identityAtInit: Bool)] = [
        ("lora", ["r": "4", "lora_alpha": "8"], true),
        ("lora", ["r": "4", "use_rslora": "true", "target_modules": "q_proj,v_proj"], true),
        ("lora-fa", ["r": "4"], true),
        ("dora", ["r": "4"], true),
        ("qlora", ["r": "4"], false),
        ("adalora", ["init_r": "6", "target_r": "2", "total_step": "10"], true),
        ("vera", ["r": "8"], true),
        ("ia3", [:], true),
        ("bitfit", [:], true),
        ("adapter", ["bottleneck_size": "8"], true),
        ("adapter", ["bottleneck_size": "8", "placement": "mlp", "non_linearity": "swish"], true),
        ("prompt", ["num_virtual_tokens": "3", "prompt_tuning_init": "RANDOM"], false),
        ("ptuning", ["num_virtual_tokens": "3", "encoder_hidden_size": "16"], false),
        ("prefix", ["num_virtual_tokens": "3"], false),
        ("prefix", ["num_virtual_tokens": "3", "prefix_projection": "true", "encoder_hidden_size": "16"], false),
        ("full", [:], true),
    ]

    func model() -> LlamaModel {
        let m = LlamaModel(config: LlamaConfig(hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2,
                                               intermediateSize: 24, vocabSize: 20, maxPositionEmbeddings: 64, initializerRange: 0.3),
                           seed: 3, trainable: false)
        var rng = RandomGenerator(seed: 4)
        for p in m.parameters where p.shape.count == 1 { for i in 0..<p.count { p.value[i] = 1 + Float(rng.nextUniform() - 0.5) } }
        return m
    }

    let batch = TokenBatch.rightPadded([[3, 9, 1, 12, 7, 19, 2], [5, 5, 11, 0, 4]], lossFrom: [0, 2], padID: 0)

    func testIdentityAtInitialisation() throws {
        for c in Self.cases where c.identityAtInit {
            let m = model()
            let before = m.logits(batch)
            _ = try MethodRegistry.apply(c.method, to: m, overrides: c.params, context: MethodContext(seed: 1))
            XCTAssertEqual(m.logits(batch), before, "\(c.method) \(c.params) must start as the base model")
        }
    }

    func testGradientsOfEveryMethod() throws {
        for c in Self.cases {
            let m = model()
            let applied = try MethodRegistry.apply(c.method, to: m, overrides: c.params, context: MethodContext(seed: 1))
            XCTAssertFalse(applied.trainable.isEmpty)
            // Away from the initialisation (B = 0, λ_b = 0, U = 0 …), so every parameter has a gradient.
            var rng = RandomGenerator(seed: 8)
            for p in applied.trainable { for i in 0..<p.count { p.value[i] += Float(rng.nextUniform() - 0.5) * 0.4 } }
            m.zeroGradients()
            m.forwardBackward(batch, gradScale: 1 / Float(batch.targetCount))
            if c.method == "dora" { DoRA.holdNorms(in: m, true) }
            defer { DoRA.holdNorms(in: m, false) }
            let relu = c.method == "ptuning" || (c.method == "adapter" && c.params["non_linearity"] != "swish")
            // AdaLoRA's singular values and VeRA's scaling vectors enter the output linearly and some have tiny
            // gradients (~1e-3): a larger step keeps them above the loss's Float32 resolution (2.4e-7 at L ≈ 3, so
            // ±4e-5 in a quotient over ±3e-3).
            let check = GradientCheck(epsilon: ["adalora", "vera"].contains(c.method) ? 1e-2 : 3e-3, tolerance: 3e-2, kinks: relu)
            for p in applied.trainable {
                check.run("\(c.method) \(p.name)", values: p.value.pointer, analytic: p.grad!.pointer, count: p.count) {
                    m.loss(batch).mean
                }
            }
        }
    }

    func testFrozenBaseStaysBitIdenticalAndRunsNoWeightGradientProduct() throws {
        for c in Self.cases where c.method != "full" {
            let m = model()
            let base = m.parameters.map { ($0.name, $0.value.toArray()) }
            let applied = try MethodRegistry.apply(c.method, to: m, overrides: c.params, context: MethodContext(seed: 1))
            let trainer = Trainer(model: m, settings: .init(schedule: LearningRateSchedule(kind: .constant, peak: 1e-2, totalSteps: 3)))
            XCTAssertEqual(Set(trainer.optimizer.parameters.map(\.name)), Set(applied.trainable.map(\.name)))
            let first = trainer.step([batch]).loss
            var last = first
            for _ in 0..<5 { last = trainer.step([batch]).loss }
            XCTAssertLessThan(last, first, "\(c.method) trains")
            let now = Dictionary(uniqueKeysWithValues: m.parameters.map { ($0.name, $0.value.toArray()) })
            // QLoRA replaces its base weights by NF4 storage; every weight still in the model must be untouched.
            for (name, values) in base where now[name] != nil || c.method != "qlora" {
                XCTAssertEqual(now[name], values, "\(c.method): \(name) must stay frozen")
            }
            for layer in m.layers {
                for slot in LinearSlot.allCases {
                    for p in layer[slot].parameters where !p.trainable && p.grad != nil {
                        XCTFail("\(c.method): frozen \(p.name) holds a gradient buffer")
                    }
                }
            }
            XCTAssertNil(m.embedTokens.grad)
        }
    }

    func testEveryAdapterSavesAndLoadsBitExactly() throws {
        for c in Self.cases where c.method != "full" {
            let m = model()
            let applied = try MethodRegistry.apply(c.method, to: m, overrides: c.params, context: MethodContext(seed: 1))
            var rng = RandomGenerator(seed: 8)
            for p in applied.trainable { for i in 0..<p.count { p.value[i] += Float(rng.nextUniform() - 0.5) * 0.4 } }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("peftbench-adapter-\(getpid())-\(c.method)").path
            try AdapterFile.save(applied, to: folder)
            let fresh = model()
            let loaded = try AdapterFile.load(from: folder, into: fresh)
            XCTAssertEqual(loaded.trainable.map(\.name), applied.trainable.map(\.name))
            for (a, b) in zip(loaded.trainable, applied.trainable) { XCTAssertEqual(a.value.toArray(), b.value.toArray(), a.name) }
            XCTAssertEqual(fresh.logits(batch), m.logits(batch), "\(c.method) \(c.params)")
        }
    }

    func testMergeAndUnmergeKeepTheLogits() throws {
        for (method, params, count) in [("lora", ["r": "4"], 14), ("dora", ["r": "4"], 14), ("ia3", [:], 6), ("vera", ["r": "8"], 14)] {
            let m = model()
            let base = m.parameters.filter { $0.name.hasSuffix("proj.weight") }.map { $0.value.toArray() }
            let applied = try MethodRegistry.apply(method, to: m, overrides: params, context: MethodContext(seed: 1))
            var rng = RandomGenerator(seed: 8)
            for p in applied.trainable { for i in 0..<p.count { p.value[i] += Float(rng.nextUniform() - 0.5) * 0.4 } }
            let adapted = m.logits(batch)
            XCTAssertEqual(Merging.merge(m), count, method)
            for (a, b) in zip(m.logits(batch), adapted) { XCTAssertEqual(a, b, accuracy: 1e-4, method) }
            Merging.unmerge(m)
            for (a, b) in zip(m.logits(batch), adapted) { XCTAssertEqual(a, b, accuracy: 1e-4, method) }
            let restored = m.parameters.filter { $0.name.hasSuffix("proj.weight") }.map { $0.value.toArray() }
            for (r, b) in zip(restored, base) { for (x, y) in zip(r, b) { XCTAssertEqual(x, y, accuracy: 1e-5, method) } }
        }
    }

    func testDecodingThroughAdaptersMatchesTheFullForward() throws {
        for c in Self.cases {
            let m = model()
            let applied = try MethodRegistry.apply(c.method, to: m, overrides: c.params, context: MethodContext(seed: 1))
            var rng = RandomGenerator(seed: 8)
            for p in applied.trainable { for i in 0..<p.count { p.value[i] += Float(rng.nextUniform() - 0.5) * 0.4 } }
            let seq: [Int32] = [4, 17, 3, 9, 12]
            let full = m.logits(TokenBatch(batch: 1, length: 5, inputs: seq, targets: [Int32](repeating: -1, count: 5)))
            let cache = KVCache(config: m.config, batch: 1, capacity: 16, leftPadding: [0])
            let state = InferenceState()
            _ = m.inferStep(tokens: Array(seq.prefix(4)), cache: cache, scratch: state)
            let last = m.inferStep(tokens: [seq[4]], cache: cache, scratch: state)
            for v in 0..<20 { XCTAssertEqual(last[v], full[4 * 20 + v], accuracy: 1e-4, "\(c.method) \(c.params)") }
        }
    }
}
