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

    /// The phases in run order, with the names `suite status` and the report show.
    public var named: [(name: String, seconds: Double?)] {
        [("load", load), ("forgetting baseline", forgettingBaseline), ("setup", setup), ("training", training),
         ("evaluation", evaluation), ("calibration", calibration), ("forgetting", forgetting), ("writing", writing),
         ("process start and exit", process)]
    }

    public var total: Double { named.reduce(0) { $0 + ($1.seconds ?? 0) } }

    /// The part of the run spent in training steps.
    public var trainingShare: Double? {
        guard let training, total > 0 else { return nil }
        return training / total
    }

    /// Adds up the phases of many runs (a suite's done runs).
    public static func sum(_ all: [PhaseTimes]) -> PhaseTimes {
        var out = PhaseTimes()
        func add(_ a: Double?, _ b: Double?) -> Double? { a == nil && b == nil ? nil : (a ?? 0) + (b ?? 0) }
        for p in all {
            out.load = add(out.load, p.load)
            out.forgettingBaseline = add(out.forgettingBaseline, p.forgettingBaseline)
            out.setup = add(out.setup, p.setup)
            out.training = add(out.training, p.training)
            out.evaluation = add(out.evaluation, p.evaluation)
            out.calibration = add(out.calibration, p.calibration)
            out.forgetting = add(out.forgetting, p.forgetting)
            out.writing = add(out.writing, p.writing)
            out.process = add(out.process, p.process)
        }
        return out
    }
}
