import ArgumentParser
import Checkpoints
import Foundation
import Harness
import Results
import Suite

struct SuiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suite", abstract: "Run a suite of tasks × methods × seeds: resumable, shardable, on Slurm.",
        subcommands: [SuiteRunCommand.self, SuiteStatusCommand.self, SuiteSlurmCommand.self, SuiteSummarizeCommand.self,
                      SuiteWorkerCommand.self])
}

/// The suite file and its folder, shared by the suite commands.
struct SuiteLocation: ParsableArguments {
    @Argument(help: "A suite file, or the name of a shipped one (smoke, quick, quick-select, overnight, rank-vs-data, curves).") var file: String
    @Option(help: "The suite's folder of runs (default: runs/<suite name>).") var out: String?
    @OptionGroup var home: HomeOptions

    func suitePath() throws -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue { return file }
        if !file.contains("/"), !file.hasSuffix(".yaml") {
            let shipped = try ProjectHome.folder("suites", explicit: nil, flag: "PEFTBENCH_HOME")
            let path = (shipped as NSString).appendingPathComponent(file + ".yaml")
            if FileManager.default.fileExists(atPath: path) { return path }
            throw ValidationError("\(file): no such suite file, and no shipped suite \(path)")
        }
        throw ValidationError("\(file): no such suite file")
    }

    func plan() throws -> SuitePlan {
        do { return try SuitePlan(file: try SuiteFile(path: try suitePath())) } catch let error as RunError {
            throw ValidationError("\(error)")
        }
    }

    func outFolder(_ plan: SuitePlan) -> String { out ?? ("runs" as NSString).appendingPathComponent(plan.file.name) }

    func options(_ plan: SuitePlan) throws -> SuiteRunner.Options {
        SuiteRunner.Options(outFolder: outFolder(plan), tasksFolder: try home.tasksFolder(), cacheFolder: ModelStore.cacheDirectory)
    }
}

struct SuiteRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a suite (or one shard of it); the same command continues a stopped suite.")
    @OptionGroup var location: SuiteLocation
    @Option(help: "Threads per run (default: the suite's limits.threads, else all cores).") var threads: Int?
    @Option(help: "Run only shard I of N (0-based, I/N); the shards partition the runs by run id.") var shard: String?
    @Option(help: "Where the report goes (default: <out>/report).") var report: String?
    @Flag(help: "Skip the report.") var noReport = false
    @Flag(help: "Run failed runs again.") var retryFailed = false
    @Option(help: "An earlier suite.json: flag every figure that moved outside its interval.") var baseline: String?

    func run() throws {
        let plan = try location.plan()
        var options = try location.options(plan)
        options.baseline = baseline
        options.threads = threads ?? plan.file.limits.threads
        options.shard = try shard.map(Self.parseShard)
        options.retryFailed = retryFailed
        options.reportFolder = noReport ? nil : (report ?? (options.outFolder as NSString).appendingPathComponent("report"))
        Interruption.install()
        let view = SuiteProgressView(suite: plan.file.name)
        options.onEvent = { view.show($0) }
        let runner = SuiteRunner(plan: plan, options: options)
        let outcome: SuiteRunner.Outcome
        do { outcome = try runner.run() } catch let interrupted as SuiteRunner.Interrupted {
            view.finish()
            FileHandle.standardError.write(Data("\(plan.file.name): \(interrupted)\n".utf8))
            throw ExitCode(interrupted.exitCode)
        } catch let error as SetupError {
            view.finish()
            throw ValidationError("\(error)")
        } catch let error as RunError {
            view.finish()
            throw ValidationError("\(error)")
        }
        view.finish()
        if let check = outcome.baselineCheck { BaselineReport.print(check) }
        if let report = outcome.report { print(report) } else { print(outcome.summary) }
        if !outcome.failed.isEmpty {
            FileHandle.standardError.write(Data("\(outcome.failed.count) run\(outcome.failed.count == 1 ? "" : "s") failed: \(outcome.failed.joined(separator: ", ")) (their result.json says why)\n".utf8))
            throw ExitCode(1)
        }
    }

    static func parseShard(_ text: String) throws -> (index: Int, count: Int) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 0, i < n else {
            throw ValidationError("--shard must be I/N with 0 ≤ I < N, got '\(text)'")
        }
        return (i, n)
    }
}

