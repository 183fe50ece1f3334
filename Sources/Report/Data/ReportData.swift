import Foundation
import Results

/// What every page is drawn from: the readable runs, those that could not be read, the suite's summary when the runs
/// are a suite's, and what follows from them — the tasks and method entries in order, and each run's entry.
struct ReportData {
    /// A run's files as the report reads them; `problem` says why a folder could not be read.
    struct LoadedRun {
        var folder: String
        var result: RunResult?
        var predictions: [Prediction]
        var problem: String?
    }

    let loaded: [LoadedRun]
    let summary: SuiteSummary?
    /// The comparison's runs (learning-rate proxy runs are not results; they draw the sensitivity curves).
    let results: [RunResult]
    let proxies: [RunResult]
    let predictions: [String: [Prediction]]
    /// Per run id: its method entry, with the sweep point when the suite sweeps (`lora (r=8)`).
    let entryOf: [String: String]
    /// Tasks and entries in the suite file's order (else by name).
    let tasks: [String]
    let entries: [String]
    /// Per entry: the method it runs (`full` marks full fine-tuning, the baseline of every difference).
    let methodOf: [String: String]

    init(loaded: [LoadedRun], summary: SuiteSummary?) {
        self.loaded = loaded
        self.summary = summary
        let all = loaded.compactMap(\.result)
        results = all.filter { !$0.spec.isSelectionRun }
        proxies = all.filter(\.spec.isSelectionRun)
        predictions = Dictionary(loaded.compactMap { run in run.result.map { ($0.runID, run.predictions) } }) { a, _ in a }
        var entryOf: [String: String] = [:]
        for run in summary?.runs ?? [] { entryOf[run.runID] = Self.entry(run.method, sweep: run.sweep, axes: summary?.sweepAxes) }
        for r in all where entryOf[r.runID] == nil { entryOf[r.runID] = r.spec.method }
        self.entryOf = entryOf
        var tasks: [String] = [], entries: [String] = [], methodOf: [String: String] = [:]
        for g in summary?.groups ?? [] {
            if !tasks.contains(g.task) { tasks.append(g.task) }
            let e = Self.entry(g.method, sweep: g.sweep, axes: summary?.sweepAxes)
            if !entries.contains(e) { entries.append(e) }
            methodOf[e] = g.methodName
        }
        for r in results.sorted(by: { ($0.spec.task, $0.spec.method) < ($1.spec.task, $1.spec.method) }) {
            if !tasks.contains(r.spec.task) { tasks.append(r.spec.task) }
            let e = entryOf[r.runID]!
            if !entries.contains(e) { entries.append(e) }
            if methodOf[e] == nil { methodOf[e] = r.spec.method }
        }
        let results = self.results
        self.tasks = tasks.filter { t in results.contains { $0.spec.task == t } }
        self.entries = entries.filter { e in results.contains { entryOf[$0.runID] == e } }
        self.methodOf = methodOf
    }

    /// An entry's name: the suite's method label, and its sweep point in the suite's axis order.
    static func entry(_ label: String, sweep: [String: String], axes: [SuiteSummary.SweepAxis]?) -> String {
        guard !sweep.isEmpty else { return label }
        let order = axes?.map(\.key) ?? sweep.keys.sorted()
        return label + " (" + order.compactMap { k in sweep[k].map { "\(k)=\($0)" } }.joined(separator: ", ") + ")"
    }

    var unreadable: [LoadedRun] { loaded.filter { $0.result == nil } }

    func entry(_ r: RunResult) -> String { entryOf[r.runID] ?? r.spec.method }

    /// The entry of full fine-tuning, when the comparison has one.
    var fullEntry: String? { entries.first { methodOf[$0] == "full" } }

    func runs(task: String, entry: String? = nil) -> [RunResult] {
        results.filter { $0.spec.task == task && (entry == nil || self.entry($0) == entry) }
            .sorted { ($0.spec.seed, $0.runID) < ($1.spec.seed, $1.runID) }
    }

    func completed(task: String, entry: String) -> [RunResult] { runs(task: task, entry: entry).filter { $0.status == .completed } }

    /// A task's headline metric: the first its task definition lists (its results keep that order).
    func headline(task: String) -> (name: String, scale: String)? {
        runs(task: task).first { !$0.metrics.isEmpty }?.metrics.first.map { ($0.name, $0.scale) }
    }

    /// The metrics a task's runs report, in their order.
    func metrics(task: String) -> [String] {
        runs(task: task).flatMap { $0.metrics.map(\.name) }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    }

    /// The suite's comparison of a task at the entry's sweep point.
    func comparison(task: String, entry: String) -> SuiteComparison.Task? {
        let sweep = runs(task: task, entry: entry).first.flatMap { r in summary?.runs.first { $0.runID == r.runID }?.sweep } ?? [:]
        return summary?.comparison?.tasks.first { $0.task == task && $0.sweep == sweep }
    }

    /// The suite's label of an entry (without its sweep point), as the comparison's records name it.
    func comparisonLabel(_ entry: String) -> String {
        guard let run = results.first(where: { self.entry($0) == entry }) else { return entry }
        return summary?.runs.first { $0.runID == run.runID }?.method ?? run.spec.method
    }
}
