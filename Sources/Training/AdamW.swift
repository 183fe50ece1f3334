import Engine
import Foundation

/// AdamW with decoupled weight decay and bias correction, as `torch.optim.AdamW` computes it:
///   p ← p·(1 − lr·λ);  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  p ← p − lr·m̂/(√v̂ + ε)
/// with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ). Moments are allocated once per trainable parameter.
public final class AdamW {
    public struct Settings: Sendable, Equatable {
        public var beta1: Float = 0.9
        public var beta2: Float = 0.999
        public var epsilon: Float = 1e-8
        public var weightDecay: Float = 0.0
        public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.0) {
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
            self.weightDecay = weightDecay
        }
    }

    public let settings: Settings
    public let parameters: [Parameter]
    private let firstMoments: [FloatBuffer]
    private let secondMoments: [FloatBuffer]
    public private(set) var step = 0

    public init(parameters: [Parameter], settings: Settings = Settings()) {
        self.parameters = parameters.filter(\.trainable)
        self.settings = settings
        firstMoments = self.parameters.map { FloatBuffer(count: $0.count) }
        secondMoments = self.parameters.map { FloatBuffer(count: $0.count) }
    }

    /// Bytes held by the optimizer's moments.
    public var stateBytes: Int { parameters.reduce(0) { $0 + 2 * $1.count * MemoryLayout<Float>.size } }

    public func update(learningRate lr: Float) {
        step += 1
        let b1 = settings.beta1, b2 = settings.beta2, eps = settings.epsilon
        // Bias corrections in Double: βᵗ for large t loses precision in Float.
        let c1 = Float(1 - Foundation.pow(Double(b1), Double(step)))
        let c2 = Float(1 - Foundation.pow(Double(b2), Double(step)))
        let stepSize = lr / c1
        let c2Root = c2.squareRoot()
        for (i, p) in parameters.enumerated() {
            guard let g = p.grad?.pointer else { continue }
            p.markModified()
            let w = p.value.pointer, m = firstMoments[i].pointer, v = secondMoments[i].pointer
            let decay: Float = p.decays ? 1 - lr * settings.weightDecay : 1
            Parallel.forChunks(p.count) { range in
                for j in range {
                    let gj = g[j]
                    let mj = b1 * m[j] + (1 - b1) * gj
                    let vj = b2 * v[j] + (1 - b2) * gj * gj
                    m[j] = mj
                    v[j] = vj
                    w[j] = w[j] * decay - stepSize * mj / (vj.squareRoot() / c2Root + eps)
                }
            }
        }
    }
}
