import Foundation
import Harness
import Report
import Results

/// Runs a suite's runs (or one shard's), each in its own process under the suite's limits, claiming each run first
/// so that shards and concurrent suites on one folder never run the same run; rewrites `suite.json` after every
/// run and writes the report at the end. Killed at any moment, the same command continues: finished runs are kept,
/// an interrupted run starts again in a fresh folder.
public final class SuiteRunner {
    public struct Options {
        public var outFolder: String
        public var tasksFolder: String
        public var cacheFolder: String
        /// 0-based shard index and count.
        public var shard: (index: Int, count: Int)?
        public var threads: Int?
        /// Run failed runs again (by default a failed run is a result until asked).
        public var retryFailed = false
        /// Where the report goes; nil: no report.
        public var reportFolder: String?
        /// An earlier `suite.json` whose intervals the final figures are checked against.
        public var baseline: String?
        public var onEvent: (SuiteEvent) -> Void = { _ in }

        public init(outFolder: String, tasksFolder: String, cacheFolder: String) {
            self.outFolder = outFolder
            self.tasksFolder = tasksFolder
            self.cacheFolder = cacheFolder
        }
    }

    /// How a suite invocation ended.
    public struct Outcome {
        public var failed: [String]
        public var summary: String
        public var report: String?
        public var baselineCheck: BaselineCheck?
    }

    /// The suite stopped on SIGINT/SIGTERM; the same command continues it.
    public struct Interrupted: Error, CustomStringConvertible {
        public var exitCode: Int32
        public var description: String { "interrupted; the same command continues the suite" }
    }

    public let plan: SuitePlan
    public let options: Options
    private let claims: ClaimStore
    private var models = ModelGuard()
    private let heartbeatEvery = 5.0

    public init(plan: SuitePlan, options: Options) {
        self.plan = plan
        self.options = options
        claims = ClaimStore(outFolder: options.outFolder)
    }

    var shardName: String? { options.shard.map { "\($0.index)/\($0.count)" } }
    var myRuns: [SuiteRun] { options.shard.map { plan.shard($0.index, of: $0.count) } ?? plan.runs }

    public func overview() -> SuiteOverview {
        let state = SuiteState(plan: plan, outFolder: options.outFolder, runs: myRuns)
        let toRun = state.rows.filter { wantsToRun($0.result?.status) }
        let estimate = SuiteEstimate(history: TimingHistory(cacheFolder: options.cacheFolder), threads: options.threads)
        return SuiteOverview(total: state.rows.count, done: state.count(.done), failed: state.count(.failed), toRun: toRun.count,
                             estimate: estimate.figure(toRun.map(\.run.spec)), shard: shardName)
    }

    /// Whether a run with this record (nil: none) is to be run: not when it is a result, nor a failure unless asked.
    func wantsToRun(_ status: RunResult.Status?) -> Bool {
        guard let status else { return true }
        return !status.isResult && (status != .failed || options.retryFailed)
    }

    public func run() throws -> Outcome {
        if let baseline = options.baseline { _ = try BaselineCheck.load(baseline) }
        try plan.preflight(tasksFolder: options.tasksFolder)
        do { try FileManager.default.createDirectory(atPath: options.outFolder, withIntermediateDirectories: true) } catch {
            throw SetupError("\(options.outFolder): cannot create the suite folder (\(error.localizedDescription))")
        }
        // Kept records made with another model file than the one there now would be compared with new ones.
        var results = Set<String>()
        for run in myRuns {
            if let record = try? RunFiles.readResult(folder: folder(run)), record.status.isResult {
                try models.check(record, folder: folder(run))
                results.insert(run.runID)
            }
        }
        options.onEvent(.overview(overview()))
        var progress = Progress(history: TimingHistory(cacheFolder: options.cacheFolder), outcome: Outcome(failed: [], summary: "", report: nil),
                                results: results)
        let runs = myRuns
        for (position, run) in runs.enumerated() {
            if Interruption.signal != nil { break }
            _ = try attempt(run, position: position + 1, of: runs.count, &progress)
        }
        var outcome = progress.outcome
        (outcome.summary, outcome.baselineCheck) = try writeFinalSummary()
        options.onEvent(.wrote(what: "summary", path: outcome.summary))
        if let signal = Interruption.signal { throw Interrupted(exitCode: 128 + signal) }
        // A result that was there (kept or made here) and is gone now: its folder was deleted under the suite.
        let gone = runs.filter { progress.results.contains($0.runID) && !FileManager.default.fileExists(atPath: folder($0) + "/result.json") }
        if let first = gone.first {
            throw RunError("\(folder(first)): deleted while the suite ran\(gone.count > 1 ? " (and \(gone.count - 1) more)" : ""); the same command runs \(gone.count > 1 ? "them" : "it") again")
        }
        if let folder = options.reportFolder {
            outcome.report = try writeReport(to: folder)
            options.onEvent(.wrote(what: "report", path: outcome.report!))
        }
        return outcome
    }

    /// What one invocation has done so far.
    struct Progress {
        var history: TimingHistory
        var outcome: Outcome
        /// Runs whose result was seen in place during this invocation.
        var results: Set<String> = []
    }

