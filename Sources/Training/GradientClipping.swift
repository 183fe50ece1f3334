import Engine

/// Global-norm clipping as `torch.nn.utils.clip_grad_norm_`: scale every gradient by max/(‖g‖ + 1e-6) when the
/// norm over all of them exceeds max. Returns the norm before clipping (NaN/inf pass through for divergence checks).
public enum GradientClipping {
    @discardableResult
    public static func clip(_ parameters: [Parameter], maxNorm: Float?) -> Double {
        var total = 0.0
        for p in parameters {
            guard let g = p.grad else { continue }
            total += Double(VectorOps.dot(g.pointer, g.pointer, g.count))
        }
        let norm = total.squareRoot()
        if let maxNorm, norm.isFinite, norm > Double(maxNorm) {
            let scale = Float(Double(maxNorm) / (norm + 1e-6))
            for p in parameters {
                guard let g = p.grad else { continue }
                for i in 0..<g.count { g[i] *= scale }
            }
        }
        return norm
    }
}
