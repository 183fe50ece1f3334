import Engine
import Foundation
import TestSupport
import XCTest

/// Runs the `peftbench` executable that `swift test` built beside the test bundle.
struct CLI {
    typealias Output = Command.Output

    static var executable: URL {
        let productsDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return productsDir.appendingPathComponent("peftbench")
    }

    static func requireBuilt() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: executable.path), "peftbench was not built beside the tests")
    }

    func run(_ args: [String], environment: [String: String]? = nil, timeout: TimeInterval = 900,
             file: StaticString = #filePath, line: UInt = #line) throws -> Output {
        try Command.run(Self.executable.path, args, environment: environment, timeout: timeout, file: file, line: line)
    }

    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}

final class CLITests: XCTestCase {
    let cli = CLI()
    func run(_ args: [String], environment: [String: String]? = nil) throws -> CLI.Output { try cli.run(args, environment: environment) }
    func json(_ text: String) throws -> [String: Any] { try cli.json(text) }

    override func setUpWithError() throws { try CLI.requireBuilt() }

    func testHelpListsSubcommands() throws {
        let r = try run(["--help"])
        XCTAssertEqual(r.status, 0)
        for word in ["env", "bench"] { XCTAssertTrue(r.stdout.contains(word), r.stdout) }
        let bench = try run(["bench", "train", "--help"])
        XCTAssertTrue(bench.stdout.contains("--batch"), bench.stdout)
    }

    func testBadInputGivesOneLineAndNonZeroExit() throws {
        for args in [["bench", "train", "--bogus"], ["bench", "train", "--batch", "x"], ["bench", "train", "--batch", "0"],
                     ["bench", "train", "--model", "nope"], ["bench", "train", "--method", "nope"], ["frobnicate"],
                     ["bench", "gemm", "--repeats", "0"], ["env", "--threads", "0"]] {
            let r = try run(args)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            let lines = r.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("peftbench: "), r.stderr)
            XCTAssertTrue(r.stdout.isEmpty, r.stdout)
        }
    }

    /// Nested aliases whose expansion explodes (a "billion laughs" in 13 lines, hashed as mapping keys while the tree
    /// is built) are refused from the event stream in well under a second, in a run config and in a suite file; a file
    /// of modest aliases still reads.
    func testAYAMLAliasBombIsRefusedAtOnce() throws {
        let dir = try temporaryFolder()
        var bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for i in 1...8 { bomb.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]") }
        bomb.append("k: {? *a8 : 1, ? *a7 : 2}")
        for (name, head) in [("run.yaml", ["task: e2e", "method: lora"]), ("suite.yaml", ["name: bomb", "tasks: [e2e]", "methods: [lora]"])] {
            let path = dir.appendingPathComponent(name).path
            try ((bomb + head).joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            let started = Date()
            let r = try run(name == "run.yaml" ? ["run", "--config", path, "--steps", "1"] : ["suite", "status", path])
            XCTAssertLessThan(Date().timeIntervalSince(started), 10, "\(name): took too long to refuse")
            XCTAssertNotEqual(r.status, 0)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("\(path):5: aliases expand this file past 100000 nodes"), r.stderr)
        }
        // Anchors and aliases within reason are YAML as usual.
        let fine = dir.appendingPathComponent("fine.yaml").path
        try "task: e2e\nmethod: lora\nmodel: tiny\nsteps: 1\nbatch: &b 2\neval_batch: *b\nparams: {r: &r 4, lora_alpha: *r}\n"
            .write(toFile: fine, atomically: true, encoding: .utf8)
        let r = try run(["run", "--config", fine, "--out", dir.appendingPathComponent("runs").path, "--eval-limit", "1", "--forgetting-examples", "0"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let result = try json(String(contentsOfFile: r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + "/result.json", encoding: .utf8))
        XCTAssertEqual((result["spec"] as? [String: Any])?["eval_batch"] as? Int, 2, "an alias reads as its anchor's value")
    }

    func testEnvReportsAKernelThatFitsTheCPU() throws {
        let r = try run(["env", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try json(r.stdout)
        let core = try XCTUnwrap(report["openblas_core"] as? String)
        XCTAssertEqual(report["openblas_threads"] as? Int, CPUInfo.current.logicalCores)
        if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil {
            XCTAssertNil(BLASRuntime.preferredCoreType(loadedCore: core, cpu: .current, environment: [:]),
                         "peftbench runs on \(core), slower than this CPU allows")
        }
        let threads = try json(try run(["env", "--json", "--threads", "1"]).stdout)
        XCTAssertEqual(threads["openblas_threads"] as? Int, 1)
    }

    func testBenchTrainPrintsTheFigures() throws {
        let r = try run(["bench", "train", "--model", "tiny", "--method", "full", "--batch", "2", "--seq", "16",
                         "--steps", "2", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try json(r.stdout)
        for key in ["tokens_per_s", "gflops", "mfu", "sgemm_gflops", "peak_rss_bytes"] {
            let value = try XCTUnwrap(report[key] as? Double ?? (report[key] as? Int).map(Double.init), key)
            XCTAssertGreaterThan(value, 0, key)
        }
        XCTAssertEqual(report["trainable_parameters"] as? Int, report["total_parameters"] as? Int)
    }

    func testBenchGEMMReportsEveryShape() throws {
        let r = try run(["bench", "gemm", "--repeats", "1", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let results = try XCTUnwrap(try json(r.stdout)["results"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(results.count, 8)
        for row in results { XCTAssertGreaterThan(row["gflops"] as? Double ?? 0, 0) }
    }
}
