import Foundation
import Harness
import Results

/// Turns how a run's process ended into its record: the record the run wrote itself when it could, or one built
/// from its spec, with the cause (signal, exit code, limit) and the last lines of its stderr.
enum RunOutcomeRecord {
    static func make(_ run: SuiteRun, child: ChildRun, outcome: ChildRun.Outcome) -> RunResult {
        let own = try? RunFiles.readResult(folder: child.workFolder)
        var record = own ?? RunResult.unstarted(run.spec, status: .failed)
        // The run's process from start to exit, loading included; what the run could not time itself is the
        // process's start and exit.
        if let timed = record.cost.wallSeconds, record.cost.phases != nil { record.cost.phases?.process = max(0, outcome.seconds - timed) }
        record.cost.wallSeconds = outcome.seconds
        if outcome.stoppedBy == nil, case .exited(0) = outcome.exit, record.status.isResult { return record }
        let tail = child.stderrTail()
        switch (outcome.stoppedBy, outcome.exit) {
        case (.interrupted?, _):
            record.status = .interrupted
            record.error = nil
            record.failure = nil
        case (.timeLimit?, _):
            record.status = .failed
            record.error = "time limit: stopped after \(Int(outcome.seconds)) s (limit \(Int(child.limits.wallClock ?? 0)) s)"
            record.failure = .init(cause: "time limit", stderrTail: tail)
        case (.memoryLimit?, _):
            record.status = .failed
            record.error = "memory limit: resident memory reached \(outcome.peakRSS >> 20) MiB (limit \((child.limits.memory ?? 0) >> 20) MiB)"
            record.failure = .init(cause: "memory limit", stderrTail: tail)
        case (_, .exited(1)) where own?.status == .failed:
            // The run caught its own error and recorded it.
            record.failure = .init(cause: "error", stderrTail: tail)
        case let (_, .exited(code)):
            record.status = .failed
            record.error = "the run's process exited with code \(code)" + (tail.last.map { ": \($0)" } ?? "")
            record.failure = .init(cause: "exit code \(code)", stderrTail: tail)
        case let (_, .signaled(signal)):
            record.status = .failed
            let name = signalName(signal)
            record.error = "the run's process was killed by signal \(signal) (\(name))" + (signal == SIGKILL ? ", perhaps by the kernel's out-of-memory killer" : "")
            record.failure = .init(cause: "signal \(signal) (\(name))", stderrTail: tail)
        }
        if record.cost.peakRSSBytes == nil { record.cost.peakRSSBytes = outcome.peakRSS }
        record.finishedAt = ISO8601DateFormatter().string(from: Date())
        return record
    }

    static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [SIGABRT: "SIGABRT", SIGSEGV: "SIGSEGV", SIGKILL: "SIGKILL", SIGTERM: "SIGTERM", SIGINT: "SIGINT",
                                      SIGBUS: "SIGBUS", SIGILL: "SIGILL", SIGFPE: "SIGFPE", SIGTRAP: "SIGTRAP"]
        return names[signal] ?? "signal \(signal)"
    }
}
