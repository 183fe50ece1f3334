import ArgumentParser
import Checkpoints
import Foundation
import Harness
import Interchange
import Methods
import Report
import Results
import Suite

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

    /// The run keys given by the config file and the flags, as a suite layer (flags after the config, so they win).
    func layer() throws -> SuiteFile.Layer {
        var layer = SuiteFile.Layer()
        do {
            if let config {
                let source = try YAMLSource(path: config)
                var probe = RunSpec(task: "", method: "")
                for e in try source.mapping(source.root, "the run config") {
                    try probe.apply(key: e.key, keyNode: e.keyNode, value: e.value, from: source, context: "spec")
                    if e.key != "params" { layer.values.append((e.key, try source.scalar(e.value, e.key))) }
                }
                layer.params = probe.params
            }
            var probe = RunSpec(task: "", method: "")
            for (key, value) in try flagValues() {
                try key.parse(&probe, value)
                layer.values.append((key.name, value))
            }
        } catch let error as RunError { throw ValidationError("\(error)") }
        for (k, v) in try parameters.parsed() { layer.params[k] = v }
        return layer
    }

    /// The spec from the config file and the flags.
    func spec() throws -> RunSpec {
        var spec = RunSpec(task: "", method: "")
        do {
            if let config { spec = try RunSpec.load(yaml: config) }
            for (key, value) in try flagValues() { try key.parse(&spec, value) }
        } catch let error as RunError { throw ValidationError("\(error)") }
        if spec.method.isEmpty, let adapter = spec.adapter {
            do { spec.method = try PEFTAdapter.methodName(adapter) } catch { throw ValidationError("\(error)") }
        }
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
        // A diverged run is a result worth keeping, but not a success to report.
        if result.status != .completed {
            throw ValidationError("\(spec.runID): \(result.status.rawValue)\(result.error.map { ": \($0)" } ?? "")")
        }
    }
}

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Several methods on one task under the same budget: a one-task suite (resumable), then the report.",
        discussion: "Run keys, as flags:\n" + RunSpecKey.flagHelp)
    @OptionGroup var runtime: RuntimeOptions
    @Option(help: "Comma-separated methods, or all.") var methods = "all"
    @OptionGroup var specOptions: RunSpecOptions
    @Option(help: "Folder of runs; each run writes <out>/<run id>/.") var out = "runs"
    @OptionGroup var home: HomeOptions
    @Option(help: "Where the report goes.") var report = "reports"

    func run() throws {
        let names = methods == "all" ? MethodRegistry.all.map { $0.name } : methods.split(separator: ",").map(String.init)
        for name in names where (try? MethodRegistry.method(named: name)) == nil {
            throw ValidationError("unknown method '\(name)' (peftbench methods list)")
        }
        var base = try specOptions.layer()
        guard let task = base.values.last(where: { $0.key == "task" })?.value else { throw ValidationError("--task is needed") }
        base.values.removeAll { $0.key == "task" || $0.key == "method" }
        let seed = base.values.last(where: { $0.key == "seed" }).flatMap { UInt64($0.value) } ?? 0
        let file = SuiteFile(name: "compare-\(task)", tasks: [task], methods: names.map { ($0, $0, SuiteFile.Layer()) }, base: base, seeds: [seed])
        let plan: SuitePlan
        do { plan = try SuitePlan(file: file) } catch { throw ValidationError("\(error)") }
        var options = SuiteRunner.Options(outFolder: out, tasksFolder: try home.tasksFolder(), cacheFolder: ModelStore.cacheDirectory)
        options.threads = runtime.threads
        options.reportFolder = report
        options.retryFailed = true
        Interruption.install()
        let view = SuiteProgressView(suite: file.name)
        options.onEvent = { view.show($0) }
        let outcome: SuiteRunner.Outcome
        do { outcome = try SuiteRunner(plan: plan, options: options).run() } catch let interrupted as SuiteRunner.Interrupted {
            view.finish()
            throw ExitCode(interrupted.exitCode)
        } catch let error as SetupError {
            view.finish()
            throw ValidationError("\(error)")
        }
        view.finish()
        if let index = outcome.report { print(index) }
        if !outcome.failed.isEmpty { throw ValidationError("failed: \(outcome.failed.joined(separator: ", ")) (see their result.json)") }
    }
}
