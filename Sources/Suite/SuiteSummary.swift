import Foundation
import Harness
import Results

/// A suite's summary from its plan and the state of its runs.
extension SuiteSummary {
    public init(plan: SuitePlan, state: SuiteState, outFolder: String? = nil) {
        var counts = ["total": state.rows.count]
        for s in [SuiteState.State.done, .failed, .interrupted, .running, .pending] { counts[s.rawValue] = state.count(s) }
        let runs = state.rows.map { row in
            RunEntry(runID: row.run.runID, task: row.run.spec.task, method: row.run.label, seed: row.run.spec.seed, sweep: row.run.sweepPoint,
                     selection: row.run.isSelectionRun ? true : nil, state: row.state, error: row.result?.error,
                     heldBy: row.claimLive ? row.claim.map { "\($0.host):\($0.pid)" } : nil)
        }
        let wall = { (rows: [SuiteState.Row]) in rows.compactMap { $0.result?.cost.wallSeconds }.reduce(0, +) }
        let seconds = ["comparison": wall(state.rows.filter { !$0.run.isSelectionRun }), "selection": wall(state.rows.filter { $0.run.isSelectionRun })]
        let records = Dictionary(state.rows.compactMap { row in row.result.map { (row.run.runID, $0) } }) { a, _ in a }
        var groups: [Group] = []
        var selection: [SelectionEntry] = []
        for (task, method, point) in Self.groupKeys(plan) {
            let rows = state.rows.filter { $0.run.spec.task == task && $0.run.label == method.label && $0.run.sweepPoint == point && !$0.run.isSelectionRun }
            if let selecting = rows.first(where: { !$0.run.proxies.isEmpty })?.run {
                let past = (selecting.widening.below + selecting.widening.above).compactMap(plan.run).filter { records[$0.runID] != nil }
                let proxies = (selecting.proxies.compactMap(plan.run) + past).sorted { ($0.spec.learningRate?.fixed ?? 0) < ($1.spec.learningRate?.fixed ?? 0) }
                var choice: LearningRateChoice?
                if case let .chosen(c) = LearningRateSelection.resolve(selecting, plan: plan, records: records) { choice = c }
                selection.append(SelectionEntry(
                    task: task, method: method.label, sweep: point, chosen: choice?.value, atGridEdge: choice?.atGridEdge,
                    candidates: LearningRateSelection.candidates(proxies, records: records), widened: past.count,
                    data: proxies.compactMap { records[$0.runID]?.heldOutLoss?.data }.first, proxySteps: proxies.first?.spec.steps ?? 0))
            }
            let done = rows.filter { $0.state == .done }.compactMap(\.result)
            let completed = done.filter { $0.status == .completed }
            func stat(_ values: [Double], _ scale: String? = nil) -> Statistic? { Statistic(values, scale: scale) }
            var metrics: [String: Statistic] = [:]
            for name in Set(completed.flatMap { $0.metrics.map(\.name) }) {
                let ms = completed.compactMap { $0.metrics.first { $0.name == name } }
                metrics[name] = stat(ms.map(\.score), ms.first?.scale)
            }
            var forgetting: [String: Statistic] = [:]
            for probe in Set(completed.flatMap { $0.forgetting.map(\.probe) }) {
                forgetting[probe] = stat(completed.compactMap { $0.forgetting.first { $0.probe == probe }?.delta })
            }
            let costFigures: [(String, (RunResult) -> Double?)] = [
                ("trainableParameters", { Double($0.cost.trainableParameters) }),
                ("peakRSSBytes", { $0.cost.peakRSSBytes.map(Double.init) }),
                ("trainingSeconds", { $0.cost.trainingSeconds }),
                ("tokensPerSecond", { $0.cost.tokensPerSecond }),
                ("trainingFLOPs", { $0.cost.trainingFLOPs }),
                ("adapterBytes", { $0.cost.adapterBytes.map(Double.init) }),
                ("evaluationSeconds", { $0.cost.evaluationSeconds }),
                ("wallSeconds", { $0.cost.wallSeconds }),
                ("trainingShare", { $0.cost.phases?.trainingShare }),
                ("finalLoss", { $0.lossCurve.last?.loss }),
            ]
            var cost: [String: Statistic] = [:]
            for (name, value) in costFigures { cost[name] = stat(completed.compactMap(value)) }
            let chosen = completed.first?.method
            groups.append(Group(task: task, method: method.label, methodName: method.method, sweep: point,
                                learningRate: chosen?.learningRate, learningRateChosenBy: chosen?.learningRateChoice?.by.rawValue,
                                runs: rows.count, done: done.count,
                                failed: rows.filter { $0.state == .failed }.count, seedsDone: Array(Set(done.map(\.spec.seed))).sorted(),
                                metrics: metrics, cost: cost, forgetting: forgetting))
        }
        self.init(suite: plan.file.name, file: plan.file.path, fileSHA256: plan.file.sha256,
                  updatedAt: ISO8601DateFormatter().string(from: Date()), counts: counts,
                  sweepAxes: plan.file.sweep.isEmpty ? nil : plan.file.sweep.map { SweepAxis(key: $0.key, values: $0.values) }, groups: groups, selection: selection,
                  seconds: seconds, comparison: outFolder.map { Self.comparison(plan: plan, state: state, outFolder: $0) }, runs: runs)
    }

    /// The statistics of every task × sweep point from the completed runs' per-example statistics.
    static func comparison(plan: SuitePlan, state: SuiteState, outFolder: String) -> SuiteComparison {
        var tasks: [SuiteComparison.Task] = []
        let keys = groupKeys(plan)
        var comparisons: [(String, [String: String])] = []
        for (task, _, point) in keys where !comparisons.contains(where: { $0.0 == task && $0.1 == point }) { comparisons.append((task, point)) }
        for (task, point) in comparisons {
            var metrics: [String] = []
            let entries = keys.filter { $0.0 == task && $0.2 == point }.map { _, method, _ in
                let runs = state.rows.filter {
                    $0.run.spec.task == task && $0.run.label == method.label && $0.run.sweepPoint == point && !$0.run.isSelectionRun
                        && $0.result?.status == .completed
                }.compactMap { row -> (seed: UInt64, statistics: ExampleStatistics)? in
                    if metrics.isEmpty, let names = row.result?.metrics.map(\.name) { metrics = names }
                    return ExampleStatistics.read(folder: (outFolder as NSString).appendingPathComponent(row.run.runID)).map { (row.run.spec.seed, $0) }
                }
                return SuiteComparison.Entry(label: method.label, methodName: method.method, runs: runs)
            }
            tasks.append(SuiteComparison.compare(task: task, sweep: point, entries: entries, metrics: metrics))
        }
        return SuiteComparison(method: SuiteComparison.method, tasks: tasks)
    }

    /// Task × method entry × sweep point, in suite order.
    static func groupKeys(_ plan: SuitePlan) -> [(String, SuiteFile.Method, [String: String])] {
        var keys: [(String, SuiteFile.Method, [String: String])] = []
        for task in plan.file.tasks {
            for method in plan.file.methods {
                var points: [[String: String]] = []
                for run in plan.comparisonRuns where run.spec.task == task.name && run.label == method.label && !points.contains(run.sweepPoint) {
                    points.append(run.sweepPoint)
                }
                for point in points { keys.append((task.name, method, point)) }
            }
        }
        return keys
    }
}
