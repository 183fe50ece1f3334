import Checkpoints
import Foundation
import Harness
import Interchange
import Report
import Results
import Suite

/// Configs and records: run and suite YAML, adapter folders (PEFT's layout and peftbench's), and `result.json`
/// with the report built from it.
enum ConfigTargets {
    static let all = [runYAML, suiteYAML, adapter, resultJSON]

    static let runYAML = FuzzTarget(name: "run-yaml") { input, scratch in
        let path = try scratch.write(input, as: "run.yaml")
        guard let spec = try accepting(path, { try RunSpec.load(yaml: path) }) else { return }
        // What the spec says beyond its syntax (ranges, combinations): one line, whatever the values.
        do { try spec.validate() } catch {
            guard !String(describing: error).contains("\n") else { throw Violation("validation error of more than one line: \(error)") }
        }
    }

    static let suiteYAML = FuzzTarget(name: "suite-yaml") { input, scratch in
        let path = try scratch.write(input, as: "suites/fuzz.yaml")
        _ = try accepting(path) { try SuiteFile(path: path) }
    }

    /// Input: `adapter_config.json` and `adapter_model.safetensors` (see `parts`), installed on the tiny model.
    static let adapter = FuzzTarget(name: "adapter-config") { input, scratch in
        let files = parts(input, 2)
        let folder = try scratch.emptyFolder("adapter")
        _ = try scratch.write(files[0], as: "adapter/adapter_config.json")
        _ = try scratch.write(files[1], as: "adapter/adapter_model.safetensors")
        guard (try accepting(folder) { try PEFTAdapter.methodName(folder) }) != nil else { return }
        let base = try ModelStore.load("tiny", seed: 1).model
        _ = try accepting(folder) { try PEFTAdapter.load(from: folder, into: base) }
    }

    static let resultJSON = FuzzTarget(name: "result-json") { input, scratch in
        let runs = try scratch.emptyFolder("runs")
        let path = try scratch.write(input, as: "runs/run-1/result.json")
        guard (try accepting(path) { try RunFiles.readResult(folder: (path as NSString).deletingLastPathComponent) }) != nil else { return }
        // A record that decodes is one the report must render.
        let writer = ReportWriter(runsFolder: runs, outFolder: try scratch.emptyFolder("report"))
        do { _ = try writer.write() } catch {
            throw Violation("a result.json that reads could not be reported: \(error)")
        }
    }
}
