import Foundation
import TestSupport
import XCTest

final class TasksCLITests: XCTestCase {
    let cli = CLI()
    var tasksDir: String { repositoryRoot.appendingPathComponent("tasks").path }

    override func setUpWithError() throws { try CLI.requireBuilt() }

    func testInspectCountsTheShippedData() throws {
        let expected: [(String, String, Int)] = [
            ("e2e", "tasks/data/e2e/validation.csv", 150), ("webnlg", "tasks/data/webnlg/validation.xml", 200),
            ("gsm8k", "tasks/data/gsm8k/validation.jsonl", 200), ("coqa", "tasks/data/coqa/validation.json", 305),
        ]
        for (format, relative, examples) in expected {
            let path = repositoryRoot.appendingPathComponent(relative).path
            let r = try cli.run(["tasks", "inspect", "--format", format, path, "--json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let json = try cli.json(r.stdout)
            XCTAssertEqual(json["examples"] as? Int, examples, relative)
            XCTAssertGreaterThanOrEqual(json["references"] as? Int ?? 0, examples, relative)
            XCTAssertEqual((json["sha256"] as? String)?.count, 64)
        }
    }

    func testListShowsShippedSources() throws {
        let r = try cli.run(["tasks", "list", "--tasks-dir", tasksDir, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows.compactMap { $0["name"] as? String }, ["coqa", "e2e", "gsm8k", "webnlg"])
        for row in rows {
            let splits = try XCTUnwrap(row["splits"] as? [String: [String: Any]])
            XCTAssertEqual(Set(splits.compactMap { $0.value["origin"] as? String }), ["shipped"])
        }
        let show = try cli.run(["tasks", "show", "e2e", "--tasks-dir", tasksDir, "--limit", "1"])
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertTrue(show.stdout.contains("Meaning representation: name["), show.stdout)
    }

    func testSynthWritesFilesTheLoadersRead() throws {
        let out = try temporaryFolder()
        let r = try cli.run(["tasks", "synth", "--format", "gsm8k", "--out", out.path, "--train", "30", "--validation", "5", "--test", "5"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("train.jsonl: calculator_annotations"), r.stdout)
        let lines = try String(contentsOf: out.appendingPathComponent("gsm8k/train.jsonl"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 30)
    }

    func testBadInputIsOneLine() throws {
        let folder = try temporaryFolder()
        let bad = folder.appendingPathComponent("bad.jsonl")
        try Data("{\"question\": \"q\", \"answer\": \"#### 1\"}\n{oops\n".utf8).write(to: bad)
        for (args, fragment) in [
            (["tasks", "inspect", "--format", "gsm8k", bad.path], "bad.jsonl: line 2: not valid JSON"),
            (["tasks", "inspect", "--format", "csv", bad.path], "csv"),
            (["tasks", "inspect", "--format", "e2e", folder.appendingPathComponent("none.csv").path], "no such file"),
            (["tasks", "show", "nope", "--tasks-dir", tasksDir], "no task named 'nope'"),
            (["tasks", "download", "nope"], "unknown task 'nope'"),
            (["tasks", "list", "--tasks-dir", folder.appendingPathComponent("missing").path], "missing: no such folder (given by --tasks-dir)"),
        ] {
            let r = try cli.run(args)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(fragment), "\(args): \(r.stderr)")
        }
    }

    /// Against a local mirror: a file whose bytes differ from the pinned checksum, and a connection cut halfway,
    /// both leave nothing in the data folder.
    func testDownloadRefusesWrongBytesAndCutConnections() throws {
        let served = try temporaryFolder()
        for name in ["train.jsonl", "test.jsonl"] {
            try Data(repeating: 0x41, count: 100_000).write(to: served.appendingPathComponent(name))
        }
        let server = try LocalServer(serving: served.path)
        let data = try temporaryFolder()
        for mirror in [server.base, server.base + "drop/"] {
            let r = try cli.run(["tasks", "download", "gsm8k", "--dir", data.path, "--mirror", mirror])
            XCTAssertNotEqual(r.status, 0)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(mirror == server.base ? "sha256 mismatch" : "nothing was written"), r.stderr)
            let left = (try? FileManager.default.subpathsOfDirectory(atPath: data.path)) ?? []
            XCTAssertTrue(left.allSatisfy { !$0.hasSuffix(".jsonl") }, "\(left)")
        }
    }
}
