import Foundation

/// Learning rate per optimizer step, with the shapes of Hugging Face's schedulers (`get_*_schedule_with_warmup`):
/// linear warm-up from 0 over `warmupSteps`, then constant, linear decay to 0, or half-cosine decay to 0 at
/// `totalSteps`.
public struct LearningRateSchedule: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case constant, linear, cosine
    }

    public var kind: Kind
    public var peak: Float
    public var warmupSteps: Int
    public var totalSteps: Int

    public init(kind: Kind, peak: Float, warmupSteps: Int = 0, totalSteps: Int) {
        self.kind = kind
        self.peak = peak
        self.warmupSteps = max(0, warmupSteps)
        self.totalSteps = max(1, totalSteps)
    }

    /// The rate for the optimizer step with 0-based index `step`.
    public func rate(at step: Int) -> Float {
        if step < warmupSteps { return peak * Float(step) / Float(max(1, warmupSteps)) }
        let decaySteps = max(1, totalSteps - warmupSteps)
        let progress = min(1, Double(step - warmupSteps) / Double(decaySteps))
        switch kind {
        case .constant: return peak
        case .linear: return peak * Float(max(0, 1 - progress))
        case .cosine: return peak * Float(max(0, 0.5 * (1 + Foundation.cos(Double.pi * progress))))
        }
    }
}
