import Foundation
import Harness
import Results

/// What a suite reports as it goes; the command line draws it (a terminal) or logs it (a file, a batch job).
public enum SuiteEvent {
    /// Before the first run: the runs this process will look at, how many are done, and the time the rest should take.
    case overview(SuiteOverview)
    case runStarted(SuiteRun, position: Int, of: Int)
    case run(SuiteRun, RunEvent)
    case runFinished(SuiteRun, status: RunResult.Status, detail: String, seconds: Double)
    /// A run another process holds (another shard or suite on the same folder).
    case skipped(SuiteRun, reason: String)
    /// A record that is there but cannot be read: the run is run again.
    case unreadable(SuiteRun, problem: String)
    case wrote(what: String, path: String)
}

public struct SuiteOverview: Sendable {
    public var total: Int
    public var done: Int
    public var failed: Int
    public var toRun: Int
    public var estimate: SuiteEstimate.Figure
    public var shard: String?
}
