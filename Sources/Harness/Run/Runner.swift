import Foundation
import Interchange
import Results

/// One method on one task under a fixed budget, in four stages with typed hand-offs — plan (`RunPlan`), train
/// (`RunTraining`), evaluate (`RunEvaluation`), record (`RunRecord`) — leaving `result.json`, `predictions.jsonl`
/// and the adapter in `<out>/<run id>/`.
///
/// A run is written in a work folder and renamed into place whole, so `<out>/<run id>/` only ever holds a finished
/// record and a killed run leaves nothing that could be read as a result.
public final class Runner {
    public struct Options {
        public var tasksFolder = "tasks"
        public var outFolder = "runs"
        /// Re-run even when a completed result exists.
        public var force = false
        public var cacheFolder: String
        /// Where progress goes; nothing in the stages prints.
        public var onEvent: (RunEvent) -> Void = { _ in }
        /// Checked at every training step and evaluation batch; true stops the run as `interrupted`.
        public var shouldStop: () -> Bool = { false }
        /// Also write every parameter of the tuned model (`model.safetensors`), for full fine-tuning above all.
        public var saveModel = false
        /// Write the run here and leave it (a suite publishes it after checking its claim); nil: a private work
        /// folder under `<out>/.partial/`, renamed to `<out>/<run id>/` when the run ends.
        public var workFolder: String?
        /// The learning rate a suite selected for a spec whose `learning_rate` is `select`.
        public var learningRateChoice: LearningRateChoice?

        public init(cacheFolder: String) { self.cacheFolder = cacheFolder }
    }

    public let spec: RunSpec
    public let options: Options

    public init(spec: RunSpec, options: Options) {
        self.spec = spec
        self.options = options
    }

    /// Where the finished run is.
    public var folder: String { (options.outFolder as NSString).appendingPathComponent(spec.runID) }

    /// Runs (or finds the completed run of this spec) and returns its result. A failure is recorded as `failed`
    /// (or `interrupted`) before it is thrown; a `SetupError` leaves no record, since it is not the run's own.
    @discardableResult
    public func run() throws -> RunResult {
        try spec.validate()
        if spec.learningRate == .select, options.learningRateChoice == nil {
            throw RunError("learning_rate: select is chosen by a suite's proxy runs; run it with peftbench suite run or compare")
        }
        if !options.force, let done = try? RunFiles.readResult(folder: folder), done.status.isResult,
           try spec.adapter.map({ try PEFTAdapter.digest($0) }) == done.adapter?.sha256 {
            options.onEvent(.kept(status: done.status.rawValue))
            return done
        }
        // A suite hands over a fresh folder of its own (holding the run's stderr); a lone run makes one.
        let work = options.workFolder ?? RunFolders.privateWorkFolder(out: options.outFolder, runID: spec.runID)
        if options.workFolder == nil { try RunFolders.makeEmpty(work) }
        var partial: RunResult?
        do {
            let result = try execute(in: work) { partial = $0 }
            if options.workFolder == nil {
                try RunFolders.publish(work, as: folder)
                RunFolders.removeIfEmpty((work as NSString).deletingLastPathComponent)
            }
            return result
        } catch let error as SetupError {
            try? FileManager.default.removeItem(atPath: work)
            throw error
        } catch {
            if var record = partial {
                record.status = error is RunInterrupted ? .interrupted : .failed
                record.error = error is RunInterrupted ? nil : "\(error)"
                record.finishedAt = Self.timestamp()
                try? RunFiles.writeResult(record, folder: work)
                if options.workFolder == nil { try? RunFolders.publish(work, as: folder) }
            } else if options.workFolder == nil {
                // Failed before there was anything to record (a bad method option): no run folder at all.
                try? FileManager.default.removeItem(atPath: work)
            }
            throw error
        }
    }

    static func timestamp() -> String { ISO8601DateFormatter().string(from: Date()) }

    private func execute(in work: String, _ checkpoint: (RunResult) -> Void) throws -> RunResult {
        let plan = try RunPlan.make(spec: spec, options: options, started: Self.timestamp(), clock: Date())
        checkpoint(plan.result)
        options.onEvent(.planned(runID: spec.runID, steps: plan.result.budget.steps, evaluationExamples: plan.evalExamples.count))

        let trained = try RunTraining.run(plan, options: options, checkpoint: { try RunFiles.writeResult($0, folder: work) })
        checkpoint(trained.result)
        if options.shouldStop() { throw RunInterrupted() }
        if trained.result.status == .diverged {
            // Nothing trained is worth evaluating; the record of where it went wrong is the result.
            return try RunRecord.write(trained.result, predictions: nil, applied: nil, plan: plan, folder: work, options: options)
        }

        let evaluated = try RunEvaluation.run(plan, trained: trained, options: options)
        return try RunRecord.write(evaluated.result, predictions: evaluated.predictions, statistics: evaluated.statistics,
                                   applied: trained.applied, plan: plan,
                                   folder: work, options: options)
    }
}

extension RunResult.Status {
    /// A finished run that is kept: done is done, even when the loss diverged.
    public var isResult: Bool { self == .completed || self == .diverged }
}
