import Foundation
import XCTest

/// `model`, `generate` and the real-model benchmarks, run as a user runs them.
final class ModelCLITests: XCTestCase {
    let cli = CLI()

    override func setUpWithError() throws { try CLI.requireBuilt() }

    func requireModel() throws {
        if ProcessInfo.processInfo.environment["PEFTBENCH_SKIP_MODEL_TESTS"] == "1" { throw XCTSkip("PEFTBENCH_SKIP_MODEL_TESTS=1") }
    }

    func writeJSON(_ value: Any, _ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("peftbench-cli-\(getpid())-\(name)").path
        try JSONSerialization.data(withJSONObject: value).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testMissingNamedModelSaysHowToFetchIt() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("peftbench-empty-cache-\(getpid())").path
        var env = ProcessInfo.processInfo.environment
        env["PEFTBENCH_CACHE"] = empty
        let r = try cli.run(["model", "info", "--model", "smollm2-135m"], environment: env)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("fetch it with: bash scripts/fetch-model.sh"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1)
    }

    func testBadModelAndTextsInputsAreOneLineErrors() throws {
        let notJSON = FileManager.default.temporaryDirectory.appendingPathComponent("peftbench-cli-\(getpid())-bad.json").path
        try "[1, 2".write(toFile: notJSON, atomically: true, encoding: .utf8)
        let truncated = FileManager.default.temporaryDirectory.appendingPathComponent("peftbench-cli-\(getpid())-cut.gguf").path
        try Data("GGUF\u{3}\0\0\0".utf8).write(to: URL(fileURLWithPath: truncated))
        for args in [["model", "info", "--model", "/nonexistent/model.gguf"], ["model", "info", "--model", truncated],
                     ["model", "tokenize", "--model", "tiny", "--texts", notJSON],
                     ["model", "tokenize", "--model", "tiny", "--texts", "/nonexistent.json"],
                     ["generate", "--prompt", "x", "--top-p", "2"]] {
            let r = try cli.run(args)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(args): \(r.stderr)")
        }
    }

    func testModelInfo() throws {
        try requireModel()
        let r = try cli.run(["model", "info", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let info = try cli.json(r.stdout)
        XCTAssertEqual(info["parameters"] as? Int, 134_515_008)
        XCTAssertEqual(info["tensor_types"] as? [String: Int], ["F32": 61, "Q4_1": 210, "Q8_0": 1])
        XCTAssertEqual((info["config"] as? [String: Any])?["num_key_value_heads"] as? Int, 3)
    }

    func testTokenizeAndNLL() throws {
        try requireModel()
        let texts = try writeJSON(["Once upon a time, a small robot lived in a quiet village by the sea.", "Rockets 🚀"], "texts.json")
        let tok = try cli.run(["model", "tokenize", "--texts", texts])
        XCTAssertEqual(tok.status, 0, tok.stderr)
        let ids = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(tok.stdout.utf8)) as? [[Int]])
        XCTAssertEqual(ids[0], [6403, 1980, 253, 655, 28, 253, 1165, 8085, 4161, 281, 253, 8354, 6560, 411, 260, 3426, 30])
        let nll = try cli.run(["model", "nll", "--texts", texts])
        XCTAssertEqual(nll.status, 0, nll.stderr)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(nll.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows[0]["tokens"] as? Int, 17)
        XCTAssertEqual(rows[0]["nll_mean"] as? Double ?? 0, 3.357926263546689, accuracy: 1e-3)
    }

    func testGenerateJSONAndStopStrings() throws {
        try requireModel()
        let r = try cli.run(["generate", "--prompt", "Once upon a time, a small robot lived in a quiet village by the sea.",
                             "--max-new-tokens", "8", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let out = try cli.json(r.stdout)
        XCTAssertEqual(out["ids"] as? [Int], [378, 6560, 436, 1217, 5899, 32521, 4260, 28])
        XCTAssertEqual((out["logprobs"] as? [Double])?.count, 8)
        XCTAssertEqual(out["text"] as? String, " The village was called Brindlemark,")
        let stopped = try cli.json(try cli.run(["generate", "--prompt", "Once upon a time, a small robot lived in a quiet village by the sea.",
                                                "--max-new-tokens", "20", "--stop", "called", "--json"]).stdout)
        XCTAssertEqual(stopped["text"] as? String, " The village was ")
        XCTAssertEqual(stopped["finish"] as? String, "stop")
        let chat = try cli.run(["generate", "--prompt", "Name three colors.", "--chat", "--max-new-tokens", "30"])
        XCTAssertEqual(chat.status, 0, chat.stderr)
        XCTAssertFalse(chat.stdout.contains("<|im_end|>"))
    }
}
