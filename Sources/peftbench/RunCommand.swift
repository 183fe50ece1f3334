import ArgumentParser
import Checkpoints
import Foundation
import Harness
import Report
import Methods

/// The options that make up a run's spec: a YAML config, then one flag per run-spec key (`RunSpecKey.all`:
/// `--steps 10`, `--eval-limit=16`), then `--param NAME=VALUE`; a flag given here wins over the config.
struct RunSpecOptions: ParsableArguments {
    @Option(help: "A YAML run config (the keys of result.json's spec); flags given here override it.") var config: String?
    @OptionGroup var parameters: MethodParameters
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Run keys as flags (listed below).", visibility: .hidden))
    var keyFlags: [String] = []

    /// The run keys given as flags, in order; an unknown flag or a flag without a value is an error naming it.
    func flagValues() throws -> [(key: RunSpecKey, value: String)] {
        var out: [(RunSpecKey, String)] = []
        var i = 0
        while i < keyFlags.count {
            let word = keyFlags[i]
            let (flag, inline) = word.firstIndex(of: "=").map { (String(word[..<$0]), String(word[word.index(after: $0)...]) as String?) } ?? (word, nil)
            guard let key = RunSpecKey.forFlag(flag), key.name != "params" else {
                throw ValidationError("unknown option '\(flag)' (run keys: \(RunSpecKey.all.filter { $0.name != "params" }.map(\.flag).joined(separator: " ")))")
            }
            if let inline {
                out.append((key, inline))
                i += 1
            } else {
                guard i + 1 < keyFlags.count else { throw ValidationError("\(flag) needs a value (\(key.valueName))") }
                out.append((key, keyFlags[i + 1]))
                i += 2
            }
        }
        return out
    }

    /// The spec of `task` × `method` from the config file and the flags (`task`/`method` given here win).
    func spec(task: String? = nil, method: String? = nil) throws -> RunSpec {
        var spec = RunSpec(task: "", method: "")
        do {
            if let config { spec = try RunSpec.load(yaml: config) }
            for (key, value) in try flagValues() { try key.parse(&spec, value) }
        } catch let error as RunError { throw ValidationError("\(error)") }
        if let task { spec.task = task }
        if let method { spec.method = method }
        guard !spec.task.isEmpty, !spec.method.isEmpty else {
            throw ValidationError("--task and --method are needed (or a --config that names them)")
        }
        for (k, v) in try parameters.parsed() { spec.params[k] = v }
        do { try spec.validate() } catch { throw ValidationError("\(error)") }
        return spec
    }
}

/// Where runs go.
struct RunPlaceOptions: ParsableArguments {
    @Option(help: "Folder of runs; each run writes <out>/<run id>/.") var out = "runs"
    @OptionGroup var home: HomeOptions
    @Flag(help: "Run again even when a completed result exists.") var force = false
    @Flag(help: "Also save the tuned model's parameters (model.safetensors); by default only the adapter is kept.") var saveModel = false

    func runnerOptions() throws -> Runner.Options {
        var o = Runner.Options(cacheFolder: ModelStore.cacheDirectory)
        o.tasksFolder = try home.tasksFolder()
        o.outFolder = out
        o.force = force
        o.saveModel = saveModel
        o.shouldStop = { Interruption.signal != nil }
        return o
    }
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Train one method on one task under a fixed budget, evaluate, and write the run's files.",
        discussion: "Run keys, as flags (a YAML --config takes the same keys):\n" + RunSpecKey.flagHelp)
    @OptionGroup var runtime: RuntimeOptions
    @OptionGroup var specOptions: RunSpecOptions
    @OptionGroup var place: RunPlaceOptions

    func run() throws {
        runtime.apply()
        let spec = try specOptions.spec()
        Interruption.install()
        var options = try place.runnerOptions()
        let view = RunProgressView(runID: spec.runID, steps: spec.steps)
        options.onEvent = { view.show($0) }
        let runner = Runner(spec: spec, options: options)
        let result: RunResult
        do { result = try runner.run() } catch is RunInterrupted {
            FileHandle.standardError.write(Data("\(spec.runID): interrupted; the same command runs it again\n".utf8))
            throw ExitCode(Interruption.exitCode)
        }
        print(runner.folder)
        if !result.status.isResult {
            throw ValidationError("\(spec.runID): \(result.status.rawValue)\(result.error.map { ": \($0)" } ?? "")")
        }
    }
}

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Run several methods on one task under the same budget (resumable: completed runs are kept), then write the report.")
    @OptionGroup var runtime: RuntimeOptions
    @Option(help: "The task.") var task: String?
    @Option(help: "Comma-separated methods, or all.") var methods = "all"
    @OptionGroup var specOptions: RunSpecOptions
    @OptionGroup var place: RunPlaceOptions
    @Option(help: "Where the report goes.") var report = "reports"

    func run() throws {
        runtime.apply()
        let names = methods == "all" ? MethodRegistry.all.map { $0.name } : methods.split(separator: ",").map(String.init)
        for name in names where (try? MethodRegistry.method(named: name)) == nil {
            throw ValidationError("unknown method '\(name)' (peftbench methods list)")
        }
        var failures: [String] = []
        for (i, name) in names.enumerated() {
            let spec = try specOptions.spec(task: task, method: name)
            FileHandle.standardError.write(Data("[\(i + 1)/\(names.count)] \(spec.runID)\n".utf8))
            do { try Runner(spec: spec, options: place.runnerOptions()).run() } catch {
                // One method's failure is recorded in its result.json and does not stop the comparison.
                FileHandle.standardError.write(Data("\(spec.runID): failed: \(error)\n".utf8))
                failures.append(name)
            }
        }
        let index = try ReportWriter(runsFolder: place.out, outFolder: report).write()
        print(index)
        if !failures.isEmpty { throw ValidationError("failed: \(failures.joined(separator: ", ")) (see their result.json)") }
    }
}
