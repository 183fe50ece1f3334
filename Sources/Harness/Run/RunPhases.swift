import Foundation
import Results

extension RunResult {
    /// Closes a phase: its time is what the run has spent since it started less the phases closed before it, so
    /// that the phases add up to the run's wall time with nothing left between them.
    mutating func closePhase(_ phase: WritableKeyPath<PhaseTimes, Double?>, runStarted: Date) {
        var phases = cost.phases ?? PhaseTimes()
        phases[keyPath: phase] = max(0, Date().timeIntervalSince(runStarted) - phases.total)
        cost.phases = phases
    }
}
