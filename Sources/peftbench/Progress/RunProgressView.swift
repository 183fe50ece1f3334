import Foundation
import Harness

/// One run's progress on stderr: a line rewritten in place on a terminal, a log line every twentieth of the
/// steps otherwise.
final class RunProgressView {
    private let interactive = isatty(STDERR_FILENO) != 0
    private var runID = ""
    private var steps: Int
    private var lineOpen = false

    init(runID: String, steps: Int) {
        self.runID = runID
        self.steps = steps
    }

    func show(_ event: RunEvent) {
        switch event {
        case let .planned(id, steps, _):
            runID = id
            self.steps = steps
        case let .step(step, steps, loss, rate, elapsed):
            let eta = elapsed / Double(step) * Double(steps - step)
            let line = String(format: "step %d/%d  loss %.4f  %.0f tok/s  ETA %.0fs", step, steps, loss, rate, eta)
            if interactive {
                rewrite(line)
            } else if step % max(1, steps / 20) == 0 || step == steps {
                log("\(runID): \(line)")
            }
        case let .diverged(step):
            log("\(runID): diverged at step \(step)")
        case let .stopped(reason, step):
            log("\(runID): \(reason) after \(step) of \(steps) steps")
        case let .evaluating(done, total):
            if interactive { rewrite("generating \(done)/\(total)") }
        case let .kept(status):
            log("\(runID): already \(status), kept (pass --force to run again)")
        case let .finished(status, summary):
            log("\(runID): \(status)\(summary.isEmpty ? "" : "; \(summary)")")
        }
    }

    private func rewrite(_ line: String) {
        FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
        lineOpen = true
    }

    private func log(_ line: String) {
        if lineOpen { FileHandle.standardError.write(Data("\n".utf8)) }
        lineOpen = false
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