    /// What became of a run this process looked at.
    enum Attempt { case ran, heldBy(Claim), notNeeded }

    private func folder(_ run: SuiteRun) -> String { (options.outFolder as NSString).appendingPathComponent(run.runID) }

    /// The run's record; one that is there but cannot be read (truncated, edited by hand) is said and run again.
    private func existingRecord(_ run: SuiteRun) -> RunResult? {
        let path = (folder(run) as NSString).appendingPathComponent("result.json")
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do { return try RunFiles.readResult(folder: folder(run)) } catch {
            options.onEvent(.unreadable(run, problem: "\(error)"))
            return nil
        }
    }

    /// Runs `run` unless it is done or another process holds it; a run that selects its learning rate first has its
    /// proxy runs done (running those nobody holds, waiting for those others hold).
    private func attempt(_ run: SuiteRun, position: Int, of count: Int, _ progress: inout Progress) throws -> Attempt {
        guard wantsToRun(existingRecord(run)?.status) else { return .notNeeded }
        var choice: Result<LearningRateChoice, RunError>?
        if !run.proxies.isEmpty {
            choice = try selection(for: run, position: position, of: count, &progress)
        }
        let mine: Claim
        switch try claims.acquire(run.runID, shard: shardName) {
        case let .heldBy(holder):
            options.onEvent(.skipped(run, reason: "held by \(holder.host):\(holder.pid)"))
            return .heldBy(holder)
        case let .acquired(claim): mine = claim
        }
        defer { claims.release(mine) }
        // Finished by another process between the look above and the claim.
        if let record = try? RunFiles.readResult(folder: folder(run)), record.status.isResult { return .notNeeded }
        options.onEvent(.runStarted(run, position: position, of: count))
        let record: (RunResult, Double)?
        switch choice {
        case .failure(let error)?: record = try recordUnrunnable(run, error, claim: mine)
        case .success(let chosen)?: record = try execute(run, claim: mine, learningRate: chosen)
        case nil: record = try execute(run, claim: mine, learningRate: nil)
        }
        guard let (result, seconds) = record else { return .ran }
        try models.check(result, folder: folder(run))
        if result.status.isResult { progress.results.insert(run.runID) }
        if result.status == .failed { progress.outcome.failed.append(run.runID) }
        progress.history.record(result, wallSeconds: seconds, threads: options.threads)
        options.onEvent(.runFinished(run, status: result.status, detail: result.error ?? Self.metricLine(result), seconds: seconds))
        progress.outcome.summary = try writeSummary()
        if let signal = Interruption.signal { throw Interrupted(exitCode: 128 + signal) }
        return .ran
    }

    /// The learning rate a run's proxies select, once every proxy it needs has a record (the grid's, then those past
    /// an edge the choice reaches): this process runs the proxies nobody holds and waits for those another process
    /// (a shard, a suite on the same folder) is running.
    private func selection(for run: SuiteRun, position: Int, of count: Int, _ progress: inout Progress) throws -> Result<LearningRateChoice, RunError> {
        let all = (run.proxies + run.widening.below + run.widening.above).compactMap(plan.run)
        var said: String?
        var retried = Set<String>()
        while true {
            var records = Dictionary(uniqueKeysWithValues: all.compactMap { p in (try? RunFiles.readResult(folder: folder(p))).map { (p.runID, $0) } })
            // A failed proxy is final, unless failures are retried: then once more by this process.
            if options.retryFailed { records = records.filter { $0.value.status != .failed || retried.contains($0.key) } }
            let needed: [SuiteRun]
            switch LearningRateSelection.resolve(run, plan: plan, records: records) {
            case .chosen(let choice): return .success(choice)
            case .failed(let error): return .failure(error)
            case .needs(let proxies): needed = proxies
            }
            var heldBy: Claim?
            for proxy in needed {
                retried.insert(proxy.runID)
                if case let .heldBy(holder) = try attempt(proxy, position: position, of: count, &progress) { heldBy = holder }
                if let signal = Interruption.signal { throw Interrupted(exitCode: 128 + signal) }
            }
            guard let heldBy else { continue }
            let reason = "waiting for its learning-rate proxy runs (one held by \(heldBy.host):\(heldBy.pid))"
            if reason != said { options.onEvent(.skipped(run, reason: reason)) }
            said = reason
            for _ in 0..<50 where Interruption.signal == nil { usleep(100_000) }
        }
    }

    /// The record of a run that cannot start (no proxy run gave it a learning rate), published like any other.
    private func recordUnrunnable(_ run: SuiteRun, _ error: RunError, claim: Claim) throws -> (RunResult, Double)? {
        let work = (options.outFolder as NSString).appendingPathComponent(".attempts/\(run.runID).\(ClaimStore.host).\(getpid())")
        try RunFolders.makeEmpty(work)
        var record = RunResult.unstarted(run.spec, status: .failed)
        record.error = error.description
        record.failure = .init(cause: "error", stderrTail: [])
        record.finishedAt = record.startedAt
        try RunFiles.writeResult(record, folder: work)
        var claim = claim
        guard claims.refresh(&claim, progress: .init(phase: "publishing")) else {
            try? FileManager.default.removeItem(atPath: work)
            return nil
        }
        try RunFolders.publish(work, as: folder(run))
        return (record, 0)
    }

