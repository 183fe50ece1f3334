import Engine
import Model

/// What the training loop reports as it goes; the command line or the suite decides how to show it.
public enum TrainingEvent: Sendable {
    /// A step finished: its report, the tokens trained so far and the seconds since the loop started.
    case step(Trainer.StepReport, tokens: Int, elapsed: Double)
    /// The loss or gradient of this 1-based step was not finite; nothing was updated and the loop ended.
    case diverged(step: Int, loss: Double)
    /// The loop ended before its last step.
    case stopped(TrainingLoop.Ending, afterStep: Int)
}

/// The steps of a run over a fixed data order: every step's report becomes an event, and the loop ends at the last
/// step, at a non-finite loss, at the wall-clock cap, or when asked to stop (an interrupt).
public struct TrainingLoop {
    public enum Ending: String, Sendable {
        case completed, diverged, wallClock = "wall-clock limit", interrupted
    }

    public struct Outcome: Sendable {
        public var ending: Ending
        public var stepsRun: Int
        public var tokens: Int
        public var seconds: Double
        public var losses: [(loss: Double, learningRate: Float)]
        /// The loss of the diverged step (NaN or infinite), when it diverged.
        public var divergedLoss: Double?
    }

    public let trainer: Trainer
    public var wallClockLimit: Double?
    /// Checked before every step; true ends the loop as `interrupted`.
    public var shouldStop: () -> Bool = { false }

    public init(trainer: Trainer, wallClockLimit: Double? = nil) {
        self.trainer = trainer
        self.wallClockLimit = wallClockLimit
    }

    /// Runs `steps` steps; `batch(i)` gives step i's micro-batches and the tokens they hold.
    public func run(steps: Int, batch: (Int) -> ([TokenBatch], tokens: Int), onEvent: (TrainingEvent) -> Void) -> Outcome {
        let clock = Stopwatch()
        var outcome = Outcome(ending: .completed, stepsRun: 0, tokens: 0, seconds: 0, losses: [])
        for index in 0..<steps {
            if shouldStop() {
                outcome.ending = .interrupted
                onEvent(.stopped(.interrupted, afterStep: index))
                break
            }
            let (microBatches, tokens) = batch(index)
            let report = trainer.step(microBatches)
            outcome.tokens += tokens
            outcome.stepsRun = index + 1
            outcome.losses.append((report.loss, report.learningRate))
            if report.diverged {
                outcome.ending = .diverged
                outcome.divergedLoss = report.loss
                onEvent(.diverged(step: index + 1, loss: report.loss))
                break
            }
            let elapsed = clock.seconds
            onEvent(.step(report, tokens: outcome.tokens, elapsed: elapsed))
            if let cap = wallClockLimit, elapsed >= cap, index + 1 < steps {
                outcome.ending = .wallClock
                onEvent(.stopped(.wallClock, afterStep: index + 1))
                break
            }
        }
        outcome.seconds = clock.seconds
        return outcome
    }
}
