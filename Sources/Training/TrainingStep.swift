import Engine
import Model

/// One optimizer step: forward/backward over its micro-batches with gradients accumulated, the loss averaged over
/// the target tokens of the whole step, global-norm clipping, and the AdamW update.
public final class Trainer {
    public struct Settings: Sendable, Equatable {
        public var schedule: LearningRateSchedule
        public var optimizer: AdamW.Settings
        public var maxGradNorm: Float?
        public init(schedule: LearningRateSchedule, optimizer: AdamW.Settings = .init(), maxGradNorm: Float? = 1.0) {
            self.schedule = schedule
            self.optimizer = optimizer
            self.maxGradNorm = maxGradNorm
        }
    }

    public struct StepReport: Sendable, Equatable {
        public var step: Int
        public var loss: Double
        public var tokens: Int
        public var learningRate: Float
        public var gradientNorm: Double
        /// The loss or the gradient is NaN or infinite; parameters were not updated.
        public var diverged: Bool
    }

    public let model: LlamaModel
    public let settings: Settings
    public let optimizer: AdamW
    public private(set) var step = 0
    /// The method's additions to the loop (see `TrainingHooks`).
    public var hooks = TrainingHooks()

    public init(model: LlamaModel, settings: Settings) {
        self.model = model
        self.settings = settings
        optimizer = AdamW(parameters: model.trainableParameters, settings: settings.optimizer)
    }

    public func step(_ microBatches: [TokenBatch]) -> StepReport {
        let params = optimizer.parameters
        for p in params { p.zeroGrad() }
        let tokens = microBatches.reduce(0) { $0 + $1.targetCount }
        let scale = 1 / Float(max(1, tokens))
        var lossSum = 0.0
        for batch in microBatches where batch.targetCount > 0 {
            lossSum += model.forwardBackward(batch, gradScale: scale).sum
        }
        // The reported loss includes the method's regulariser, as the reference adds it to the model's loss.
        let loss = lossSum / Double(max(1, tokens)) + (hooks.regularizer?() ?? 0)
        let norm = GradientClipping.clip(params, maxNorm: settings.maxGradNorm)
        let lr = settings.schedule.rate(at: step)
        let diverged = !loss.isFinite || !norm.isFinite
        if !diverged {
            optimizer.update(learningRate: lr)
            hooks.afterUpdate?(step + 1)
        }
        defer { step += 1 }
        return StepReport(step: step, loss: loss, tokens: tokens, learningRate: lr, gradientNorm: norm, diverged: diverged)
    }
}
