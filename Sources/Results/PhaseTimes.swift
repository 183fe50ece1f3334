/// Where a run's wall time went, phase by phase, in seconds (nil: the phase did not run — a diverged run is not
/// evaluated, a learning-rate proxy generates nothing).
public struct PhaseTimes: Codable, Sendable, Equatable {
    /// Task data, model and tokenizer read, training order and budget fixed.
    public var load: Double?
    /// The forgetting probes and the base model's likelihood on them (cached across the runs of a model).
    public var forgettingBaseline: Double?
    /// The method installed on the model (or its adapter read).
    public var setup: Double?
    /// The training steps.
    public var training: Double?
    /// Generation on the evaluation examples and their metrics (a proxy run: its held-out loss).
    public var evaluation: Double?
    public var calibration: Double?
    public var forgetting: Double?
    /// The adapter, predictions and statistics written.
    public var writing: Double?
    /// A suite's run has a process of its own: its start (the runtime, the spec read) and its exit.
    public var process: Double?

    public init() {}

    /// The phases in run order, with the names `suite status` and the report show: the one list the others follow.
    public static var phases: [(name: String, key: WritableKeyPath<PhaseTimes, Double?>)] {[
        ("load", \.load), ("forgetting baseline", \.forgettingBaseline), ("setup", \.setup), ("training", \.training),
        ("evaluation", \.evaluation), ("calibration", \.calibration), ("forgetting", \.forgetting), ("writing", \.writing),
        ("process start and exit", \.process),
    ]}

    public var named: [(name: String, seconds: Double?)] { Self.phases.map { ($0.name, self[keyPath: $0.key]) } }

    public var total: Double { named.reduce(0) { $0 + ($1.seconds ?? 0) } }

    /// The part of the run spent in training steps.
    public var trainingShare: Double? {
        guard let training, total > 0 else { return nil }
        return training / total
    }

    /// Adds up the phases of many runs (a suite's done runs).
    public static func sum(_ all: [PhaseTimes]) -> PhaseTimes {
        var out = PhaseTimes()
        for p in all {
            for (_, key) in phases where p[keyPath: key] != nil { out[keyPath: key] = (out[keyPath: key] ?? 0) + p[keyPath: key]! }
        }
        return out
    }
}
