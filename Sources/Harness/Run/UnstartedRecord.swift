import Foundation
import Results

extension RunResult {
    /// The record of a run that died before it could write one (killed, crashed while loading): its spec and
    /// what follows from the spec alone.
    public static func unstarted(_ spec: RunSpec, status: Status) -> RunResult {
        RunResult(
            runID: spec.runID, status: status, spec: spec,
            method: .init(name: spec.method, config: spec.params, learningRate: spec.statedLearningRate ?? 0,
                          schedule: spec.schedule, warmupSteps: spec.warmupSteps ?? spec.steps / 10, weightDecay: spec.weightDecay,
                          targetedModules: 0),
            budget: .init(steps: spec.steps, examplesPerStep: spec.batch, maxSequenceLength: spec.seq, seed: spec.seed, orderDigest: "",
                          trainingSequences: 0, truncatedSequences: 0, evaluationExamples: spec.evalLimit ?? 0, evaluationSplit: spec.evalSplit,
                          decoding: "", wallClockLimit: spec.wallClockLimit, cutShort: false, stepsRun: 0, targetTokens: spec.targetTokens),
            data: [], model: .init(name: spec.model, file: nil, sha256: nil, parameters: 0),
            environment: .current(), cost: .init(), startedAt: ISO8601DateFormatter().string(from: Date()))
    }
}
