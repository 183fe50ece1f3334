import Engine
import Foundation

/// AdaLoRA's budget: importance of every singular triplet (E_i with row i of A and column i of B) from smoothed
/// sensitivity |p·∇p| times its uncertainty, and a total rank that falls from init_r to target_r per module on a
/// cubic schedule between tinit and total_step − tfinal; triplets below the budget have E_i set to zero. From
/// total_step − tfinal on, the rank pattern is fixed. (Zhang et al., 2023, arXiv:2303.10512; PEFT's RankAllocator.)
final class RankAllocator {
    struct Schedule {
        var initialRank: Int, targetRank: Int, tinit: Int, tfinal: Int, deltaT: Int, totalStep: Int
        var beta1: Float, beta2: Float
    }

    let layers: [SVDLinear]
    let schedule: Schedule
    /// Smoothed sensitivity and its uncertainty per element of one A, E or B, updated in place so that a training
    /// step allocates nothing.
    private struct Importance {
        let smoothed: FloatBuffer, uncertainty: FloatBuffer
        init(count: Int) { (smoothed, uncertainty) = (FloatBuffer(count: count), FloatBuffer(count: count)) }
    }
    /// Per parameter; nil once the pattern is fixed.
    private var importance: [ObjectIdentifier: Importance]? = [:]
    /// Kept triplets per module as of the last cut (PEFT's `rank_pattern`, which it also updates at every cut
    /// before the pattern is fixed); nil until ranks are first cut.
    private(set) var rankPattern: [[Bool]]?

    init(layers: [SVDLinear], schedule: Schedule) {
        self.layers = layers
        self.schedule = schedule
    }

    var initialBudget: Int { layers.count * schedule.initialRank }
    var targetBudget: Int { layers.count * schedule.targetRank }

    /// (budget, whether to mask at this step), as PEFT's budget_schedule.
    func budget(at step: Int) -> (Int, Bool) {
        let s = schedule
        if step <= s.tinit { return (initialBudget, false) }
        if step > s.totalStep - s.tfinal { return (targetBudget, true) }
        let coefficient = 1 - Double(step - s.tinit) / Double(s.totalStep - s.tfinal - s.tinit)
        let budget = Int(Double(initialBudget - targetBudget) * coefficient * coefficient * coefficient + Double(targetBudget))
        return (budget, step % s.deltaT == 0)
    }

    /// Called after each optimizer update with the number of updates done; gradients are still in place.
    func afterUpdate(step: Int) {
        let fixAt = schedule.totalStep - schedule.tfinal
        if step < fixAt {
            updateImportance()
            let (budget, mask) = budget(at: step)
            if mask { rankPattern = maskToBudget(budget) }
        } else if step == fixAt {
            if fixAt > 0 { updateImportance() }
            rankPattern = maskToBudget(targetBudget)
            importance = nil
        } else if let pattern = rankPattern {
            for (layer, keep) in zip(layers, pattern) { for k in 0..<layer.rank where !keep[k] { layer.e.value[k] = 0 } }
        }
        for layer in layers { layer.e.markModified() }
    }

    private func updateImportance() {
        guard importance != nil else { return }
        for layer in layers {
            for p in [layer.a, layer.e, layer.b] {
                guard let g = p.grad else { continue }
                let id = ObjectIdentifier(p)
                let entry = importance?[id] ?? Importance(count: p.count)
                importance?[id] = entry
                let avg = entry.smoothed.pointer, unc = entry.uncertainty.pointer, value = p.value.pointer, grad = g.pointer
                let (b1, b2) = (schedule.beta1, schedule.beta2)
                for i in 0..<p.count {
                    let ipt = abs(value[i] * grad[i])
                    avg[i] = b1 * avg[i] + (1 - b1) * ipt
                    unc[i] = b2 * unc[i] + (1 - b2) * abs(ipt - avg[i])
                }
            }
        }
    }

    /// Importance of each element of one parameter: smoothed sensitivity times its uncertainty (0 before any).
    private struct Scores {
        let smoothed: UnsafeMutablePointer<Float>?, uncertainty: UnsafeMutablePointer<Float>?
        func score(_ i: Int) -> Float {
            guard let smoothed, let uncertainty else { return 0 }
            return smoothed[i] * uncertainty[i]
        }
    }

    private func scores(_ p: Parameter) -> Scores {
        let entry = importance?[ObjectIdentifier(p)]
        return Scores(smoothed: entry?.smoothed.pointer, uncertainty: entry?.uncertainty.pointer)
    }

    /// Zeroes the singular values of the least important triplets so that `budget` remain; returns what is kept.
    private func maskToBudget(_ budget: Int) -> [[Bool]] {
        var triplets: [[Float]] = []
        for layer in layers {
            let r = layer.rank, inF = layer.inFeatures, outF = layer.outFeatures
            // One lookup per parameter, not per element: this runs over every element of every A and B.
            let (a, e, b) = (scores(layer.a), scores(layer.e), scores(layer.b))
            triplets.append((0..<r).map { k in
                var aMean: Float = 0, bMean: Float = 0
                for j in 0..<inF { aMean += a.score(k * inF + j) }
                for o in 0..<outF { bMean += b.score(o * r + k) }
                return e.score(k) + aMean / Float(inF) + bMean / Float(outF)
            })
        }
        let k = initialBudget - budget
        guard k > 0 else { return triplets.map { $0.map { _ in true } } }
        let threshold = triplets.flatMap { $0 }.sorted()[k - 1]  // the k-th smallest, as torch.kthvalue
        var kept: [[Bool]] = []
        for (layer, scores) in zip(layers, triplets) {
            let keep = scores.map { $0 > threshold }
            for i in 0..<layer.rank where !keep[i] { layer.e.value[i] = 0 }
            kept.append(keep)
        }
        return kept
    }
}
