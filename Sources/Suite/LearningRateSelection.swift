import Foundation
import Harness
import Methods

/// `learning_rate: select`: for a task × method entry (× sweep point), one short proxy run per point of the method's
/// grid — the same data order, a part of the budget, scored by loss on the task's held-out selection data — and the
/// rate whose proxy scored lowest is the one the full runs of every seed train with. Proxy runs are ordinary suite
/// runs: claimed, resumable, sharded and recorded like the others.
public enum LearningRateSelection {
    /// The proxy runs of a run that selects its learning rate, in grid order. They use the suite's first seed, so the
    /// runs of every seed share them.
    public static func proxies(of spec: RunSpec, settings: SuiteFile.Selection, seed: UInt64) throws -> [RunSpec] {
        let grid = try MethodRegistry.method(named: spec.method).learningRates.grid
        let fraction = settings.budgetFraction
        func part(_ n: Int) -> Int { max(1, Int((Double(n) * fraction).rounded())) }
        return grid.map { rate in
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
    }

    /// Each proxy run's rate, state (`pending` without a record) and held-out loss (completed runs only).
    public static func candidates(_ proxies: [SuiteRun], records: [String: RunResult]) -> [LearningRateChoice.Candidate] {
        proxies.map { proxy in
            let record = records[proxy.runID]
            let rate: Float
            if case .value(let v)? = proxy.spec.learningRate { rate = v } else { rate = 0 }
            return .init(learningRate: rate, runID: proxy.runID, status: record?.status.rawValue ?? "pending",
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
