import ArgumentParser
import Checkpoints
import Foundation
import Harness
import Report
import Methods

/// The options that make up a run's spec; a YAML config gives them too, and a flag given here wins over it.
struct RunSpecOptions: ParsableArguments {
    @Option(help: "A YAML run config (the keys of result.json's spec); flags given here override it.") var config: String?
    @Option(help: "smollm2-135m, a .gguf file, a Hugging Face folder, or tiny.") var model: String?
    @Option(help: "Optimizer steps (the budget).") var steps: Int?
    @Option(help: "Examples per step.") var batch: Int?
    @Option(help: "Maximum tokens per training example.") var seq: Int?
    @Option(help: "Seed of the data order, initialisations and dropout.") var seed: UInt64?
    @Option(help: "Peak learning rate (default: the method's).") var learningRate: Float?
    @Option(help: "constant, linear or cosine (after warm-up).") var schedule: String?
    @Option(help: "Warm-up steps (default: a tenth of the steps).") var warmupSteps: Int?
    @Option(help: "Evaluation examples (default: the task's eval_limit).") var evalLimit: Int?
    @Option(help: "validation or test.") var evalSplit: String?
    @Option(help: "Sequences generated together.") var evalBatch: Int?
    @Option(help: "Stop training after this many seconds (recorded in the result).") var wallClockLimit: Double?
    @Option(help: "A text file, one probe text per line, for forgetting (default: texts sampled from the base model).")
    var forgettingCorpus: String?
    @Option(help: "Examples per forgetting probe set (0: no forgetting measurement).") var forgettingExamples: Int?
    @OptionGroup var parameters: MethodParameters

    /// The spec of `task` × `method` from the config file and the flags.
    func spec(task: String?, method: String?) throws -> RunSpec {
        var spec: RunSpec
        if let config {
            do { spec = try RunSpec.load(yaml: config) } catch { throw ValidationError("\(error)") }
            if let task { spec.task = task }
            if let method { spec.method = method }
        } else {
            guard let task, let method else { throw ValidationError("--task and --method are needed (or a --config that names them)") }
            spec = RunSpec(task: task, method: method)
        }
        if let model { spec.model = model }
        if let steps { spec.steps = steps }
        if let batch { spec.batch = batch }
        if let seq { spec.seq = seq }
        if let seed { spec.seed = seed }
        if let learningRate { spec.learningRate = learningRate }
        if let schedule { spec.schedule = schedule }
        if let warmupSteps { spec.warmupSteps = warmupSteps }
        if let evalLimit { spec.evalLimit = evalLimit }
        if let evalSplit { spec.evalSplit = evalSplit }
        if let evalBatch { spec.evalBatch = evalBatch }
        if let wallClockLimit { spec.wallClockLimit = wallClockLimit }
        if let forgettingCorpus { spec.forgettingCorpus = forgettingCorpus }
        if let forgettingExamples { spec.forgettingExamples = forgettingExamples }
        for (k, v) in try parameters.parsed() { spec.params[k] = v }
        do { try spec.validate() } catch { throw ValidationError("\(error)") }
        return spec
    }
}

/// Where runs go and how they report progress.
struct RunPlaceOptions: ParsableArguments {
    @Option(help: "Folder of runs; each run writes <out>/<run id>/.") var out = "runs"
    @Option(help: "The task definitions folder.") var tasksDir = "tasks"
    @Flag(help: "Run again even when a completed result exists.") var force = false
    @Flag(help: "Also save the tuned model's parameters (model.safetensors); by default only the adapter is kept.") var saveModel = false

    func runnerOptions() -> Runner.Options {
        var o = Runner.Options(cacheFolder: ModelStore.cacheDirectory)
        o.tasksFolder = tasksDir
        o.outFolder = out
        o.force = force
        o.saveModel = saveModel
        o.interactive = isatty(STDERR_FILENO) != 0
        return o
    }
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Train one method on one task under a fixed budget, evaluate, and write the run's files.")
    @OptionGroup var runtime: RuntimeOptions
    @Option(help: "The task (peftbench tasks list).") var task: String?
    @Option(help: "The method (peftbench methods list).") var method: String?
    @OptionGroup var specOptions: RunSpecOptions
    @OptionGroup var place: RunPlaceOptions

    func run() throws {
        runtime.apply()
        let spec = try specOptions.spec(task: task, method: method)
        let runner = Runner(spec: spec, options: place.runnerOptions())
        let result = try runner.run()
        print(runner.folder)
        if result.status != .completed {
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
