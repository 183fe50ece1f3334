import Engine

/// Global-norm clipping as `torch.nn.utils.clip_grad_norm_`: scale every gradient by max/(‖g‖ + 1e-6) when the
/// norm over all of them exceeds max. Returns the norm before clipping (NaN/inf pass through for divergence checks).
public enum GradientClipping {
    @discardableResult
    public static func clip(_ parameters: [Parameter], maxNorm: Float?) -> Double {
        var total = 0.0
        for p in parameters {
            guard let g = p.grad else { continue }
            let pointer = g.pointer
            total += Parallel.mapChunks(g.count) { r in
                Double(VectorOps.dot(pointer + r.lowerBound, pointer + r.lowerBound, r.count))
            }.reduce(0, +)
        }
        let norm = total.squareRoot()
        if let maxNorm, norm.isFinite, norm > Double(maxNorm) {
            let scale = Float(Double(maxNorm) / (norm + 1e-6))
            for p in parameters {
                guard let g = p.grad else { continue }
                let pointer = g.pointer
                Parallel.forChunks(g.count) { r in for i in r { pointer[i] *= scale } }
            }
        }
        return norm
    }
}
