import Foundation
import Harness
import Suite

/// A suite's progress on stderr. On a terminal: a line for the running run (step, loss, tokens/s) and an overall bar
/// (runs done/failed/total, elapsed, ETA), redrawn in place. Otherwise: one plain line per event.
final class SuiteProgressView {
    private let interactive = isatty(STDERR_FILENO) != 0
    private let suite: String
    private let clock = Date()
    private var total = 0, done = 0, failed = 0, toRun = 0, finishedHere = 0
    private var remainingEstimate = 0.0
    private var secondsHere = 0.0
    private var current = ""
    private var drawn = false
    private var lastStepLogged: [String: Int] = [:]

    init(suite: String) { self.suite = suite }

    func show(_ event: SuiteEvent) {
        switch event {
        case let .overview(o):
            total = o.total; done = o.done; failed = o.failed; toRun = o.toRun
            remainingEstimate = o.estimate.seconds
            let guessed = o.estimate.guessed > 0 ? " (\(o.estimate.guessed) of them not measured on this machine yet: a guess)" : ""
            log("\(suite)\(o.shard.map { " shard \($0)" } ?? ""): \(o.total) runs, \(o.done) done, \(o.failed) failed, \(o.toRun) to run; "
                + "estimate \(Self.duration(o.estimate.seconds))\(guessed)")
        case let .runStarted(run, position, count):
            current = "[\(position)/\(count)] \(run.title)"
            if interactive { redraw() } else { log("\(current): started (\(run.runID))") }
        case let .run(run, event):
            switch event {
            case let .step(step, steps, loss, rate, _):
                let line = String(format: "step %d/%d  loss %.4f  %.0f tok/s", step, steps, loss, rate)
                if interactive {
                    current = "\(run.title): \(line)"
                    redraw()
                } else if step == steps || step - (lastStepLogged[run.runID] ?? 0) >= max(1, steps / 5) {
                    lastStepLogged[run.runID] = step
                    log("\(run.runID): \(line)")
                }
            case let .evaluating(d, t):
                if interactive {
                    current = "\(run.title): generating \(d)/\(t)"
                    redraw()
                }
            case let .diverged(step): log("\(run.runID): diverged at step \(step)")
            case let .stopped(reason, step): log("\(run.runID): \(reason) after step \(step)")
            case .planned, .finished, .kept: break
            }
        case let .runFinished(run, status, detail, seconds):
            finishedHere += 1
            secondsHere += seconds
            if status.isResult { done += 1 } else if status == .failed { failed += 1 }
            log("\(run.title): \(status.rawValue) in \(Self.duration(seconds))\(detail.isEmpty ? "" : "; \(detail)")")
        case let .skipped(run, reason):
            log("\(run.runID): skipped, \(reason)")
        case let .unreadable(_, problem):
            log("\(problem); running it again")
        case let .wrote(what, path):
            log("\(what): \(path)")
        }
    }

    func finish() {
        if drawn { clear() }
    }

    private var bar: String {
        let width = 30
        let filled = total == 0 ? 0 : (done + failed) * width / total
        let elapsed = Date().timeIntervalSince(clock)
        // The estimate, corrected by how the runs so far compared with it.
        let left = max(0, toRun - finishedHere)
        let eta = finishedHere > 0 ? secondsHere / Double(finishedHere) * Double(left) : remainingEstimate
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            + "\(done) done, \(failed) failed / \(total)  elapsed \(Self.duration(elapsed))  ETA \(Self.duration(eta))"
    }

    private func redraw() {
        clear()
        FileHandle.standardError.write(Data((current + "\u{1B}[K\n" + bar + "\u{1B}[K").utf8))
        drawn = true
    }

    private func clear() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K\u{1B}[1A\r\u{1B}[K".utf8)) }
        drawn = false
    }

    private func log(_ line: String) {
        if interactive {
            clear()
            FileHandle.standardError.write(Data((line + "\n").utf8))
            if !current.isEmpty { redraw() }
        } else {
            let stamp = ISO8601DateFormatter().string(from: Date())
            FileHandle.standardError.write(Data("\(stamp) \(line)\n".utf8))
        }
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m"
    }
}
