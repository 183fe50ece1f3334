import Foundation
import XCTest

/// Where a run's time goes: every phase timed in `result.json`, the phases adding up to the run's wall time, and
/// their totals in `suite status` and on each run's page of the report.
extension SuiteCLITests {
    func testEveryRunRecordsTheTimeOfEachPhase() throws {
        let dir = try temporaryFolder()
        let suite = try writeSuite(dir, methods: "[lora, ia3]", tasks: "[gsm8k]")
        let out = dir.appendingPathComponent("out").path
        let r = try cli.run(["suite", "run", suite, "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let records = results(out)
        XCTAssertEqual(records.count, 2)
        for (run, record) in records {
            let cost = try XCTUnwrap(record["cost"] as? [String: Any])
            let phases = try XCTUnwrap(cost["phases"] as? [String: Double], run)
            XCTAssertEqual(Set(phases.keys), ["load", "forgettingBaseline", "setup", "training", "evaluation", "calibration", "forgetting", "writing",
                                              "process"])
            XCTAssertTrue(phases.values.allSatisfy { $0 >= 0 }, "\(phases)")
            // The training phase is the steps and what is counted after them.
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(phases["training"]), try XCTUnwrap(cost["trainingSeconds"] as? Double))
            // The phases leave nothing between them: they add up to the wall time of the run's process.
            let wall = try XCTUnwrap(cost["wallSeconds"] as? Double), sum = phases.values.reduce(0, +)
            XCTAssertEqual(sum, wall, accuracy: 0.005, "\(phases) against \(wall) s")
            // The training batches state their rule and keep padding within it, never above one batch per step's
            // (how the rule splits a step is StepBatchingTests').
            let padding = try XCTUnwrap((record["budget"] as? [String: Any])?["padding"] as? [String: Any], run)
            XCTAssertEqual(padding["rule"] as? String, "length-grouped")
            let share = try XCTUnwrap(padding["share"] as? Double), oneBatch = try XCTUnwrap(padding["oneBatchShare"] as? Double)
            XCTAssertLessThanOrEqual(share, 0.05)
            XCTAssertGreaterThanOrEqual(oneBatch, share, "\(padding)")
            let positions = try XCTUnwrap(padding["positions"] as? Int)
            XCTAssertGreaterThan(positions, 0)
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(padding["oneBatchPositions"] as? Int), positions)
        }
        let status = try cli.run(["suite", "status", suite, "--out", out])
        XCTAssertEqual(status.status, 0, status.stderr)
        let line = try XCTUnwrap(status.stdout.split(separator: "\n").first { $0.hasPrefix("time by phase over 2 done runs: ") }, status.stdout)
        for phase in ["load", "forgetting baseline", "setup", "training", "evaluation", "calibration", "forgetting", "writing", "process start and exit"] {
            XCTAssertTrue(line.contains("\(phase) "), "\(phase) missing from: \(line)")
        }
        for run in records.keys {
            let page = try String(contentsOfFile: "\(out)/report/runs/\(run).html", encoding: .utf8)
            XCTAssertTrue(page.contains("Time by phase") && page.contains("forgetting baseline"), run)
            XCTAssertTrue(page.contains("length-grouped:") && page.contains("as one batch per step"), run)
        }
    }
}
