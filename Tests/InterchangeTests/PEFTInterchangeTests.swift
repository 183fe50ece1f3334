import Checkpoints
import Engine
import Foundation
import Interchange
import Methods
import Model
import TestSupport
import XCTest

/// peftbench's exports loaded by the real libraries (PEFT, transformers, gguf), and adapters made by PEFT itself
/// loaded by peftbench: the same logits on the same tokens, within 1e-4, for every method with a counterpart.
final class PEFTInterchangeTests: XCTestCase {
    static let reference = repositoryRoot.appendingPathComponent("Tests/InterchangeTests/reference/torch_reference.py")
    static let ids: [[Int32]] = [[72, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100, 33], [50, 43, 50, 61, 52, 10, 84, 104, 101]]
    static let tolerance: Float = 1e-4

    /// A fresh base: the built-in tiny model (grouped-query heads, tied embeddings) with weights drawn from a seed.
    func base() throws -> LoadedModel { try ModelStore.load("tiny", seed: 11) }

    func logits(_ model: LlamaModel) -> [[Float]] {
        Self.ids.map { seq in
            model.logits(TokenBatch(batch: 1, length: seq.count, inputs: seq, targets: [Int32](repeating: 0, count: seq.count)))
        }
    }

    /// Every trained tensor of the method drawn at random, so that no part of the update is zero.
    func randomize(_ applied: AppliedMethod, seed: UInt64) {
        for p in applied.added where p.trainable {
            var rng = RandomGenerator.derived(seed: seed, stream: p.name)
            rng.fillNormal(p.value.pointer, count: p.count, std: 0.1)
            if p.name.hasSuffix("ia3_l") || p.name.hasSuffix("lora_magnitude_vector") {
                for i in 0..<p.count { p.value[i] += 1 }
            }
            p.markModified()
        }
    }

    func assertClose(_ ours: [[Float]], _ theirs: Any?, _ name: String, tolerance: Float = tolerance,
                     file: StaticString = #filePath, line: UInt = #line) {
        guard let rows = theirs as? [[Double]], rows.count == ours.count else {
            return XCTFail("\(name): no logits from the reference", file: file, line: line)
        }
        var worst: Float = 0
        for (a, b) in zip(ours, rows) {
            XCTAssertEqual(a.count, b.count, "\(name): logits count", file: file, line: line)
            for (x, y) in zip(a, b) { worst = max(worst, abs(x - Float(y))) }
        }
        XCTAssertLessThanOrEqual(worst, tolerance, "\(name): max |Δ logit| \(worst)", file: file, line: line)
        XCTAssertFalse(ours.joined().contains { !$0.isFinite }, "\(name): non-finite logits", file: file, line: line)
    }

    struct Case {
        let name: String, method: String, params: [String: String]
        var rankPattern: [String: [Bool]]? = nil
    }

    static let exported: [Case] = [
        Case(name: "lora", method: "lora", params: [:]),
        Case(name: "rslora", method: "lora", params: ["use_rslora": "true", "r": "4", "target_modules": "q_proj,v_proj"]),
        Case(name: "dora", method: "dora", params: ["r": "4"]),
        Case(name: "lora-fa", method: "lora-fa", params: [:]),
        Case(name: "adalora", method: "adalora", params: ["init_r": "6", "target_r": "4", "total_step": "10"],
             rankPattern: Dictionary(uniqueKeysWithValues: (0..<2).flatMap { l in LinearSlot.allCases.map { slot in
                 ("model.layers.\(l).\(slot.module)", (0..<6).map { ($0 + l + slot.module.count) % 3 != 0 })
             } })),
        Case(name: "vera", method: "vera", params: ["r": "16"]),
        Case(name: "ia3", method: "ia3", params: [:]),
        Case(name: "prompt", method: "prompt", params: ["num_virtual_tokens": "5", "prompt_tuning_init": "RANDOM"]),
        Case(name: "ptuning", method: "ptuning", params: ["num_virtual_tokens": "5", "encoder_hidden_size": "16"]),
        Case(name: "prefix", method: "prefix", params: ["num_virtual_tokens": "4"]),
        Case(name: "prefix-projection", method: "prefix", params: ["num_virtual_tokens": "4", "prefix_projection": "true",
                                                                    "encoder_hidden_size": "16"]),
    ]

    /// Methods whose tuned model folds into a plain llama checkpoint (`--format hf`).
    static let merged: [Case] = [
        Case(name: "lora", method: "lora", params: [:]), Case(name: "dora", method: "dora", params: ["r": "4"]),
        Case(name: "qlora", method: "qlora", params: [:]), Case(name: "lora-fa", method: "lora-fa", params: [:]),
        Case(name: "adalora", method: "adalora", params: ["init_r": "6", "target_r": "4", "total_step": "10"]),
        Case(name: "vera", method: "vera", params: ["r": "16"]), Case(name: "ia3", method: "ia3", params: [:]),
        Case(name: "bitfit", method: "bitfit", params: [:]), Case(name: "full", method: "full", params: [:]),
    ]

