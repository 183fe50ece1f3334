import Foundation
import TestSupport
import XCTest

/// The suite as a user runs it: a real `kill -9` and resume, SIGINT, two suites on one folder, shards, runs that
/// crash, hang or outgrow their memory, setup errors, suite-file errors, and the time estimate.
final class SuiteCLITests: XCTestCase {
    let cli = CLI()

    override func setUpWithError() throws { try CLI.requireBuilt() }

    /// A small suite on the tiny model: 2 tasks × 3 methods, about a second per run.
    func writeSuite(_ folder: URL, name: String = "mini", extra: String = "", methods: String = "[full, lora, ia3]",
                    steps: Int = 3, tasks: String = "[gsm8k, coqa]", seeds: String = "[0]") throws -> String {
        let path = folder.appendingPathComponent("\(name).yaml").path
        try """
        name: \(name)
        model: tiny
        tasks: \(tasks)
        methods: \(methods)
        seeds: \(seeds)
        budget: {steps: \(steps), batch: 2, seq: 64}
        evaluation: {eval_limit: 3, eval_batch: 3, forgetting_examples: 2}
        \(extra)
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Starts `peftbench args` without waiting; its stderr goes to `log`.
    func start(_ args: [String], log: String, environment: [String: String]? = nil) throws -> Command {
        try Command(CLI.executable.path, args, environment: environment.map { ProcessInfo.processInfo.environment.merging($0) { $1 } },
                    stderrFile: log)
    }

    /// Polls `condition` until it holds; past `timeout` the test fails.
    func wait(_ what: String, timeout: Double = 120, file: StaticString = #filePath, line: UInt = #line, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            guard Date() < deadline else {
                XCTFail("timed out after \(Int(timeout)) s waiting for \(what)", file: file, line: line)
                throw Command.Failure("timed out waiting for \(what)")
            }
            usleep(50_000)
        }
    }

    func results(_ out: String) -> [String: [String: Any]] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        var out_: [String: [String: Any]] = [:]
        for n in names {
            let path = (out as NSString).appendingPathComponent("\(n)/result.json")
            if let data = FileManager.default.contents(atPath: path), let r = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                out_[n] = r
            }
        }
        return out_
    }

    /// A run's files with the figures that depend on the clock (and the environment) removed.
    func comparable(_ out: String, _ run: String) throws -> [String: Any] {
        var r = try XCTUnwrap(results(out)[run])
        for k in ["startedAt", "finishedAt", "environment"] { r[k] = nil }
        var cost = try XCTUnwrap(r["cost"] as? [String: Any])
        for k in ["trainingSeconds", "tokensPerSecond", "evaluationSeconds", "generationSeconds", "wallSeconds", "phases", "peakRSSBytes"] { cost[k] = nil }
        r["cost"] = cost
        for file in ["predictions.jsonl", "adapter/adapter_model.safetensors"] {
            let data = FileManager.default.contents(atPath: (out as NSString).appendingPathComponent("\(run)/\(file)"))
            r["file:\(file)"] = data.map { $0.base64EncodedString() }
        }
        return r
    }

    func assertSameResults(_ a: String, _ b: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let runs = results(a).keys.sorted()
        XCTAssertEqual(runs, results(b).keys.sorted(), file: file, line: line)
        for run in runs {
            let x = try comparable(a, run), y = try comparable(b, run)
            XCTAssertEqual(NSDictionary(dictionary: x), NSDictionary(dictionary: y), "\(run) differs", file: file, line: line)
        }
    }

    func startedRuns(_ log: String) -> [String] {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let open = line.range(of: ": started ("), line.hasSuffix(")") else { return nil }
            return String(line[open.upperBound..<line.index(before: line.endIndex)])
        }
    }

    /// Processes whose command line holds `needle` (the suite's workers for a folder).
    func processes(containing needle: String) -> [Int32] {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap(Int32.init) ?? []
        return pids.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let cmd = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return cmd.contains(needle) && cmd.contains("suite worker")
        }
    }

    func testKillNineThenResumeEqualsAnUninterruptedSuite() throws {
        let dir = try temporaryFolder()
        let suite = try writeSuite(dir, steps: 40)
        let reference = dir.appendingPathComponent("reference").path
        let r = try cli.run(["suite", "run", suite, "--out", reference, "--no-report"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(results(reference).count, 6)

        let out = dir.appendingPathComponent("killed").path
        let p = try start(["suite", "run", suite, "--out", out, "--no-report"], log: dir.appendingPathComponent("1.log").path)
        // Killed while a run trains, after at least one run finished.
        try wait("a run in training") {
            results(out).count >= 1 && !processes(containing: out).isEmpty
                && ((try? String(contentsOfFile: dir.appendingPathComponent("1.log").path, encoding: .utf8))?.contains("step") ?? false)
        }
        p.signal(SIGKILL)
        try p.wait()
        // The run's process dies with the suite.
        try wait("the worker to die", timeout: 10) { processes(containing: out).isEmpty }
        let before = results(out).count
        XCTAssertLessThan(before, 6)

        let again = try cli.run(["suite", "run", suite, "--out", out, "--no-report"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("\(before) done"), again.stderr)
        try assertSameResults(reference, out)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out + "/.attempts"), [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out + "/.claims"), [])
        // Nothing done is run again.
        let third = try cli.run(["suite", "run", suite, "--out", out, "--no-report"])
        XCTAssertEqual(third.status, 0, third.stderr)
        XCTAssertFalse(third.stderr.contains("started"), third.stderr)
    }

    func testTwoSuitesOnOneFolderRunEachRunOnce() throws {
        let dir = try temporaryFolder()
        let suite = try writeSuite(dir, methods: "[full, lora, ia3, bitfit, vera]")
        let out = dir.appendingPathComponent("shared").path
        let logs = ["a.log", "b.log"].map { dir.appendingPathComponent($0).path }
        let processes = try logs.map { try start(["suite", "run", suite, "--out", out, "--no-report", "--threads", "1"], log: $0) }
        for (p, log) in zip(processes, logs) { XCTAssertEqual(try p.wait().status, 0, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "") }
        let started = logs.flatMap(startedRuns)
        XCTAssertEqual(started.count, 10, "every run started exactly once: \(started)")
        XCTAssertEqual(Set(started).count, 10)
        XCTAssertEqual(results(out).values.filter { $0["status"] as? String == "completed" }.count, 10)
    }

    func testShardsPartitionTheSuiteAndTheirUnionIsTheSuite() throws {
        let dir = try temporaryFolder()
        let suite = try writeSuite(dir)
        let whole = dir.appendingPathComponent("whole").path
        XCTAssertEqual(try cli.run(["suite", "run", suite, "--out", whole, "--no-report"]).status, 0)
        let sharded = dir.appendingPathComponent("sharded").path
        var seen: [[String]] = []
        for i in 0..<3 {
            let log = dir.appendingPathComponent("shard\(i).log").path
            let p = try start(["suite", "run", suite, "--out", sharded, "--shard", "\(i)/3", "--no-report"], log: log)
            XCTAssertEqual(try p.wait().status, 0)
            seen.append(startedRuns(log))
        }
        XCTAssertEqual(seen.map(\.count).reduce(0, +), 6)
        XCTAssertEqual(Set(seen.flatMap { $0 }).count, 6, "shards overlap: \(seen)")
        XCTAssertTrue(seen.allSatisfy { !$0.isEmpty })
        try assertSameResults(whole, sharded)
        let status = try cli.json(try cli.run(["suite", "status", suite, "--out", sharded, "--json"]).stdout)
        XCTAssertEqual((status["counts"] as? [String: Int])?["done"], 6)
        let bad = try cli.run(["suite", "run", suite, "--out", sharded, "--shard", "3/3"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--shard"), bad.stderr)
    }

    func testACrashingRunIsRecordedAndTheSuiteGoesOn() throws {
        let dir = try temporaryFolder()
        let suite = try writeSuite(dir)
        let out = dir.appendingPathComponent("out").path
        let r = try cli.run(["suite", "run", suite, "--out", out], environment: ProcessInfo.processInfo.environment.merging(["PEFTBENCH_FAULT": "abort:lora:2"]) { $1 })
        XCTAssertEqual(r.status, 1, r.stderr)
        let all = results(out)
        let lora = all.filter { ($0.value["spec"] as? [String: Any])?["method"] as? String == "lora" }
        XCTAssertEqual(lora.count, 2)
        for (_, record) in lora {
            XCTAssertEqual(record["status"] as? String, "failed")
            let failure = try XCTUnwrap(record["failure"] as? [String: Any])
            XCTAssertEqual(failure["cause"] as? String, "signal 6 (SIGABRT)")
            XCTAssertTrue((failure["stderrTail"] as? [String])?.contains { $0.contains("fault injected: abort at step 2") } ?? false, "\(failure)")
        }
        XCTAssertEqual(all.values.filter { $0["status"] as? String == "completed" }.count, 4)
        // Its own figures, not the suite's: each run's peak memory is its process'.
        let summary = try cli.json(String(contentsOfFile: out + "/suite.json", encoding: .utf8))
        XCTAssertEqual((summary["counts"] as? [String: Int])?["failed"], 2)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/report/index.html"))
        // A failed run stays failed until asked; then it runs again.
        let kept = try cli.run(["suite", "run", suite, "--out", out, "--no-report"])
        XCTAssertFalse(kept.stderr.contains("started"), kept.stderr)
        let retried = try cli.run(["suite", "run", suite, "--out", out, "--no-report", "--retry-failed"])
        XCTAssertEqual(retried.status, 0, retried.stderr)
        XCTAssertEqual(results(out).values.filter { $0["status"] as? String == "completed" }.count, 6)
    }

    func testLimitsStopARunThatHangsOrOutgrowsItsMemory() throws {
        let dir = try temporaryFolder()
        let suite = try writeSuite(dir, extra: "limits: {wall_clock: 8s, memory: 1GiB}", methods: "[lora, ia3, bitfit]", tasks: "[gsm8k]")
        let out = dir.appendingPathComponent("out").path
        let started = Date()
        let hang = try cli.run(["suite", "run", suite, "--out", out, "--no-report"],
                               environment: ProcessInfo.processInfo.environment.merging(["PEFTBENCH_FAULT": "hang:lora:1"]) { $1 })
        XCTAssertEqual(hang.status, 1, hang.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 60)
        let lora = try XCTUnwrap(results(out).values.first { ($0["spec"] as? [String: Any])?["method"] as? String == "lora" })
        XCTAssertEqual(lora["status"] as? String, "failed")
        XCTAssertEqual((lora["failure"] as? [String: Any])?["cause"] as? String, "time limit")
        XCTAssertTrue((lora["error"] as? String ?? "").hasPrefix("time limit"), "\(lora)")

        let memory = try cli.run(["suite", "run", suite, "--out", out, "--no-report", "--retry-failed"],
                                 environment: ProcessInfo.processInfo.environment.merging(["PEFTBENCH_FAULT": "allocate:lora:2"]) { $1 })
        XCTAssertEqual(memory.status, 1, memory.stderr)
        let again = try XCTUnwrap(results(out).values.first { ($0["spec"] as? [String: Any])?["method"] as? String == "lora" })
        XCTAssertEqual((again["failure"] as? [String: Any])?["cause"] as? String, "memory limit")
        XCTAssertEqual(results(out).values.filter { $0["status"] as? String == "completed" }.count, 2)
    }

    func testSIGINTStopsTheRunAtItsNextStepAndTheSameCommandContinues() throws {
        let dir = try temporaryFolder()
        let suite = try writeSuite(dir, methods: "[full, lora]", steps: 4000, tasks: "[gsm8k]")
        let out = dir.appendingPathComponent("out").path
        let log = dir.appendingPathComponent("run.log").path
        let p = try start(["suite", "run", suite, "--out", out, "--no-report", "--threads", "1"], log: log)
        try wait("training to start") { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("step ") }
        let sent = Date()
        p.signal(SIGINT)
        let stopped = try p.wait(timeout: 120)
        XCTAssertLessThan(Date().timeIntervalSince(sent), 20, "the run did not stop at its next step")
        XCTAssertEqual(stopped.status, 130)
        let records = results(out)
        XCTAssertEqual(records.count, 1)
        let record = try XCTUnwrap(records.values.first)
        XCTAssertEqual(record["status"] as? String, "interrupted")
        let steps = try XCTUnwrap((record["budget"] as? [String: Any])?["stepsRun"] as? Int)
        XCTAssertLessThan(steps, 4000)
        XCTAssertTrue(processes(containing: out).isEmpty)
        let status = try cli.run(["suite", "status", suite, "--out", out])
        XCTAssertTrue(status.stdout.contains("1 interrupted"), status.stdout)
        // The same command continues: the interrupted run again from its start, then the rest.
        let again = try cli.run(["suite", "run", suite, "--out", out, "--no-report", "--threads", "1"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(results(out).values.filter { $0["status"] as? String == "completed" }.count, 2)
        XCTAssertTrue(results(out).values.allSatisfy { ($0["budget"] as? [String: Any])?["stepsRun"] as? Int == 4000 })
    }

    /// `learning_rate: select`: a proxy run per grid point on the held-out data, shared by the seeds; each full run
    /// trains with the rate whose proxy scored lowest, and records how it was chosen. Seeds change the data order
    /// and the adapter's initialisation, and nothing of the evaluation.
    func testLearningRateSelectionAndSeeds() throws {
        let dir = try temporaryFolder()
        let suite = try writeSuite(dir, name: "select", extra: "run: {learning_rate: select}\nselection: {budget_fraction: 0.5, examples: 6}",
                                   methods: "[lora, ia3]", steps: 6, tasks: "[gsm8k]", seeds: "[0, 1]")
        let out = dir.appendingPathComponent("out").path
        let r = try cli.run(["suite", "run", suite, "--out", out, "--no-report"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("14 runs"), r.stderr)
        let records = results(out)
        let proxies = records.filter { ($0.value["spec"] as? [String: Any])?["eval_split"] as? String == "selection" }
        let finals = records.filter { ($0.value["spec"] as? [String: Any])?["eval_split"] as? String == "test" }
        let summary = try cli.json(String(contentsOfFile: out + "/suite.json", encoding: .utf8))
        let selection = try XCTUnwrap(summary["selection"] as? [[String: Any]])
        XCTAssertEqual(selection.count, 2)
        // The grid's 5 points per method, and those past an edge the choice reached (at most 2 by default).
        let widened = Dictionary(uniqueKeysWithValues: selection.map { ($0["method"] as! String, $0["widened"] as? Int ?? 0) })
        XCTAssertEqual(proxies.count, 10 + widened.values.reduce(0, +))
        XCTAssertEqual(finals.count, 4)
        let testFile = repositoryRoot.appendingPathComponent("tasks/data/gsm8k/test.jsonl").path
        for (id, proxy) in proxies {
            XCTAssertNotNil(proxy["heldOutLoss"], id)
            XCTAssertEqual((proxy["metrics"] as? [Any])?.count ?? 0, 0, id)
            XCTAssertEqual((proxy["spec"] as? [String: Any])?["steps"] as? Int, 3)
            let files = (proxy["data"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
            XCTAssertFalse(files.contains(testFile), "\(id) read the reported split")
            XCTAssertEqual((proxy["budget"] as? [String: Any])?["trainingExamples"] as? Int, 1800, "200 problems held out")
        }
        var chosen: [String: Double] = [:]
        for (id, run) in finals {
            let method = try XCTUnwrap(run["method"] as? [String: Any])
            let choice = try XCTUnwrap(method["learningRateChoice"] as? [String: Any], id)
            XCTAssertEqual(choice["by"] as? String, "selection")
            let candidates = try XCTUnwrap(choice["candidates"] as? [[String: Any]])
            let name = (run["spec"] as! [String: Any])["method"] as! String
            XCTAssertEqual(candidates.count, 5 + widened[name]!)
            let rates = candidates.map { $0["learningRate"] as! Double }
            // Widened only while the best was the edge of what was tried; at the edge only when widening ran out.
            let value = choice["value"] as! Double
            if choice["atGridEdge"] as? Bool == true { XCTAssertEqual(widened[name], 2, id) }
            else { XCTAssertTrue(rates.min()! < value && value < rates.max()!, id) }
            // The winner is the candidate whose proxy's own record has the lowest held-out loss.
            let losses = candidates.map { c -> (Double, Double) in
                let proxy = proxies[c["runID"] as! String]!
                return ((proxy["heldOutLoss"] as! [String: Any])["mean"] as! Double, c["learningRate"] as! Double)
            }
            let best = losses.min { $0.0 < $1.0 }!.1
            XCTAssertEqual(choice["value"] as? Double ?? 0, best, accuracy: best * 1e-6)
            XCTAssertEqual(method["learningRate"] as? Double ?? 0, best, accuracy: best * 1e-6)
            XCTAssertEqual((run["lossCurve"] as? [[String: Any]])?.map { $0["learningRate"] as? Double ?? 0 }.max() ?? 0, best, accuracy: best * 1e-6)
            if let other = chosen[name] { XCTAssertEqual(other, best, "every seed trains at the rate selected once") }
            chosen[name] = best
        }
        // Seeds: a different data order and adapter initialisation, the same evaluation.
        for name in ["lora", "ia3"] {
            let pair = finals.filter { ($0.value["spec"] as! [String: Any])["method"] as! String == name }.sorted {
                (($0.value["spec"] as! [String: Any])["seed"] as! Int) < (($1.value["spec"] as! [String: Any])["seed"] as! Int)
            }
            XCTAssertEqual(pair.count, 2)
            let (a, b) = (pair[0], pair[1])
            XCTAssertNotEqual((a.value["budget"] as! [String: Any])["orderDigest"] as? String, (b.value["budget"] as! [String: Any])["orderDigest"] as? String)
            let adapter = { (id: String) in FileManager.default.contents(atPath: "\(out)/\(id)/adapter/adapter_model.safetensors") }
            XCTAssertNotNil(adapter(a.key))
            XCTAssertNotEqual(adapter(a.key), adapter(b.key))
            let stats = { (id: String) in try JSONSerialization.jsonObject(with: FileManager.default.contents(atPath: "\(out)/\(id)/statistics.json")!) as! [String: Any] }
            XCTAssertEqual(try stats(a.key)["examples"] as? [String], try stats(b.key)["examples"] as? [String])
            XCTAssertEqual((a.value["forgetting"] as? [[String: Any]])?.map { $0["probe"] as! String },
                           (b.value["forgetting"] as? [[String: Any]])?.map { $0["probe"] as! String })
        }
        for entry in selection { XCTAssertEqual(entry["chosen"] as? Double ?? 0, chosen[entry["method"] as! String]!, accuracy: 1e-9) }
        let comparison = try XCTUnwrap(summary["comparison"] as? [String: Any])
        let tests = try XCTUnwrap((comparison["tasks"] as? [[String: Any]])?.first?["tests"] as? [[String: Any]])
        XCTAssertTrue(tests.contains { $0["against"] as? String == "best" && ($0["seeds"] as? [Int]) == [0, 1] }, "\(tests.prefix(2))")

        // Against itself as a baseline nothing moved; against one whose interval was moved by hand, that figure did.
        let baseline = dir.appendingPathComponent("baseline.json")
        try FileManager.default.copyItem(atPath: out + "/suite.json", toPath: baseline.path)
        let same = try cli.run(["suite", "summarize", suite, "--out", out, "--no-report", "--baseline", baseline.path])
        XCTAssertEqual(same.status, 0, same.stderr)
        XCTAssertTrue(same.stderr.contains(": 0 of "), same.stderr)
        var doctored = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: baseline)) as? [String: Any])
        var comparisonTasks = (doctored["comparison"] as! [String: Any])["tasks"] as! [[String: Any]]
        var intervals = comparisonTasks[0]["intervals"] as! [String: [[String: Any]]]
        var loraIntervals = intervals["lora"]!
        let moved = loraIntervals[0]["measure"] as! String
        let value = loraIntervals[0]["mean"] as! Double
        (loraIntervals[0]["mean"], loraIntervals[0]["lower"], loraIntervals[0]["upper"]) = (value + 1.5, value + 1, value + 2)
        intervals["lora"] = loraIntervals
        comparisonTasks[0]["intervals"] = intervals
        doctored["comparison"] = ["tasks": comparisonTasks, "alpha": 0.05, "method": "x"]
        try JSONSerialization.data(withJSONObject: doctored).write(to: baseline)
        let check = try cli.run(["suite", "summarize", suite, "--out", out, "--no-report", "--baseline", baseline.path])
        XCTAssertTrue(check.stderr.contains(": 1 of ") && check.stderr.contains("moved: gsm8k × lora: \(moved)"), check.stderr)
        let recorded = try cli.json(String(contentsOfFile: out + "/suite.json", encoding: .utf8))["baselineCheck"] as? [String: Any]
        XCTAssertEqual((recorded?["moved"] as? [Any])?.count, 1)
        let notABaseline = try cli.run(["suite", "summarize", suite, "--out", out, "--no-report", "--baseline", suite])
        XCTAssertNotEqual(notABaseline.status, 0)
        XCTAssertTrue(notABaseline.stderr.contains("not a suite.json") && notABaseline.stderr.split(separator: "\n").count == 1, notABaseline.stderr)

        // When every proxy of a method fails, its runs fail saying so, and the rest of the suite goes on.
        let broken = dir.appendingPathComponent("broken").path
        let f = try cli.run(["suite", "run", suite, "--out", broken, "--no-report"],
                            environment: ProcessInfo.processInfo.environment.merging(["PEFTBENCH_FAULT": "abort:lora:1"]) { $1 })
        XCTAssertEqual(f.status, 1, f.stderr)
        let failed = results(broken).values.filter { ($0["spec"] as! [String: Any])["method"] as? String == "lora" && ($0["spec"] as! [String: Any])["eval_split"] as? String == "test" }
        XCTAssertEqual(failed.count, 2)
        for run in failed { XCTAssertTrue((run["error"] as? String ?? "").hasPrefix("learning-rate selection: no proxy run completed"), "\(run["error"] ?? "")") }
        XCTAssertEqual(results(broken).values.filter { $0["status"] as? String == "completed" }.count, 7 + widened["ia3"]!,
                       "ia3's proxies and 2 runs")
    }

    func testASetupErrorStopsTheSuiteAtOnceWithOneLine() throws {
        let dir = try temporaryFolder()
        let noModel = try writeSuite(dir, name: "nomodel")
        let text = try String(contentsOfFile: noModel, encoding: .utf8).replacingOccurrences(of: "model: tiny", with: "model: \(dir.path)/missing.gguf")
        try text.write(toFile: noModel, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out").path
        let r = try cli.run(["suite", "run", noModel, "--out", out])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("missing.gguf"), r.stderr)
        XCTAssertFalse(r.stderr.contains("started"), r.stderr)
        // No METEOR resources: the E2E metrics cannot be computed, said once, naming the folder.
        let e2e = try writeSuite(dir, name: "e2e", tasks: "[e2e]")
        let empty = dir.appendingPathComponent("empty-cache").path
        let m = try cli.run(["suite", "run", e2e, "--out", out], environment: ProcessInfo.processInfo.environment.merging(["PEFTBENCH_CACHE": empty]) { $1 })
        XCTAssertNotEqual(m.status, 0)
        XCTAssertEqual(m.stderr.split(separator: "\n").count, 1, m.stderr)
        XCTAssertTrue(m.stderr.contains(empty), m.stderr)
    }

    /// `extends:` starts from another suite file; the extending file's settings are applied on top.
    func testASuiteExtendsAnother() throws {
        let dir = try temporaryFolder()
        _ = try writeSuite(dir, name: "parent", methods: "[lora, ia3]")
        let child = dir.appendingPathComponent("child.yaml").path
        try "extends: parent\nname: child\nseeds: [0, 1, 2]\nbudget: {learning_rate: 1e-3}\n".write(toFile: child, atomically: true, encoding: .utf8)
        let status = try cli.json(try cli.run(["suite", "status", child, "--out", dir.appendingPathComponent("out").path, "--json"]).stdout)
        XCTAssertEqual(status["suite"] as? String, "child")
        XCTAssertEqual((status["runs"] as? [Any])?.count, 2 * 2 * 3)
        let missing = dir.appendingPathComponent("orphan.yaml").path
        try "extends: nowhere\n".write(toFile: missing, atomically: true, encoding: .utf8)
        let r = try cli.run(["suite", "status", missing])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("orphan.yaml:1: extends: no suite file"), r.stderr)
        let loop = dir.appendingPathComponent("loop.yaml").path
        try "extends: loop\n".write(toFile: loop, atomically: true, encoding: .utf8)
        XCTAssertTrue(try cli.run(["suite", "status", loop]).stderr.contains("too deeply"))
    }

    func testSuiteFileErrorsNameTheFileAndLine() throws {
        let dir = try temporaryFolder()
        let cases: [(String, String)] = [
            ("tasks: [gsm8k]\nmethods: [lora]\nbogus: 1\n", ":3: unknown key 'bogus'"),
            ("tasks: [gsm8k]\nmethods: [lora]\nbudget:\n  steps: ten\n", ":4: budget.steps: 'ten' is not"),
            ("tasks: [gsm8k]\nmethods: [lora]\nbudget:\n  eval_limit: 3\n", ":4: budget: unknown key 'eval_limit'"),
            ("tasks: [gsm8k]\nmethods:\n  - name: x\n    method: lora\n    warmup: 2\n", ":5: methods[]: unknown key 'warmup'"),
            ("tasks: [gsm8k]\nmethods: [lora]\nlimits: {memory: lots}\n", ":3: limits.memory must be a positive size"),
            ("tasks: [gsm8k]\nmethods: [lora, lora]\n", "the method 'lora' is listed twice"),
            ("tasks: [gsm8k]\nmethods: [lora]\nseeds: [0, x]\n", ":3: seeds: 'x'"),
            ("tasks: [gsm8k]\nmethods: [lora]\nsweep: {learning_rate: [1e-4, fast]}\n", ":3: sweep.learning_rate: 'fast' is not"),
            ("tasks: [gsm8k\n", "not valid YAML"),
            ("tasks: [nosuchtask]\nmethods: [lora]\nmodel: tiny\n", "no task named 'nosuchtask'"),
            ("tasks: [gsm8k]\nmethods: [nosuchmethod]\nmodel: tiny\n", "unknown method 'nosuchmethod'"),
            ("tasks: [gsm8k]\nmethods:\n  - name: wide\n    method: lora\n    params: {r: -3}\nmodel: tiny\n", ":3: methods: wide:"),
        ]
        for (i, (text, expected)) in cases.enumerated() {
            let path = dir.appendingPathComponent("bad\(i).yaml").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let r = try cli.run(["suite", "run", path, "--out", dir.appendingPathComponent("out\(i)").path])
            XCTAssertNotEqual(r.status, 0, text)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(text): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(expected), "\(text): expected '\(expected)' in \(r.stderr)")
            if !expected.contains("nosuch") && !expected.contains("methods: wide") { XCTAssertTrue(r.stderr.contains(path), r.stderr) }
        }
    }

    func testTheEstimateIsWithinAFactorOfTwoOfTheRealTime() throws {
        let dir = try temporaryFolder()
        let suite = try writeSuite(dir, methods: "[full, lora, ia3, prompt]", steps: 30)
        let out = dir.appendingPathComponent("out").path
        // Half the suite measures this machine; the estimate of the other half is then checked.
        XCTAssertEqual(try cli.run(["suite", "run", suite, "--out", out, "--shard", "0/2", "--no-report"]).status, 0)
        let status = try cli.json(try cli.run(["suite", "status", suite, "--out", out, "--json"]).stdout)
        let estimate = try XCTUnwrap(status["remainingSeconds"] as? Double)
        let started = Date()
        let r = try cli.run(["suite", "run", suite, "--out", out, "--no-report"])
        let real = Date().timeIntervalSince(started)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("estimate"), r.stderr)
        XCTAssertGreaterThan(estimate, real / 2, "estimate \(estimate) s, real \(real) s")
        XCTAssertLessThan(estimate, real * 2, "estimate \(estimate) s, real \(real) s")
    }

    func testCommandsWorkFromAnyDirectory() throws {
        let dir = try temporaryFolder()
        let run = try Command.run(CLI.executable.path, ["run", "--task", "gsm8k", "--method", "ia3", "--model", "tiny", "--steps", "2",
                                                        "--batch", "2", "--seq", "64", "--eval-limit", "2", "--forgetting-examples", "0"],
                                  directory: dir.path)
        let printed = run.stdout
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(printed.hasPrefix("runs/gsm8k-ia3-tiny"), printed)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("runs").path))

        let lost = try cli.run(["tasks", "list"], environment: ProcessInfo.processInfo.environment.merging(["PEFTBENCH_HOME": dir.path]) { $1 })
        XCTAssertNotEqual(lost.status, 0)
        XCTAssertTrue(lost.stderr.contains("\(dir.path)/tasks") && lost.stderr.contains("--tasks-dir"), lost.stderr)
        XCTAssertEqual(lost.stderr.split(separator: "\n").count, 1, lost.stderr)
    }

    /// The smoke suite as a job array of 4 shards on a real (single-node) Slurm, then its summary job: the results and
    /// the summary equal a local run's.
    func testTheSmokeSuiteOnSlurmEqualsALocalRun() throws {
        if ProcessInfo.processInfo.environment["PEFTBENCH_SKIP_SLURM"] != nil { throw XCTSkip("PEFTBENCH_SKIP_SLURM is set") }
        let setup = try Command.run("/bin/bash", [repositoryRoot.appendingPathComponent("scripts/slurm-local.sh").path, "start"], timeout: 600)
        XCTAssertEqual(setup.status, 0, "scripts/slurm-local.sh start failed: \(setup.stderr)")
        guard setup.status == 0 else { return }

        let dir = try temporaryFolder()
        let local = dir.appendingPathComponent("local").path
        let l = try cli.run(["suite", "run", "smoke", "--out", local, "--no-report"])
        XCTAssertEqual(l.status, 0, l.stderr)
        let cluster = dir.appendingPathComponent("slurm").path
        let submitted = try cli.run(["suite", "slurm", "smoke", "--out", cluster, "--shards", "4", "--submit"])
        XCTAssertEqual(submitted.status, 0, submitted.stderr)
        let words = submitted.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," })
        let summaryJob = try XCTUnwrap(words.last.map(String.init), submitted.stdout)
        let script = try String(contentsOfFile: cluster + "/slurm/array.sbatch", encoding: .utf8)
        XCTAssertTrue(script.contains("#SBATCH --array=0-3%4"), script)
        XCTAssertTrue(try String(contentsOfFile: cluster + "/slurm/summarize.sbatch", encoding: .utf8).contains("suite summarize"))
        try wait("the Slurm jobs", timeout: 1200) {
            let text = (try? Command.run("/usr/bin/env", ["squeue", "-h", "-j", summaryJob], timeout: 60).stdout) ?? ""
            return text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }
        for i in 0..<4 {
            let log = (try? String(contentsOfFile: cluster + "/slurm/logs/shard-\(i).log", encoding: .utf8)) ?? ""
            XCTAssertTrue(log.contains("smoke shard \(i)/4"), "shard \(i): \(log)")
        }
        try assertSameResults(local, cluster)
        XCTAssertTrue(FileManager.default.fileExists(atPath: cluster + "/report/index.html"))
        // The summary job's suite.json: every run done, the same means as a local summary.
        XCTAssertEqual(try cli.run(["suite", "summarize", "smoke", "--out", local, "--no-report"]).status, 0)
        let a = try cli.json(String(contentsOfFile: local + "/suite.json", encoding: .utf8))
        let b = try cli.json(String(contentsOfFile: cluster + "/suite.json", encoding: .utf8))
        XCTAssertEqual((b["counts"] as? [String: Int])?["done"], 56)
        func means(_ s: [String: Any]) -> [String: Double] {
            var out: [String: Double] = [:]
            for g in s["groups"] as? [[String: Any]] ?? [] {
                for (name, stat) in g["metrics"] as? [String: [String: Any]] ?? [:] {
                    out["\(g["task"]!)/\(g["method"]!)/\(name)"] = stat["mean"] as? Double
                }
            }
            return out
        }
        XCTAssertEqual(means(a), means(b))
        // Every task × method entry has its metrics (6 + 6 + 2 + 2 per method entry).
        XCTAssertEqual(means(b).count, 14 * 16)
    }

    /// Claims left by others: a live process' claim and a fresh claim of another host are respected; a dead
    /// process' claim (same host) and a stale one (another host) are taken over.
    func testClaimsOfTheLivingAreRespectedAndClaimsOfTheDeadTakenOver() throws {
        let dir = try temporaryFolder()
        let suite = try writeSuite(dir, methods: "[lora, ia3]")
        let out = dir.appendingPathComponent("out").path
        let status = try cli.json(try cli.run(["suite", "status", suite, "--out", out, "--json"]).stdout)
        let ids = try XCTUnwrap((status["runs"] as? [[String: Any]])?.compactMap { $0["runID"] as? String })
        XCTAssertEqual(ids.count, 4)
        let host = ProcessInfo.processInfo.hostName
        let now = Date().timeIntervalSince1970
        // This test's own process stands in for a live suite on this host.
        let me = getpid()
        let stat = try String(contentsOfFile: "/proc/\(me)/stat", encoding: .utf8)
        let start = UInt64(stat[stat.range(of: ")")!.upperBound...].split(separator: " ")[19])!
        let claims: [(String, String, Int32, UInt64, Double)] = [
            (ids[0], host, me, start, now),                 // alive here: respected
            (ids[1], "elsewhere", 4242, 1, now),             // another host, fresh heartbeat: respected
            (ids[2], host, 999_999, 1, now),                 // this host, no such process: taken over
            (ids[3], "elsewhere", 4242, 1, now - 3600),      // another host, an hour without a heartbeat: taken over
        ]
        try FileManager.default.createDirectory(atPath: out + "/.claims", withIntermediateDirectories: true)
        for (id, host, pid, start, beat) in claims {
            let claim: [String: Any] = ["runID": id, "host": host, "pid": pid, "processStart": start, "startedAt": beat, "heartbeat": beat]
            try JSONSerialization.data(withJSONObject: claim).write(to: URL(fileURLWithPath: out + "/.claims/\(id).json"))
        }
        let shown = try cli.run(["suite", "status", suite, "--out", out])
        XCTAssertTrue(shown.stdout.contains("held by \(host):\(me)") && shown.stdout.contains("held by elsewhere:4242"), shown.stdout)
        XCTAssertTrue(shown.stdout.contains("2 running"), shown.stdout)
        let r = try cli.run(["suite", "run", suite, "--out", out, "--no-report"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(Set(results(out).keys), Set([ids[2], ids[3]]))
        XCTAssertTrue(r.stderr.contains("\(ids[0]): skipped, held by \(host):\(me)"), r.stderr)
        XCTAssertTrue(r.stderr.contains("\(ids[1]): skipped, held by elsewhere:4242"), r.stderr)
        // The respected claims are untouched; the taken-over ones were released after their runs.
        let left = try FileManager.default.contentsOfDirectory(atPath: out + "/.claims").sorted()
        XCTAssertEqual(left, [ids[0], ids[1]].map { "\($0).json" }.sorted())
    }
}

extension SuiteCLITests {
    /// The smoke suite's report, every page in headless Chromium: no console error, no request, every chart drawn,
    /// no blank page, tables sort, the predictions browser filters, and every page reads with JavaScript off.
    func testTheSmokeSuiteReportWorksInABrowser() throws {
        let out = try temporaryFolder().path
        let r = try cli.run(["suite", "run", "smoke", "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = URL(fileURLWithPath: out).appendingPathComponent("report")
        for page in ["index.html", "tradeoffs.html", "methodology.html", "downloads.html", "tasks/e2e.html", "predictions/coqa.html", "data/leaderboard.csv",
                     "data/leaderboard.json", "data/summary.md"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: report.appendingPathComponent(page).path), page)
        }
        let check = try BrowserCheck.run(report)
        XCTAssertEqual(check.problems, [])
        XCTAssertGreaterThan(check.pages.count, 56 + 10)
        let predictions = try XCTUnwrap(check.pages["predictions/e2e.html"]?["filters"] as? [String: Any])
        XCTAssertEqual(predictions["total"] as? Int, 4)
        let md = try cli.run(["report", "--runs", out, "--out", out + "/md", "--format", "md"])
        XCTAssertEqual(md.status, 0, md.stderr)
        XCTAssertTrue(try String(contentsOfFile: out + "/md/summary.md", encoding: .utf8).contains("## Leaderboard"))
    }
}