    /// Runs one claimed run in its own process and publishes its record; nil when the claim was lost to another
    /// process (its record is that process' to write).
    private func execute(_ run: SuiteRun, claim: Claim, learningRate: LearningRateChoice?) throws -> (RunResult, Double)? {
        let attempts = (options.outFolder as NSString).appendingPathComponent(".attempts")
        let work = (attempts as NSString).appendingPathComponent("\(run.runID).\(ClaimStore.host).\(getpid())")
        try RunFolders.makeEmpty(work)
        // A killed attempt of this run (any process) left its folder; it is never read, only removed.
        removeOtherAttempts(of: run.runID, keeping: work, in: attempts)
        let specJSON = String(decoding: try JSONEncoder().encode(run.spec), as: UTF8.self)
        var arguments = ["suite", "worker", "--spec", specJSON, "--work", work, "--out", options.outFolder, "--tasks-dir", options.tasksFolder]
        if let threads = options.threads { arguments += ["--threads", String(threads)] }
        if let learningRate { arguments += ["--learning-rate-choice", String(decoding: try JSONEncoder().encode(learningRate), as: UTF8.self)] }
        let child = ChildRun(arguments: arguments, workFolder: work, limits: plan.file.limits)
        var claim = claim
        var lastBeat = Date()
        var progress = Claim.Progress(phase: "loading")
        child.onTick = { [claims, options, heartbeatEvery] event in
            if let event {
                options.onEvent(.run(run, event))
                switch event {
                case let .step(step, steps, loss, rate, _): progress = .init(phase: "training", step: step, steps: steps, loss: loss, tokensPerSecond: rate)
                case let .evaluating(done, total): progress = .init(phase: "evaluating", step: done, steps: total)
                case .planned: progress = .init(phase: "planned")
                default: break
                }
                return true
            }
            guard Date().timeIntervalSince(lastBeat) >= heartbeatEvery else { return true }
            lastBeat = Date()
            return claims.refresh(&claim, progress: progress)
        }
        let outcome: ChildRun.Outcome
        do { outcome = try child.run() } catch {
            try? FileManager.default.removeItem(atPath: work)
            throw error
        }
        if outcome.stoppedBy == .lostClaim {
            try? FileManager.default.removeItem(atPath: work)
            return nil
        }
        if case .exited(78) = outcome.exit {
            let reason = child.stderrTail(1).last ?? "the run's setup failed"
            try? FileManager.default.removeItem(atPath: work)
            throw SetupError(reason)
        }
        let record = RunOutcomeRecord.make(run, child: child, outcome: outcome)
        try RunFiles.writeResult(record, folder: work)
        // Published only while the claim is still ours; the record replaces an earlier failed or interrupted one.
        guard claims.refresh(&claim, progress: .init(phase: "publishing")) else {
            try? FileManager.default.removeItem(atPath: work)
            return nil
        }
        try RunFolders.publish(work, as: (options.outFolder as NSString).appendingPathComponent(run.runID))
        return (record, outcome.seconds)
    }

    private func removeOtherAttempts(of runID: String, keeping work: String, in attempts: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: attempts)) ?? []
        for name in names where name.hasPrefix(runID + ".") {
            let path = (attempts as NSString).appendingPathComponent(name)
            if path != work { try? FileManager.default.removeItem(atPath: path) }
        }
    }

    /// `suite.json` as it stands, without the statistics (rewritten after every run).
    @discardableResult
    public func writeSummary() throws -> String {
        try SuiteSummary(plan: plan, state: SuiteState(plan: plan, outFolder: options.outFolder)).write(outFolder: options.outFolder)
    }

    /// `suite.json` with the intervals and paired tests (they read every run's statistics), checked against the
    /// baseline when there is one.
    public func writeFinalSummary() throws -> (path: String, baselineCheck: BaselineCheck?) {
        let baseline = try options.baseline.map { ($0, try BaselineCheck.load($0)) }
        var summary = SuiteSummary(plan: plan, state: SuiteState(plan: plan, outFolder: options.outFolder), outFolder: options.outFolder)
        if let (path, old) = baseline { summary.baselineCheck = BaselineCheck(current: summary, baseline: old, path: path) }
        return (try summary.write(outFolder: options.outFolder), summary.baselineCheck)
    }

    /// The report of the suite's runs (all shards'), not of whatever else the folder holds, with the sweeps' grids
    /// from the `suite.json` the end of the invocation wrote.
    public func writeReport(to folder: String) throws -> String {
        try ReportWriter(runsFolder: options.outFolder, outFolder: folder).write()
    }

    static func metricLine(_ result: RunResult) -> String {
        if let loss = result.heldOutLoss { return String(format: "held-out loss %.4f", loss.mean) }
        return result.metrics.map { String(format: "%@ %.2f", $0.name, $0.score) }.joined(separator: ", ")
    }
}
