import Foundation
import TestSupport
import XCTest

/// Faults that must lose nothing: a record cut short or edited by hand, a model replaced between runs, a weight that
/// is NaN, a disk that fills up, an output folder that is read-only. Each ends with one line naming the file or the
/// cause, a non-zero exit where the suite cannot go on, and every completed result intact.
extension SuiteCLITests {
    func runIDs(_ out: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).filter { !$0.hasPrefix(".") && !$0.hasSuffix(".json") }.sorted()
    }

    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    func testACorruptedRecordIsReportedAndRunAgainTheOthersKept() throws {
        let dir = try temporaryFolder()
        let suite = try writeSuite(dir, methods: "[lora, ia3]", tasks: "[gsm8k]")
        let out = dir.appendingPathComponent("out").path
        XCTAssertEqual(try cli.run(["suite", "run", suite, "--out", out, "--no-report"]).status, 0)
        let ids = runIDs(out)
        XCTAssertEqual(ids.count, 2)
        let cut = "\(out)/\(ids[0])/result.json", kept = "\(out)/\(ids[1])/result.json"
        let keptBefore = bytes(kept)
        let whole = try XCTUnwrap(bytes(cut))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: cut))
        try Data("{\"suite\": tru".utf8).write(to: URL(fileURLWithPath: "\(out)/suite.json"))

        let again = try cli.run(["suite", "run", suite, "--out", out, "--no-report"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("\(ids[0])/result.json: not a peftbench result") && again.stderr.contains("running it again"),
                      again.stderr)
        XCTAssertEqual((results(out)[ids[0]]?["status"] as? String), "completed")
        XCTAssertEqual(bytes(kept), keptBefore, "the other run is kept as it was")
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: XCTUnwrap(bytes("\(out)/suite.json"))) as? [String: Any])
        // A report of a folder whose suite.json is broken says which file, in one line.
        try Data("[1, 2".utf8).write(to: URL(fileURLWithPath: "\(out)/suite.json"))
        let report = try cli.run(["report", "--runs", out, "--out", dir.appendingPathComponent("report").path])
        XCTAssertNotEqual(report.status, 0)
        XCTAssertEqual(report.stderr.split(separator: "\n").count, 1, report.stderr)
        XCTAssertTrue(report.stderr.contains("suite.json: not a suite.json"), report.stderr)
    }

    /// A GGUF model file of the tiny model, written by `peftbench export`.
    func tinyGGUF(_ path: String) throws {
        let r = try cli.run(["export", "--model", "tiny", "--format", "gguf", "--type", "f32", path])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    /// The mini suite on one gsm8k task, on a model file.
    func suite(on model: String, _ dir: URL, methods: String) throws -> String {
        let suite = try writeSuite(dir, methods: methods, tasks: "[gsm8k]")
        try String(contentsOfFile: suite, encoding: .utf8).replacingOccurrences(of: "model: tiny", with: "model: \(model)")
            .write(toFile: suite, atomically: true, encoding: .utf8)
        return suite
    }

    func testASuiteNeverMixesModels() throws {
        let dir = try temporaryFolder()
        let model = dir.appendingPathComponent("model.gguf").path
        try tinyGGUF(model)
        let suite = try suite(on: model, dir, methods: "[lora]")
        let out = dir.appendingPathComponent("out").path
        let first = try cli.run(["suite", "run", suite, "--out", out, "--no-report"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let record = "\(out)/\(runIDs(out)[0])/result.json"
        let before = bytes(record)
        // Another model at the same path: the last weight (the final norm's) changes.
        var file = try XCTUnwrap(bytes(model))
        file[file.count - 1] ^= 0x01
        try file.write(to: URL(fileURLWithPath: model))
        try String(contentsOfFile: suite, encoding: .utf8).replacingOccurrences(of: "[lora]", with: "[lora, ia3]")
            .write(toFile: suite, atomically: true, encoding: .utf8)
        let second = try cli.run(["suite", "run", suite, "--out", out, "--no-report"])
        XCTAssertNotEqual(second.status, 0)
        XCTAssertEqual(second.stderr.split(separator: "\n").filter { $0.hasPrefix("peftbench:") }.count, 1, second.stderr)
        XCTAssertTrue(second.stderr.contains("a suite never mixes models") && second.stderr.contains("result.json"), second.stderr)
        XCTAssertEqual(bytes(record), before)
        XCTAssertEqual(runIDs(out).count, 1, "nothing ran with the other model")

        // A model file cut short is one line naming it.
        try file.prefix(file.count / 3).write(to: URL(fileURLWithPath: model))
        let cut = try cli.run(["run", "--task", "gsm8k", "--method", "lora", "--model", model, "--steps", "1", "--out", dir.path + "/x"])
        XCTAssertNotEqual(cut.status, 0)
        XCTAssertEqual(cut.stderr.split(separator: "\n").count, 1, cut.stderr)
        XCTAssertTrue(cut.stderr.contains(model), cut.stderr)
    }

    func testAWeightThatIsNaNDivergesAndTheSuiteGoesOn() throws {
        let dir = try temporaryFolder()
        let model = dir.appendingPathComponent("nan.gguf").path
        try tinyGGUF(model)
        // The final norm is the file's last tensor: its last element becomes NaN.
        var file = try XCTUnwrap(bytes(model))
        withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { nan in
            for (i, b) in nan.enumerated() { file[file.count - 4 + i] = b }
        }
        try file.write(to: URL(fileURLWithPath: model))
        let suite = try suite(on: model, dir, methods: "[lora, ia3]")
        let out = dir.appendingPathComponent("out").path
        let r = try cli.run(["suite", "run", suite, "--out", out, "--no-report"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let statuses = results(out).values.map { $0["status"] as? String }
        XCTAssertEqual(statuses, ["diverged", "diverged"], r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(out)/suite.json"))
    }

    /// An infinity that enters through a batch: the model's embedding of one character ('@', byte 0x40 in the tiny
    /// model's byte vocabulary) is infinite while its output row is finite (the model is untied), and that character
    /// ends every twentieth training question and appears nowhere else (evaluation data, forgetting corpus). The
    /// first batch that holds it makes the loss non-finite: each run is `diverged` at that step, and the suite ends
    /// normally with both records.
    func testABatchThatReachesInfinityDivergesAndTheSuiteGoesOn() throws {
        let dir = try temporaryFolder()
        let model = dir.appendingPathComponent("untied").path
        XCTAssertEqual(try cli.run(["export", "--model", "tiny", "--format", "hf", model]).status, 0)
        try untieWithInfiniteEmbedding(model, row: 0x40)
        let tasks = dir.appendingPathComponent("tasks")
        try FileManager.default.createDirectory(at: tasks.appendingPathComponent("data/gsm8k"), withIntermediateDirectories: true)
        let shipped = repositoryRoot.appendingPathComponent("tasks")
        try String(contentsOf: shipped.appendingPathComponent("gsm8k.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "shipped: tasks/data/", with: "shipped: \(tasks.path)/data/")
            .write(to: tasks.appendingPathComponent("gsm8k.yaml"), atomically: true, encoding: .utf8)
        for split in ["train", "validation", "test"] {
            let lines = try String(contentsOf: shipped.appendingPathComponent("data/gsm8k/\(split).jsonl"), encoding: .utf8)
                .split(separator: "\n")
            XCTAssertFalse(lines.contains { $0.contains("@") })
            let out = lines.enumerated().map { i, line in
                // At the question's end, which prompt fitting keeps when it shortens a long example.
                split == "train" && i % 20 == 19 && line.hasSuffix("\"}") ? line.dropLast(2) + " @\"}" : String(line)
            }
            try (out.joined(separator: "\n") + "\n").write(to: tasks.appendingPathComponent("data/gsm8k/\(split).jsonl"), atomically: true, encoding: .utf8)
        }
        XCTAssertTrue(try String(contentsOf: tasks.appendingPathComponent("data/gsm8k/train.jsonl"), encoding: .utf8).contains(" @\"}"))
        let corpus = dir.appendingPathComponent("corpus.txt").path
        try "The river runs to the sea.\nNumbers add up when you count them twice.\n".write(toFile: corpus, atomically: true, encoding: .utf8)
        let suite = try writeSuite(dir, extra: "run: {forgetting_corpus: \(corpus)}", methods: "[lora, ia3]", steps: 20, tasks: "[gsm8k]")
        try String(contentsOfFile: suite, encoding: .utf8).replacingOccurrences(of: "model: tiny", with: "model: \(model)")
            .write(toFile: suite, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out").path
        let r = try cli.run(["suite", "run", suite, "--out", out, "--no-report", "--tasks-dir", tasks.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let records = results(out).values
        XCTAssertEqual(records.map { $0["status"] as? String }, ["diverged", "diverged"], r.stderr)
        for record in records {
            // The steps before the batch that holds the character trained on finite losses; that batch's is NaN.
            let curve = try XCTUnwrap(record["lossCurve"] as? [[String: Any]])
            XCTAssertGreaterThanOrEqual(curve.count, 2, "\(curve)")
            XCTAssertTrue(curve.dropLast().allSatisfy { ($0["loss"] as? Double)?.isFinite == true }, "\(curve)")
            XCTAssertEqual(curve.last?["loss"] as? String, "nan", "\(curve)")
            XCTAssertEqual(record["error"] as? String, "the loss or gradient turned NaN at step \(curve.count); training stopped")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(out)/suite.json"))
    }

    /// Gives a tied Hugging Face export its own `lm_head.weight` (a copy of the embeddings) and makes one row of the
    /// embeddings +infinity: the safetensors file rewritten as its format describes it.
    func untieWithInfiniteEmbedding(_ folder: String, row: Int) throws {
        let path = (folder as NSString).appendingPathComponent("model.safetensors")
        let file = try XCTUnwrap(bytes(path))
        let headerLength = Int(file.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        var header = try XCTUnwrap(JSONSerialization.jsonObject(with: file.subdata(in: 8..<(8 + headerLength))) as? [String: Any])
        var data = file.subdata(in: (8 + headerLength)..<file.count)
        let embedding = try XCTUnwrap(header["model.embed_tokens.weight"] as? [String: Any])
        let shape = try XCTUnwrap(embedding["shape"] as? [Int]), offsets = try XCTUnwrap(embedding["data_offsets"] as? [Int])
        XCTAssertEqual(embedding["dtype"] as? String, "F32")
        let copy = data.subdata(in: offsets[0]..<offsets[1])
        header["lm_head.weight"] = ["dtype": "F32", "shape": shape, "data_offsets": [data.count, data.count + copy.count]]
        data.append(copy)
        for i in 0..<shape[1] {
            withUnsafeBytes(of: Float.infinity.bitPattern.littleEndian) { inf in
                data.replaceSubrange((offsets[0] + 4 * (row * shape[1] + i))..<(offsets[0] + 4 * (row * shape[1] + i + 1)), with: inf)
            }
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var out = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        try (out + json + data).write(to: URL(fileURLWithPath: path))
        let configPath = (folder as NSString).appendingPathComponent("config.json")
        var config = try XCTUnwrap(JSONSerialization.jsonObject(with: XCTUnwrap(bytes(configPath))) as? [String: Any])
        config["tie_word_embeddings"] = false
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: configPath))
    }

    /// A small file system of its own (tmpfs), or a skip where this process may not mount one.
    func mountSmallFileSystem(_ path: String, megabytes: Int) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let r = try Command.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path])
        try XCTSkipUnless(r.status == 0, "cannot mount a tmpfs here (\(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))")
        addTeardownBlock { _ = try? Command.run("/bin/umount", ["-l", path]) }
    }

    /// A suite of one LoRA run, done, on an 8 MB file system of its own.
    func oneRunOnASmallFileSystem() throws -> (out: String, suite: String) {
        let dir = try temporaryFolder()
        let out = dir.appendingPathComponent("small").path
        try mountSmallFileSystem(out, megabytes: 8)
        let suite = try writeSuite(dir, methods: "[lora]", tasks: "[gsm8k]")
        XCTAssertEqual(try cli.run(["suite", "run", suite, "--out", out, "--no-report"]).status, 0)
        return (out, suite)
    }

    func testAFullDiskEndsWithOneLineAndKeepsCompletedRuns() throws {
        let (out, suite) = try oneRunOnASmallFileSystem()
        let done = runIDs(out)
        let record = "\(out)/\(done[0])/result.json"
        let before = bytes(record)
        // Leave 48 KB: room for claims and small records, not for a DoRA adapter, so the disk fills while a run's
        // results are being written.
        let free = try XCTUnwrap(FileManager.default.attributesOfFileSystem(forPath: out)[.systemFreeSize] as? Int)
        _ = try Command.run("/bin/dd", ["if=/dev/zero", "of=\(out)/filler", "bs=1k", "count=\(free / 1024 - 48)"])
        try String(contentsOfFile: suite, encoding: .utf8).replacingOccurrences(of: "[lora]", with: "[lora, dora, ia3]")
            .write(toFile: suite, atomically: true, encoding: .utf8)
        let full = try cli.run(["suite", "run", suite, "--out", out, "--no-report"])
        XCTAssertNotEqual(full.status, 0)
        // Foundation words ENOSPC as "There isn’t enough space", the C library as "No space left on device".
        let lastLine = full.stderr.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(lastLine.hasPrefix("peftbench: \(out)/"), full.stderr)
        XCTAssertTrue(lastLine.contains("enough space") || lastLine.contains("No space left"), full.stderr)
        XCTAssertEqual(bytes(record), before, "the completed run is intact")
        XCTAssertEqual(results(out).filter { $0.value["status"] as? String == "completed" }.keys.sorted(), done)
        // With room again, the same command (retrying what failed) finishes the suite.
        try FileManager.default.removeItem(atPath: "\(out)/filler")
        let again = try cli.run(["suite", "run", suite, "--out", out, "--no-report", "--retry-failed"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(results(out).values.filter { $0["status"] as? String == "completed" }.count, 3)
        XCTAssertEqual(bytes(record), before)
    }

    /// EROFS as Foundation ("The volume is read only") or the C library ("Read-only file system") words it.
    static func saysReadOnly(_ text: String) -> Bool { text.contains("read only") || text.contains("Read-only file system") }

    func testAReadOnlyOutputFolderIsOneLine() throws {
        let (out, suite) = try oneRunOnASmallFileSystem()
        let record = "\(out)/\(runIDs(out)[0])/result.json"
        let before = bytes(record)
        XCTAssertEqual(try Command.run("/bin/mount", ["-o", "remount,ro", out]).status, 0)
        try String(contentsOfFile: suite, encoding: .utf8).replacingOccurrences(of: "[lora]", with: "[lora, ia3]")
            .write(toFile: suite, atomically: true, encoding: .utf8)
        let r = try cli.run(["suite", "run", suite, "--out", out, "--no-report"])
        XCTAssertNotEqual(r.status, 0)
        let lines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("peftbench:") }
        XCTAssertEqual(lines.count, 1, r.stderr)
        XCTAssertTrue(lines.first?.contains(out) == true && Self.saysReadOnly(r.stderr), r.stderr)
        XCTAssertEqual(bytes(record), before)
        let single = try cli.run(["run", "--task", "gsm8k", "--method", "ia3", "--model", "tiny", "--steps", "1", "--out", out])
        XCTAssertNotEqual(single.status, 0)
        XCTAssertEqual(single.stderr.split(separator: "\n").count, 1, single.stderr)
        XCTAssertTrue(single.stderr.contains(out) && Self.saysReadOnly(single.stderr), single.stderr)
    }

    func testARunFolderDeletedWhileTheSuiteRunsIsSaidAndRunAgain() throws {
        let dir = try temporaryFolder()
        let suite = try writeSuite(dir)
        let out = dir.appendingPathComponent("out").path
        let log = dir.appendingPathComponent("suite.log").path
        let p = try start(["suite", "run", suite, "--out", out, "--no-report", "--threads", "1"], log: log)
        var deleted: String?
        try wait("a first run to finish") {
            deleted = runIDs(out).first { FileManager.default.fileExists(atPath: "\(out)/\($0)/result.json") }
            return deleted != nil
        }
        try FileManager.default.removeItem(atPath: "\(out)/\(deleted!)")
        let r = try p.wait(timeout: 300)
        XCTAssertNotEqual(r.status, 0)
        let stderr = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let last = stderr.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(last.hasPrefix("peftbench: ") && last.contains(deleted!) && last.contains("deleted while the suite ran"), stderr)
        XCTAssertEqual(results(out).count, 5, "the other runs are kept")
        let again = try cli.run(["suite", "run", suite, "--out", out, "--no-report"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(results(out).count, 6)
        XCTAssertNotNil(results(out)[deleted!])
    }
}
