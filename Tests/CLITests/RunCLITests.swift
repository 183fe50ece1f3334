import Foundation
import TestSupport
import XCTest

/// `run`, `compare` and `report` on the tiny model with the shipped task data.
final class RunCLITests: XCTestCase {
    let cli = CLI()
    var tasksDir: String { repositoryRoot.appendingPathComponent("tasks").path }

    override func setUpWithError() throws { try CLI.requireBuilt() }

    /// A small budget: a few steps, a few evaluation examples, short probes.
    func run(_ task: String, _ method: String, out: URL, extra: [String] = []) throws -> CLI.Output {
        try cli.run(["run", "--task", task, "--method", method, "--model", "tiny", "--steps", "3", "--batch", "2", "--seq", "96",
                     "--eval-limit", "3", "--eval-batch", "2", "--forgetting-examples", "2", "--tasks-dir", tasksDir,
                     "--out", out.path, "--threads", "1"] + extra,
                    environment: ["PEFTBENCH_CACHE": out.appendingPathComponent("cache").path, "PEFTBENCH_METEOR_DIR": Self.meteorFolder])
    }

    /// METEOR's resources where the setup step put them (the runs themselves get a fresh cache).
    static var meteorFolder: String {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["PEFTBENCH_METEOR_DIR"], !dir.isEmpty { return dir }
        return (env["PEFTBENCH_CACHE"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory() + "/.cache/peftbench") + "/meteor-1.5"
    }

    func object(_ url: URL) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    func testEveryTaskRunsAndLeavesItsFiles() throws {
        let out = try temporaryFolder()
        let generation = ["e2e-bleu", "e2e-nist", "e2e-meteor", "e2e-rouge-l", "e2e-cider", "sacrebleu"]
        let expectedMetrics = ["e2e": generation, "webnlg": generation,
                               "gsm8k": ["gsm8k-strict", "gsm8k-flexible"], "coqa": ["f1", "em"]]
        for (task, metrics) in expectedMetrics.sorted(by: { $0.key < $1.key }) {
            let r = try run(task, "lora", out: out)
            XCTAssertEqual(r.status, 0, "\(task): \(r.stderr)")
            let folder = URL(fileURLWithPath: r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            let result = try object(folder.appendingPathComponent("result.json"))
            XCTAssertEqual(result["schema"] as? String, "peftbench.run/1")
            XCTAssertEqual(result["status"] as? String, "completed")
            for key in ["runID", "spec", "method", "budget", "data", "model", "environment", "lossCurve", "metrics",
                        "calibration", "forgetting", "cost", "startedAt", "finishedAt"] {
                XCTAssertNotNil(result[key], "\(task): result.json lacks \(key)")
            }
            let names = (result["metrics"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            XCTAssertEqual(names, metrics, task)
            for m in result["metrics"] as? [[String: Any]] ?? [] {
                XCTAssertEqual((m["ci95"] as? [Double])?.count, 2)
                XCTAssertFalse((m["signature"] as? String ?? "").isEmpty)
            }
            XCTAssertEqual((result["lossCurve"] as? [Any])?.count, 3)
            let data = try XCTUnwrap(result["data"] as? [[String: Any]])
            XCTAssertEqual(Set(data.compactMap { $0["origin"] as? String }), ["shipped"])
            XCTAssertEqual(data.compactMap { ($0["sha256"] as? String)?.count }, [64, 64])
            let forgetting = try XCTUnwrap(result["forgetting"] as? [[String: Any]])
            XCTAssertEqual(forgetting.count, 4, "model-sampled probe and the three other tasks")
            let calibration = try XCTUnwrap(result["calibration"] as? [String: Any])
            XCTAssertNotNil(calibration["tokenLevel"])
            if task == "gsm8k" || task == "coqa" { XCTAssertNotNil(calibration["answerLevel"], task) }
            let cost = try XCTUnwrap(result["cost"] as? [String: Any])
            XCTAssertGreaterThan(cost["trainableParameters"] as? Int ?? 0, 0)
            XCTAssertGreaterThan(cost["adapterBytes"] as? Int ?? 0, 0)
            let lines = try String(contentsOf: folder.appendingPathComponent("predictions.jsonl"), encoding: .utf8).split(separator: "\n")
            XCTAssertEqual(lines.count, 3)
            let first = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
            for key in ["prompt", "prediction", "references", "scores", "confidence"] { XCTAssertNotNil(first[key], "\(task): \(key)") }
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("adapter/adapter_model.safetensors").path))
            try assertScoreCommandAgrees(folder: folder, metrics: try XCTUnwrap(result["metrics"] as? [[String: Any]]), task: task)
        }
        let report = try cli.run(["report", "--runs", out.path, "--out", out.appendingPathComponent("report").path])
        XCTAssertEqual(report.status, 0, report.stderr)
        let indexPath = report.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let index = try String(contentsOfFile: indexPath, encoding: .utf8)
        // The overview ranks by each task's headline metric (the first its task file lists), with its scale.
        for column in ["e2e e2e-bleu (0-1)", "webnlg e2e-bleu (0-1)", "gsm8k gsm8k-strict (0-100)", "coqa f1 (0-100)"] {
            XCTAssertTrue(index.contains(column), column)
        }
        // Each task's page names every metric as the registry does, with the scale its result file records.
        var pages = ""
        for task in expectedMetrics.keys {
            let page = URL(fileURLWithPath: indexPath).deletingLastPathComponent().appendingPathComponent("tasks/\(task).html")
            pages += try String(contentsOf: page, encoding: .utf8)
            XCTAssertTrue(pages.contains("<h1>\(task)</h1>"), task)
        }
        for column in ["e2e-bleu (0-1)", "e2e-nist (0-∞)", "sacrebleu (0-100)", "em (0-100)", "f1 (0-100)", "gsm8k-strict (0-100)"] {
            XCTAssertTrue(pages.contains(column), column)
        }
    }

    /// One metric, one definition: `score --metric NAME` on a run's predictions gives the run's score, scale and
    /// per-example scores (CoQA's EM and F1 on 0-100 in both).
    func assertScoreCommandAgrees(folder: URL, metrics: [[String: Any]], task: String) throws {
        let predictions = try String(contentsOf: folder.appendingPathComponent("predictions.jsonl"), encoding: .utf8).split(separator: "\n")
            .map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        // GSM8K's solutions span lines; its answers are read from '#### N' or the last number, which a newline
        // turned into a space does not move. Every other task's texts are single lines (generation stops at one).
        let flatten: (String) -> String = { task == "gsm8k" ? $0.replacingOccurrences(of: "\n", with: " ") : $0 }
        let hyps = predictions.map { flatten($0["prediction"] as? String ?? "") }
        let refs = predictions.map { ($0["references"] as? [String] ?? []).map(flatten) }
        XCTAssertFalse((hyps + refs.flatMap { $0 }).contains { $0.contains("\n") || $0.contains("\r") }, "\(task): one line per segment")
        let hypFile = folder.appendingPathComponent("check.hyp"), refFile = folder.appendingPathComponent("check.refs")
        try (hyps.joined(separator: "\n") + "\n").write(to: hypFile, atomically: true, encoding: .utf8)
        try (refs.map { $0.joined(separator: "\n") }.joined(separator: "\n\n") + "\n").write(to: refFile, atomically: true, encoding: .utf8)
        for m in metrics {
            let name = try XCTUnwrap(m["name"] as? String)
            let r = try cli.run(["score", "--metric", name, "--hyp", hypFile.path, "--refs-grouped", refFile.path, "--json"],
                                environment: ["PEFTBENCH_METEOR_DIR": Self.meteorFolder, "HOME": NSHomeDirectory()])
            XCTAssertEqual(r.status, 0, "\(task) \(name): \(r.stderr)")
            let out = try cli.json(r.stdout)
            XCTAssertEqual(out["score"] as? Double ?? .nan, m["score"] as? Double ?? -1, accuracy: 1e-12, "\(task) \(name)")
            XCTAssertEqual(out["scale"] as? String, m["scale"] as? String, "\(task) \(name)")
            XCTAssertEqual(out["signature"] as? String, m["signature"] as? String, "\(task) \(name)")
            XCTAssertEqual(out["ci95"] as? [Double], m["ci95"] as? [Double], "\(task) \(name): the same interval from the same seed")
            let segments = try XCTUnwrap(out["scores"] as? [Double])
            XCTAssertEqual(segments, predictions.map { ($0["scores"] as? [String: Double])?[name] ?? .nan }, "\(task) \(name)")
        }
    }

    /// Same seed and thread count: the same metrics, loss curve and predictions, byte for byte.
    func testRunsAreReproducible() throws {
        let a = try temporaryFolder(), b = try temporaryFolder()
        var folders: [URL] = []
        for out in [a, b] {
            let r = try run("e2e", "lora", out: out, extra: ["--param", "lora_dropout=0.1"])
            XCTAssertEqual(r.status, 0, r.stderr)
            folders.append(URL(fileURLWithPath: r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        XCTAssertEqual(folders[0].lastPathComponent, folders[1].lastPathComponent, "same spec, same run id")
        XCTAssertEqual(try Data(contentsOf: folders[0].appendingPathComponent("predictions.jsonl")),
                       try Data(contentsOf: folders[1].appendingPathComponent("predictions.jsonl")))
        let results = try folders.map { try object($0.appendingPathComponent("result.json")) }
        for key in ["metrics", "lossCurve", "calibration", "forgetting", "budget"] {
            let encoded = try results.map { try JSONSerialization.data(withJSONObject: $0[key]!, options: [.sortedKeys]) }
            XCTAssertEqual(encoded[0], encoded[1], key)
        }
        // A completed run is kept, not redone.
        let again = try run("e2e", "lora", out: a, extra: ["--param", "lora_dropout=0.1"])
        XCTAssertEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("already completed"), again.stderr)
    }

    /// Model output is untrusted: a prediction that is markup must reach the page as text.
    func testReportEscapesModelOutput() throws {
        let out = try temporaryFolder()
        let r = try run("coqa", "ia3", out: out)
        XCTAssertEqual(r.status, 0, r.stderr)
        let folder = URL(fileURLWithPath: r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let payloads = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(2)>", "&lt;b&gt;entity&lt;/b&gt;"]
        let path = folder.appendingPathComponent("predictions.jsonl")
        var lines = try String(contentsOf: path, encoding: .utf8).split(separator: "\n").map(String.init)
        for (i, payload) in payloads.enumerated() {
            var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[i].utf8)) as? [String: Any])
            object["prediction"] = payload
            object["references"] = [payload]
            lines[i] = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        }
        try (lines.joined(separator: "\n") + "\n").write(to: path, atomically: true, encoding: .utf8)
        let report = try cli.run(["report", "--runs", out.path, "--out", out.appendingPathComponent("report").path])
        XCTAssertEqual(report.status, 0, report.stderr)
        let page = try String(contentsOf: out.appendingPathComponent("report/runs/\(folder.lastPathComponent).html"), encoding: .utf8)
        XCTAssertFalse(page.contains("<script>alert(1)"), "raw script in the page")
        XCTAssertFalse(page.contains("<img src=x"), "raw img in the page")
        XCTAssertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertTrue(page.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"))
        XCTAssertTrue(page.contains("&amp;lt;b&amp;gt;entity"), "an entity in the data is shown as written")
    }

    /// A learning rate that blows the weights up: the run stops at the first non-finite loss and says so.
    func testDivergenceIsRecorded() throws {
        let out = try temporaryFolder()
        let r = try run("gsm8k", "full", out: out, extra: ["--learning-rate", "1e30", "--steps", "6"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("diverged"), r.stderr)
        let folder = try XCTUnwrap(try FileManager.default.contentsOfDirectory(at: out, includingPropertiesForKeys: nil)
            .first { $0.lastPathComponent.hasPrefix("gsm8k-full") })
        let result = try object(folder.appendingPathComponent("result.json"))
        XCTAssertEqual(result["status"] as? String, "diverged")
        XCTAssertLessThan((result["lossCurve"] as? [Any])?.count ?? 99, 6)
        XCTAssertTrue((result["error"] as? String ?? "").contains("training stopped"))
    }

    /// A wall-clock cap ends training early and the result says so; --save-model keeps the tuned weights.
    func testWallClockLimitAndSavedModel() throws {
        let out = try temporaryFolder()
        let r = try run("e2e", "full", out: out, extra: ["--steps", "40", "--wall-clock-limit", "0.01", "--save-model"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let folder = URL(fileURLWithPath: r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let budget = try XCTUnwrap(try object(folder.appendingPathComponent("result.json"))["budget"] as? [String: Any])
        XCTAssertEqual(budget["cutShort"] as? Bool, true)
        XCTAssertLessThan(budget["stepsRun"] as? Int ?? 40, 40)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("model.safetensors").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("adapter").path))
    }

    func testBadRunInputIsOneLine() throws {
        let out = try temporaryFolder()
        let config = out.appendingPathComponent("bad.yaml")
        try "task: e2e\nmethod: lora\nstepz: 3\n".write(to: config, atomically: true, encoding: .utf8)
        for (args, fragment) in [
            (["run", "--task", "e2e", "--method", "nope", "--model", "tiny", "--tasks-dir", tasksDir, "--out", out.path], "nope"),
            (["run", "--task", "nope", "--method", "lora", "--model", "tiny", "--tasks-dir", tasksDir, "--out", out.path], "no task named 'nope'"),
            (["run", "--task", "e2e", "--method", "lora", "--steps=-1"], "steps must be at least 0"),
            (["run", "--task", "e2e", "--method", "lora", "--steps", "0", "--learning-rate", "select"], "select needs training steps"),
            (["run", "--method", "lora"], "--task and --method"),
            (["run", "--config", config.path], "unknown key 'stepz'"),
            (["run", "--task", "e2e", "--method", "lora", "--model", "tiny", "--param", "r=x", "--tasks-dir", tasksDir, "--out", out.path], "r"),
            (["report", "--runs", out.appendingPathComponent("none").path], "no such runs folder"),
            (["run", "--task", "e2e", "--method", "lora", "--model", "tiny", "--learning-rate", "select", "--tasks-dir", tasksDir, "--out", out.path],
             "learning_rate: select is chosen by a suite"),
            (["run", "--task", "e2e", "--method", "lora", "--learning-rate", "fast"], "not a positive number or select"),
            (["run", "--task", "e2e", "--method", "lora", "--eval-split", "train"], "eval_split must be test, validation or selection"),
        ] {
            let r = try cli.run(args)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(fragment), "\(args): \(r.stderr)")
        }
    }
}
