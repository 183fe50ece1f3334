import Foundation

/// What a run reports while it goes, for whoever shows progress: `peftbench run` draws it on the terminal, a
/// suite's child process sends it to the suite as one JSON line each.
public enum RunEvent: Codable, Sendable, Equatable {
    case planned(runID: String, steps: Int, evaluationExamples: Int)
    case step(step: Int, steps: Int, loss: Double, tokensPerSecond: Double, elapsed: Double)
    case diverged(step: Int)
    case stopped(reason: String, step: Int)
    case evaluating(done: Int, total: Int)
    case finished(status: String, summary: String)
    /// The run was done already and is kept as it is.
    case kept(status: String)
}

/// A run's errors that make every other run of a suite fail the same way: no tasks folder, an unknown task, no
/// model, missing metric resources, unreadable task data. A suite stops at the first one instead of recording
/// the same failure for every run.
public struct SetupError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The run stopped because it was asked to (SIGINT or SIGTERM); its record says `interrupted`.
public struct RunInterrupted: Error, CustomStringConvertible {
    public var description: String { "interrupted" }
}