    func tuned(_ c: Case, seed: UInt64) throws -> (LoadedModel, AppliedMethod) {
        let loaded = try base()
        let applied = try MethodRegistry.apply(c.method, to: loaded.model, overrides: c.params,
                                               context: MethodContext(seed: 5, rankPattern: c.rankPattern))
        if c.method != "full" { randomize(applied, seed: seed) } else {
            for p in loaded.model.parameters {
                var rng = RandomGenerator.derived(seed: seed, stream: p.name)
                for i in 0..<p.count { p.value[i] += 0.01 * Float(rng.nextNormal()) }
                p.markModified()
            }
        }
        return (loaded, applied)
    }

    func testExportsLoadInPEFTAndTransformersWithTheSameLogits() throws {
        let folder = try temporaryFolder("interchange")
        let basePath = folder.appendingPathComponent("base").path
        let plainBase = try base()
        try HuggingFaceFolder.write(try PlainCheckpoint(model: plainBase.model, method: "base"), tokenizer: plainBase.tokenizer, to: basePath)
        var ours: [String: [[Float]]] = ["base": logits(plainBase.model)]
        var adapters: [[String: String]] = [], models: [[String: String]] = [["name": "base", "path": basePath]]
        for (i, c) in Self.exported.enumerated() {
            let (loaded, applied) = try tuned(c, seed: UInt64(100 + i))
            ours["peft:" + c.name] = logits(loaded.model)
            let out = folder.appendingPathComponent("peft-" + c.name).path
            try PEFTAdapter.export(applied, model: loaded.model, baseModel: basePath, to: out)
            adapters.append(["name": "peft:" + c.name, "path": out])
        }
        for (i, c) in Self.merged.enumerated() {
            let (loaded, _) = try tuned(c, seed: UInt64(200 + i))
            ours["hf:" + c.name] = logits(loaded.model)
            let out = folder.appendingPathComponent("hf-" + c.name).path
            try HuggingFaceFolder.write(try PlainCheckpoint(model: loaded.model, method: c.method), tokenizer: loaded.tokenizer, to: out)
            models.append(["name": "hf:" + c.name, "path": out])
        }
        let answer = try TorchReference.run(Self.reference, job: [
            "ids": Self.ids.map { $0.map(Int.init) }, "base": basePath, "adapters": adapters, "models": models,
        ], folder: folder)
        let theirs = answer["logits"] as? [String: Any] ?? [:]
        for name in ours.keys.sorted() { assertClose(ours[name]!, theirs[name], name) }
    }

    func testAdaptersMadeByPEFTLoadIntoPeftbenchWithTheSameLogits() throws {
        let folder = try temporaryFolder("interchange")
        let basePath = folder.appendingPathComponent("base").path
        let plainBase = try base()
        try HuggingFaceFolder.write(try PlainCheckpoint(model: plainBase.model, method: "base"), tokenizer: plainBase.tokenizer, to: basePath)
        let all = LinearSlot.allCases.map(\.rawValue)
        let made: [(name: String, type: String, config: [String: Any], method: String)] = [
            ("lora", "LORA", ["r": 4, "lora_alpha": 8, "target_modules": all], "lora"),
            ("rslora", "LORA", ["r": 4, "lora_alpha": 8, "use_rslora": true, "target_modules": ["q_proj", "v_proj"]], "lora"),
            ("dora", "LORA", ["r": 4, "lora_alpha": 8, "use_dora": true, "target_modules": all], "dora"),
            ("adalora", "ADALORA", ["init_r": 6, "target_r": 4, "total_step": 10, "target_modules": all], "adalora"),
            ("vera", "VERA", ["r": 16, "target_modules": all], "vera"),
            ("ia3", "IA3", ["target_modules": ["k_proj", "v_proj", "down_proj"], "feedforward_modules": ["down_proj"]], "ia3"),
            ("prompt", "PROMPT_TUNING", ["num_virtual_tokens": 5], "prompt"),
            ("ptuning", "P_TUNING", ["num_virtual_tokens": 5, "encoder_hidden_size": 16], "ptuning"),
            ("prefix", "PREFIX_TUNING", ["num_virtual_tokens": 4], "prefix"),
            ("prefix-projection", "PREFIX_TUNING", ["num_virtual_tokens": 4, "prefix_projection": true, "encoder_hidden_size": 16], "prefix"),
        ]
        let answer = try TorchReference.run(Self.reference, job: [
            "ids": Self.ids.map { $0.map(Int.init) }, "base": basePath,
            "make_adapters": made.map { ["name": $0.name, "type": $0.type, "config": $0.config,
                                         "out": folder.appendingPathComponent("made-" + $0.name).path] },
        ], folder: folder)
        let theirs = answer["logits"] as? [String: Any] ?? [:]
        for m in made {
            let loaded = try base()
            let imported = try PEFTAdapter.load(from: folder.appendingPathComponent("made-" + m.name).path, into: loaded.model)
            XCTAssertEqual(imported.method, m.method, m.name)
            XCTAssertEqual(imported.layout, "peft")
            assertClose(logits(loaded.model), theirs[m.name], "made by peft: " + m.name)
        }
    }
}
