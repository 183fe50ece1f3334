import Foundation
@testable import Report
import Results

/// Runs folders made without training: a suite's worth of results (tasks × methods × seeds), predictions and a
/// `suite.json` with a comparison, with every string a caller wants put where a model or a dataset would put it.
struct SyntheticReport {
    var tasks = ["e2e", "webnlg", "gsm8k", "coqa"]
    var methods = ["full", "lora", "dora", "vera", "ia3", "prompt", "prefix", "bitfit", "adapter", "adalora"]
    var seeds: [UInt64] = [0]
    var examples = 16
    /// What the model "said" (by example index), each reference, and a hyperparameter's value.
    var prediction: (Int) -> String = { "The Eagle is a coffee shop near Burger King, example \($0)." }
    var reference: (Int) -> String = { "The Eagle coffee shop is near Burger King (\($0))." }
    var parameter = "8"
    /// Tasks on which every run scores the same (a budget that teaches nothing).
    var flat: [String: Double] = [:]

    func metrics(_ task: String) -> [(String, String)] {
        switch task {
        case "gsm8k": return [("gsm8k-strict", "0-100"), ("gsm8k-flexible", "0-100")]
        case "coqa": return [("f1", "0-100"), ("em", "0-100")]
        default: return [("e2e-bleu", "0-1"), ("e2e-meteor", "0-1")]
        }
    }