struct SuiteStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Where every run of a suite stands: done, running (who holds it, its progress), failed, pending.")
    @OptionGroup var location: SuiteLocation
    @Flag(help: "Print JSON (the run list of suite.json, with claims and progress).") var json = false

    struct Row: Encodable {
        var runID: String, task: String, method: String, seed: UInt64, state: String, selection: Bool
        var holder: String?, progress: Claim.Progress?, heartbeatAge: Double?, error: String?
    }

    func run() throws {
        let plan = try location.plan()
        let out = location.outFolder(plan)
        let state = SuiteState(plan: plan, outFolder: out)
        let now = Date().timeIntervalSince1970
        let rows = state.rows.map { r in
            Row(runID: r.run.runID, task: r.run.spec.task, method: r.run.label, seed: r.run.spec.seed, state: r.state.rawValue,
                selection: r.run.isSelectionRun,
                holder: r.claimLive ? r.claim.map { "\($0.host):\($0.pid)" } : nil,
                progress: r.claimLive ? r.claim?.progress : nil,
                heartbeatAge: r.claimLive ? r.claim.map { now - $0.heartbeat } : nil,
                error: r.state == .failed ? r.result?.error : nil)
        }
        let counts = [SuiteState.State.done, .running, .failed, .interrupted, .pending].map { ($0.rawValue, state.count($0)) }
        let estimate = SuiteEstimate(history: TimingHistory(cacheFolder: ModelStore.cacheDirectory), threads: plan.file.limits.threads)
            .figure(state.rows.filter { $0.state != .done && $0.state != .failed }.map(\.run.spec))
        if json {
            struct Output: Encodable { var suite: String; var out: String; var counts: [String: Int]; var remainingSeconds: Double; var runs: [Row] }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(Output(suite: plan.file.name, out: out, counts: Dictionary(uniqueKeysWithValues: counts),
                                                             remainingSeconds: estimate.seconds, runs: rows)), as: UTF8.self))
            return
        }
        print("\(plan.file.name): \(state.rows.count) runs — " + counts.map { "\($1) \($0)" }.joined(separator: ", ")
              + "; about \(SuiteProgressView.duration(estimate.seconds)) of runs left (\(out))")
        for r in rows {
            var line = "\(r.state.padding(toLength: 12, withPad: " ", startingAt: 0)) \(r.runID)\(r.selection ? "  (learning-rate proxy)" : "")"
            if let holder = r.holder { line += "  held by \(holder)" }
            if let p = r.progress {
                line += "  \(p.phase)"
                if let step = p.step, let steps = p.steps { line += " \(step)/\(steps)" }
                if let loss = p.loss { line += String(format: "  loss %.4f", loss) }
                if let rate = p.tokensPerSecond { line += String(format: "  %.0f tok/s", rate) }
            }
            if let age = r.heartbeatAge { line += String(format: "  (heartbeat %.0fs ago)", age) }
            if let error = r.error { line += "  \(error)" }
            print(line)
        }
        let phases = state.rows.compactMap { $0.state == .done ? $0.result?.cost.phases : nil }
        if !phases.isEmpty {
            let sum = PhaseTimes.sum(phases)
            print("time by phase over \(phases.count) done run\(phases.count == 1 ? "" : "s"): " + sum.named.compactMap { name, seconds in
                seconds.map { String(format: "%@ %@ (%.0f%%)", name, SuiteProgressView.duration($0), 100 * $0 / max(sum.total, 1e-9)) }
            }.joined(separator: ", "))
        }
    }
}

struct SuiteSummarizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summarize", abstract: "Write a suite's suite.json and report from its folder (what a Slurm job array's last job runs).")
    @OptionGroup var location: SuiteLocation
    @Option(help: "Where the report goes (default: <out>/report).") var report: String?
    @Flag(help: "Skip the report.") var noReport = false
    @Option(help: "An earlier suite.json: flag every figure that moved outside its interval.") var baseline: String?

    func run() throws {
        let plan = try location.plan()
        var options = try location.options(plan)
        options.baseline = baseline
        let runner = SuiteRunner(plan: plan, options: options)
        let summary: String, check: BaselineCheck?
        do { (summary, check) = try runner.writeFinalSummary() } catch let error as RunError { throw ValidationError("\(error)") }
        if let check { BaselineReport.print(check) }
        print(summary)
        if !noReport { print(try runner.writeReport(to: report ?? (options.outFolder as NSString).appendingPathComponent("report"))) }
    }
}

struct SuiteSlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm", abstract: "Write (and with --submit, submit) a Slurm job array running the suite in shards, and the job that summarizes it.")
    @OptionGroup var location: SuiteLocation
    @Option(help: "Shards: array tasks.") var shards: Int
    @Option(help: "Array tasks running at once (default: all).") var parallel: Int?
    @Option(help: "CPUs (threads) per array task (default: the suite's limits.threads, else 2).") var threads: Int?
    @Option(help: "Slurm partition.") var partition: String?
    @Option(help: "Slurm account.") var account: String?
    @Flag(help: "Submit with sbatch.") var submit = false

    func validate() throws {
        guard shards >= 1 else { throw ValidationError("--shards must be at least 1") }
        if let parallel, parallel < 1 { throw ValidationError("--parallel must be at least 1") }
    }

    func run() throws {
        let plan = try location.plan()
        let options = try location.options(plan)
        let threads = self.threads ?? plan.file.limits.threads ?? 2
        let estimate = SuiteEstimate(history: TimingHistory(cacheFolder: options.cacheFolder), threads: threads)
        let shardSeconds = (0..<shards).map { estimate.figure(plan.shard($0, of: shards).map(\.spec)).seconds }.max() ?? 0
        let job = SlurmJob(plan: plan, outFolder: options.outFolder, tasksFolder: options.tasksFolder,
                           executable: ChildRun.executable,
                           shards: shards, parallel: parallel ?? shards, threads: threads, shardSeconds: shardSeconds,
                           partition: partition, account: account)
        do {
            let paths = try job.write()
            print(paths.array)
            print(paths.summarize)
            if submit {
                let ids = try job.submit(array: paths.array, summarize: paths.summarize)
                print("submitted: array job \(ids.array), summary job \(ids.summarize)")
            } else {
                FileHandle.standardError.write(Data("submit with: id=$(sbatch --parsable \(paths.array)) && sbatch --dependency=afterany:$id \(paths.summarize)\n".utf8))
            }
        } catch let error as RunError { throw ValidationError("\(error)") }
    }
}

/// What a baseline check found, on stderr: one line per measure that moved.
enum BaselineReport {
    static func print(_ check: BaselineCheck) {
        var lines = ["baseline \(check.baseline): \(check.moved.count) of \(check.compared) figures moved outside their interval"]
        lines += check.moved.map { "  moved: \($0)" }
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
