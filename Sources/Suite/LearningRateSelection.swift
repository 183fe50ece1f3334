import Foundation
import Harness
import Methods
import Results

/// `learning_rate: select`: for a task × method entry (× sweep point), one short proxy run per point of the method's
/// grid — the same data order, a part of the budget, scored by loss on the task's held-out selection data — and the
/// rate whose proxy scored lowest is the one the full runs of every seed train with. While the best rate is the
/// largest (smallest) tried, the grid widens by one more point past that edge, up to `selection.widen` points. Proxy
/// runs are ordinary suite runs: claimed, resumable, sharded and recorded like the others.
public enum LearningRateSelection {
    /// The proxy runs of a run that selects its learning rate, in grid order. They use the suite's first seed, so the
    /// runs of every seed share them.
    public static func proxies(of spec: RunSpec, settings: SuiteFile.Selection, seed: UInt64) throws -> [RunSpec] {
        try MethodRegistry.method(named: spec.method).learningRates.grid.map { proxy(of: spec, rate: $0, settings: settings, seed: seed) }
    }

    /// The proxy runs past each edge of the grid, nearest first: half a decade apart, as the grid is.
    public static func widening(of spec: RunSpec, settings: SuiteFile.Selection, seed: UInt64) throws -> (below: [RunSpec], above: [RunSpec]) {
        let grid = try MethodRegistry.method(named: spec.method).learningRates.grid
        func beyond(_ edge: Float, _ sign: Double) -> [RunSpec] {
            (0..<settings.widen).map { k in
                proxy(of: spec, rate: LearningRates.rounded(edge * Float(pow(10, sign * Double(k + 1) / 2))), settings: settings, seed: seed)
            }
        }
        return (beyond(grid.first!, -1), beyond(grid.last!, 1))
    }

    private static func proxy(of spec: RunSpec, rate: Float, settings: SuiteFile.Selection, seed: UInt64) -> RunSpec {
        let fraction = settings.budgetFraction
        func part(_ n: Int) -> Int { max(1, Int((Double(n) * fraction).rounded())) }
        var proxy = spec
        proxy.learningRate = .value(rate)
        proxy.seed = seed
        proxy.steps = part(spec.steps)
        proxy.targetTokens = spec.targetTokens.map(part)
        proxy.warmupSteps = spec.warmupSteps.map { Int((Double($0) * fraction).rounded()) }
        proxy.wallClockLimit = spec.wallClockLimit.map { $0 * fraction }
        proxy.evalSplit = "selection"
        proxy.evalLimit = settings.examples
        proxy.forgettingExamples = 0
        proxy.forgettingCorpus = nil
        return proxy
    }

    /// Where a run's selection stands, given the records so far.
    public enum Resolution {
        /// These proxy runs have no final record yet; the choice waits for them.
        case needs([SuiteRun])
        case chosen(LearningRateChoice)
        /// No proxy completed: the run cannot start.
        case failed(RunError)
    }

    /// The grid's proxies first; then, while the best completed rate is the edge of those tried, the next point past
    /// that edge. A proxy that failed or diverged is final (it stops the widening on its side: the rate is too far).
    public static func resolve(_ run: SuiteRun, plan: SuitePlan, records: [String: RunResult]) -> Resolution {
        func final(_ r: SuiteRun) -> Bool { records[r.runID].map { $0.status.isResult || $0.status == .failed } ?? false }
        var tried = run.proxies.compactMap(plan.run)
        let missing = tried.filter { !final($0) }
        guard missing.isEmpty else { return .needs(missing) }
        var below = run.widening.below.compactMap(plan.run)[...], above = run.widening.above.compactMap(plan.run)[...]
        while true {
            let choice: LearningRateChoice
            switch choose(spec: run.spec, proxies: tried, records: records) {
            case .success(let c): choice = c
            case .failure(let error): return .failed(error)
            }
            let rates = tried.compactMap(\.spec.learningRate?.fixed)
            let next: SuiteRun?
            if choice.value == rates.max(), let first = above.first { next = first; above = above.dropFirst() }
            else if choice.value == rates.min(), let first = below.first { next = first; below = below.dropFirst() }
            else { next = nil }
            guard let next else { return .chosen(choice) }
            guard final(next) else { return .needs([next]) }
            tried.append(next)
        }
    }

    /// Each proxy run's rate, state (`pending` without a record) and held-out loss (completed runs only).
    public static func candidates(_ proxies: [SuiteRun], records: [String: RunResult]) -> [LearningRateChoice.Candidate] {
        proxies.map { proxy in
            let record = records[proxy.runID]
            return .init(learningRate: proxy.spec.learningRate?.fixed ?? 0, runID: proxy.runID, status: record?.status.rawValue ?? "pending",
                         heldOutLoss: record?.status == .completed ? record?.heldOutLoss?.mean : nil)
        }
    }

    /// The choice the proxies' records make, or why none can be made (every proxy failed or diverged).
    public static func choose(spec: RunSpec, proxies: [SuiteRun], records: [String: RunResult]) -> Result<LearningRateChoice, RunError> {
        let candidates = self.candidates(proxies, records: records)
        let defaultRate = (try? MethodRegistry.method(named: spec.method))?.learningRates.defaultValue ?? 1
        let data = proxies.compactMap { records[$0.runID]?.heldOutLoss?.data }.first ?? "held-out data"
        guard let choice = LearningRateChoice.select(candidates, defaultRate: defaultRate, selectionData: data,
                                                     proxySteps: proxies.first?.spec.steps ?? 0) else {
            let states = candidates.map { "\($0.learningRate): \($0.status)" }.joined(separator: ", ")
            return .failure(RunError("learning-rate selection: no proxy run completed (\(states))"))
        }
        return .success(choice)
    }
}