    /// Writes the runs and `suite.json` into `folder`; returns the number of runs.
    @discardableResult
    func write(to folder: URL) throws -> Int {
        var rng = SystemRandomNumberGenerator()
        var entries: [SuiteSummary.RunEntry] = []
        var groups: [SuiteSummary.Group] = []
        var comparisons: [SuiteComparison.Task] = []
        let environment = EnvironmentReport(cpu: "AMD EPYC", cpuVendor: "AuthenticAMD", cores: 2, simdFeatures: ["avx2", "fma"], openblasVersion: "0.3.21",
                                             openblasCore: "Zen", openblasConfig: "", openblasThreads: 2, swiftVersion: "6.3", gitRevision: "synthetic")
        for task in tasks {
            var intervals: [String: [SuiteComparison.Interval]] = [:]
            var tests: [SuiteComparison.Test] = []
            for (m, method) in methods.enumerated() {
                var scores: [Double] = []
                for seed in seeds {
                    var spec = RunSpec(task: task, method: method)
                    spec.seed = seed
                    spec.params = ["r": parameter]
                    let rank: Double = Double(methods.count - m) / Double(methods.count)
                    let noise: Double = Double.random(in: -0.05...0.05, using: &rng)
                    let quality: Double = flat[task] ?? (0.2 + 0.6 * rank + noise)
                    scores.append(quality)
                    let runID = spec.runID
                    let metricResults = metrics(task).map { (name: String, scale: String) -> MetricResult in
                        let k: Double = scale == "0-1" ? 1.0 : 100.0
                        return MetricResult(name: name, score: quality * k, ci95: [(quality - 0.08) * k, (quality + 0.08) * k], signature: "\(name)|synthetic", scale: scale,
                                            reference: "synthetic")
                    }
                    let bins: [Calibration.Bin] = (0..<15).map { (b: Int) -> Calibration.Bin in
                        let centre: Double = (Double(b) + 0.5) / 15
                        return Calibration.Bin(lower: Double(b) / 15, upper: Double(b + 1) / 15, count: b % 3 == 0 ? 0 : 4, meanConfidence: centre,
                                               accuracy: min(1, centre * quality * 1.3))
                    }
                    let calibration = Calibration(ece: 0.05, eceEqualMass: 0.05, mce: 0.1, brier: 0.2, selectiveAccuracy10: 0.9, selectiveAccuracy50: 0.7,
                                                  accuracy: quality, meanConfidence: 0.6, count: 40, bins: bins)
                    var result = RunResult(
                        runID: runID, status: .completed, spec: spec,
                        method: .init(name: method, config: ["r": parameter], learningRate: 2e-4, schedule: "linear", warmupSteps: 1, weightDecay: 0, targetedModules: 30),
                        budget: .init(steps: 10, examplesPerStep: 8, maxSequenceLength: 256, seed: seed, orderDigest: String(repeating: "ab", count: 32),
                                      trainingSequences: 80, truncatedSequences: 0, evaluationExamples: examples, evaluationSplit: "test", decoding: "greedy",
                                      cutShort: false, stepsRun: 10),
                        data: [.init(split: "test", path: "tasks/data/\(task)/test", sha256: String(repeating: "cd", count: 32), origin: "shipped")],
                        model: .init(name: "smollm2-135m", file: "model.gguf", sha256: String(repeating: "ef", count: 32), parameters: 134_515_008),
                        environment: environment, cost: .init(), startedAt: "2026-11-30T00:00:00Z")
                    result.lossCurve = (1...10).map { (step: Int) -> RunResult.LossPoint in
                        RunResult.LossPoint(step: step, loss: 3 / Double(step) + quality, learningRate: 2e-4)
                    }
                    result.metrics = metricResults
                    result.calibration = .init(answerLevel: task == "gsm8k" || task == "coqa" ? calibration : nil, tokenLevel: calibration)
                    result.forgetting = [.init(probe: "model-sampled", baseNLL: 2, tunedNLL: 2 + quality / 10, delta: quality / 10, tokens: 500)]
                    let full = method == "full"
                    let trainable: Int = full ? 134_515_008 : 10_000 * (m + 1)
                    let percent: Double = full ? 100 : 0.01 * Double(m + 1)
                    let adapter: Int? = full ? nil : 40_000 * (m + 1)
                    result.cost = RunResult.Cost(trainableParameters: trainable, trainablePercent: percent, peakRSSBytes: (1500 + 100 * m) << 20,
                                                 trainingSeconds: 20 + Double(m), trainingTokens: 10_000, tokensPerSecond: 150, trainingFLOPs: 1e12,
                                                 adapterBytes: adapter, evaluationSeconds: 10, wallSeconds: 40)
                    result.finishedAt = "2026-11-30T00:01:00Z"
                    let runFolder = folder.appendingPathComponent(runID)
                    try FileManager.default.createDirectory(at: runFolder, withIntermediateDirectories: true)
                    try RunFiles.writeResult(result, folder: runFolder.path)
                    let predictions = (0..<examples).map { i -> Prediction in
                        var p = Prediction(id: "\(task)-\(i)", group: nil, prompt: "Describe example \(i): name[The Eagle], eatType[coffee shop]",
                                           prediction: (i + m) % 5 == 0 ? "" : prediction(i), references: [reference(i), "Another reference \(i)."],
                                           finish: "stop", logProbs: [-0.1, -0.2], promptTruncated: false)
                        p.scores = Dictionary(uniqueKeysWithValues: metrics(task).map { ($0.0, (i + m) % 3 == 0 ? 0 : quality) })
                        return p
                    }
                    try RunFiles.writePredictions(predictions, folder: runFolder.path)
                    entries.append(.init(runID: runID, task: task, method: method, seed: seed, sweep: [:], state: .done))
                }
                let mean = scores.reduce(0, +) / Double(scores.count)
                groups.append(.init(task: task, method: method, methodName: method, sweep: [:], runs: seeds.count, done: seeds.count, failed: 0,
                                    seedsDone: seeds, metrics: [:], cost: [:], forgetting: [:]))
                intervals[method] = metrics(task).map { name, scale in
                    let k = scale == "0-1" ? 1.0 : 100.0
                    return .init(measure: name, kind: "metric", mean: mean * k, lower: (mean - 0.07) * k, upper: (mean + 0.07) * k, seeds: seeds.count, examples: examples)
                }
                if method != "full" {
                    for (name, scale) in metrics(task) {
                        let k = scale == "0-1" ? 1.0 : 100.0
                        let delta = (mean - 0.8) * k
                        tests.append(.init(method: method, baseline: "full", against: "full", measure: name, kind: "metric", higherIsBetter: true, delta: delta,
                                           deltaLower: delta - 0.1 * k, deltaUpper: delta + 0.1 * k, pValue: abs(delta) > 0.3 * k ? 0.001 : 0.4,
                                           adjustedP: abs(delta) > 0.3 * k ? 0.01 : 1, verdict: abs(delta) > 0.3 * k ? (delta > 0 ? "better" : "worse") : "no significant difference",
                                           seeds: seeds, examples: examples, exact: false))
                    }
                }
            }
            comparisons.append(.init(task: task, sweep: [:], intervals: intervals, tests: tests, notes: []))
        }
        let summary = SuiteSummary(suite: "synthetic", file: "suites/synthetic.yaml", fileSHA256: String(repeating: "0", count: 64), updatedAt: "2026-11-30T00:00:00Z",
                                   counts: ["total": entries.count, "done": entries.count], groups: groups, selection: [], seconds: [:],
                                   comparison: SuiteComparison(method: "synthetic statistics", tasks: comparisons), runs: entries)
        try summary.write(outFolder: folder.path)
        return entries.count
    }
}
