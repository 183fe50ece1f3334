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
final class PEFTInterchangeTests: XCTestCase, TinyModels {
    static let exported: [MethodCase] = [
        MethodCase(name: "lora", method: "lora", params: [:]),
        MethodCase(name: "rslora", method: "lora", params: ["use_rslora": "true", "r": "4", "target_modules": "q_proj,v_proj"]),
        MethodCase(name: "dora", method: "dora", params: ["r": "4"]),
        MethodCase(name: "lora-fa", method: "lora-fa", params: [:]),
        MethodCase(name: "adalora", method: "adalora", params: ["init_r": "6", "target_r": "4", "total_step": "10"],
             rankPattern: Dictionary(uniqueKeysWithValues: (0..<2).flatMap { l in LinearSlot.allCases.map { slot in
                 ("model.layers.\(l).\(slot.module)", (0..<6).map { ($0 + l + slot.module.count) % 3 != 0 })
             } })),
        MethodCase(name: "vera", method: "vera", params: ["r": "16"]),
        MethodCase(name: "ia3", method: "ia3", params: [:]),
        MethodCase(name: "prompt", method: "prompt", params: ["num_virtual_tokens": "5", "prompt_tuning_init": "RANDOM"]),
        MethodCase(name: "ptuning", method: "ptuning", params: ["num_virtual_tokens": "5", "encoder_hidden_size": "16"]),
        MethodCase(name: "prefix", method: "prefix", params: ["num_virtual_tokens": "4"]),
        MethodCase(name: "prefix-projection", method: "prefix", params: ["num_virtual_tokens": "4", "prefix_projection": "true",
                                                                    "encoder_hidden_size": "16"]),
    ]

    /// Methods whose tuned model folds into a plain llama checkpoint (`--format hf`).
    static let merged: [MethodCase] = [
        MethodCase(name: "lora", method: "lora", params: [:]), MethodCase(name: "dora", method: "dora", params: ["r": "4"]),
        MethodCase(name: "qlora", method: "qlora", params: [:]), MethodCase(name: "lora-fa", method: "lora-fa", params: [:]),
        MethodCase(name: "adalora", method: "adalora", params: ["init_r": "6", "target_r": "4", "total_step": "10"]),
        MethodCase(name: "vera", method: "vera", params: ["r": "16"]), MethodCase(name: "ia3", method: "ia3", params: [:]),
        MethodCase(name: "bitfit", method: "bitfit", params: [:]), MethodCase(name: "full", method: "full", params: [:]),
    ]

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
        let answer = try TorchReference.run(reference, job: [
            "ids": ids.map { $0.map(Int.init) }, "base": basePath, "adapters": adapters, "models": models,
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
        let answer = try TorchReference.run(reference, job: [
            "ids": ids.map { $0.map(Int.init) }, "base": basePath,
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
