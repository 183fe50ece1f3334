import Foundation
import TestSupport
import XCTest

/// `export` and `run --adapter` as a user runs them: a trained adapter leaves in PEFT's layout, comes back as an
/// evaluation-only run (`steps: 0`), and predicts exactly what the run that trained it predicted.
extension RunCLITests {
    func predictions(_ folder: URL) throws -> [String] {
        try String(contentsOf: folder.appendingPathComponent("predictions.jsonl"), encoding: .utf8).split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["prediction"] as? String ?? "?"
        }
    }

    func testAnExportedAdapterEvaluatesAsTheRunThatTrainedIt() throws {
        let out = try temporaryFolder()
        let environment = ["PEFTBENCH_CACHE": out.appendingPathComponent("cache").path, "PEFTBENCH_METEOR_DIR": RunCLITests.meteorFolder]
        for method in ["lora", "ia3", "prefix"] {
            let trained = try run("e2e", method, out: out)
            XCTAssertEqual(trained.status, 0, trained.stderr)
            let runFolder = URL(fileURLWithPath: trained.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            let exported = out.appendingPathComponent("peft-\(method)")
            let e = try cli.run(["export", "--run", runFolder.path, "--format", "peft", exported.path])
            XCTAssertEqual(e.status, 0, e.stderr)
            let config = try object(exported.appendingPathComponent("adapter_config.json"))
            XCTAssertNotNil(config["peft_type"])
            // The method comes from the adapter; no training, the same evaluation.
            let imported = try cli.run(["run", "--task", "e2e", "--adapter", exported.path, "--steps", "0", "--model", "tiny", "--batch", "2",
                                        "--seq", "96", "--eval-limit", "3", "--eval-batch", "2", "--forgetting-examples", "2",
                                        "--tasks-dir", tasksDir, "--out", out.appendingPathComponent("imported").path, "--threads", "1"],
                                       environment: environment)
            XCTAssertEqual(imported.status, 0, imported.stderr)
            let importFolder = URL(fileURLWithPath: imported.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            let result = try object(importFolder.appendingPathComponent("result.json"))
            XCTAssertEqual(result["status"] as? String, "completed")
            XCTAssertEqual((result["method"] as? [String: Any])?["name"] as? String, method)
            XCTAssertEqual((result["budget"] as? [String: Any])?["stepsRun"] as? Int, 0)
            XCTAssertEqual((result["adapter"] as? [String: Any])?["layout"] as? String, "peft")
            XCTAssertEqual(try predictions(importFolder), try predictions(runFolder), method)
            XCTAssertFalse(try predictions(runFolder).isEmpty)
        }
        // A suite lists an adapter beside its methods: an evaluation-only entry.
        let suite = out.appendingPathComponent("with-adapter.yaml")
        try """
        name: with-adapter
        model: tiny
        tasks: [e2e]
        methods:
          - lora
          - name: lora-imported
            adapter: \(out.appendingPathComponent("peft-lora").path)
            steps: 0
        seeds: [0]
        budget: {steps: 3, batch: 2, seq: 96}
        evaluation: {eval_limit: 3, eval_batch: 2, forgetting_examples: 2}
        """.write(to: suite, atomically: true, encoding: .utf8)
        let suiteOut = out.appendingPathComponent("suite").path
        let r = try cli.run(["suite", "run", suite.path, "--out", suiteOut, "--no-report", "--tasks-dir", tasksDir, "--threads", "1"],
                            environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)
        let summary = try object(URL(fileURLWithPath: suiteOut).appendingPathComponent("suite.json"))
        XCTAssertTrue("\(summary)".contains("lora-imported"), "the adapter entry is in suite.json")
    }

    func testExportsAndRefusals() throws {
        let out = try temporaryFolder()
        let trained = try run("e2e", "lora", out: out)
        XCTAssertEqual(trained.status, 0, trained.stderr)
        let runFolder = trained.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let hf = out.appendingPathComponent("hf").path
        XCTAssertEqual(try cli.run(["export", "--run", runFolder, "--format", "hf", hf]).status, 0)
        for name in ["config.json", "model.safetensors", "generation_config.json", "tokenizer.json", "tokenizer_config.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: hf + "/" + name), name)
        }
        let gguf = out.appendingPathComponent("tuned.gguf").path
        XCTAssertEqual(try cli.run(["export", "--run", runFolder, "--format", "gguf", "--type", "q8_0", gguf]).status, 0)
        for model in [hf, gguf] {
            let info = try cli.run(["model", "info", "--model", model, "--json"])
            XCTAssertEqual(info.status, 0, info.stderr)
            XCTAssertEqual(try cli.json(info.stdout)["architecture"] as? String, "llama")
        }
        let base = out.appendingPathComponent("base").path
        XCTAssertEqual(try cli.run(["export", "--model", "tiny", "--format", "hf", base]).status, 0)

        let prompt = try run("e2e", "prompt", out: out)
        let full = try run("e2e", "full", out: out)
        let cases: [([String], String)] = [
            (["export", "--run", prompt.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "--format", "hf", out.path + "/x"], "virtual tokens"),
            (["export", "--run", full.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "--format", "peft", out.path + "/x"], "not an adapter"),
            (["export", "--run", full.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "--format", "hf", out.path + "/x"], "--save-model"),
            (["export", "--run", out.path + "/nothing", "--format", "peft", out.path + "/x"], "result.json"),
            (["export", "--model", "tiny", "--format", "peft", out.path + "/x"], "--run"),
            (["export", "--model", "tiny", "--format", "gguf", "--type", "q4", out.path + "/x"], "--type"),
            (["run", "--task", "e2e", "--adapter", out.path + "/nothing", "--model", "tiny", "--steps", "0"], "adapter_config.json"),
        ]
        for (args, phrase) in cases {
            let r = try cli.run(args)
            XCTAssertNotEqual(r.status, 0, args.joined(separator: " "))
            let lines = r.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(phrase), "\(args[0...2]): \(r.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path + "/x"), "a refused export leaves nothing")
    }
}
