import Engine
import Foundation
import Model

/// AdaLoRA (Zhang et al., 2023, arXiv:2303.10512): LoRA in SVD form with adaptive rank allocation and an
/// orthogonality regulariser on A and B, with PEFT's `AdaLoraConfig` names and defaults.
public enum AdaLoRA: PEFTMethod {
    public static let name = "adalora"
    public static let reference = "Zhang et al. 2023, Adaptive Budget Allocation for Parameter-Efficient Fine-Tuning"
    public static let learningRates = LearningRates.around(5e-4, source: "AdaLoRA's NLG settings")
    public static let options = [
        MethodOption("init_r", "12", "initial rank of every adapted projection"),
        MethodOption("target_r", "8", "average rank left at the end"),
        MethodOption("lora_alpha", "8", "scaling numerator (divided by init_r)"),
        MethodOption("lora_dropout", "0.0", "dropout on the input of the update path"),
        MethodOption("target_modules", "all-linear", "projections to adapt"),
        MethodOption("tinit", "0", "steps of initial warm-up before ranks are cut"),
        MethodOption("tfinal", "0", "steps of final fine-tuning with the rank pattern fixed"),
        MethodOption("deltaT", "1", "steps between two budget allocations"),
        MethodOption("beta1", "0.85", "smoothing of the sensitivity"),
        MethodOption("beta2", "0.85", "smoothing of the uncertainty"),
        MethodOption("orth_reg_weight", "0.5", "weight of the orthogonality regulariser"),
        MethodOption("total_step", "0", "optimizer steps of the run (set from the budget when 0)"),
    ]

    public static func apply(to model: LlamaModel, config: MethodConfig, context: MethodContext) throws -> AppliedMethod {
        let initR = try config.int("init_r", min: 1)
        let targetR = try config.int("target_r", min: 0)
        guard targetR <= initR else { throw MethodError("adalora: target_r \(targetR) exceeds init_r \(initR)") }
        let alpha = try config.float("lora_alpha")
        let dropout = try config.float("lora_dropout", range: 0...0.99)
        let slots = try config.slots("target_modules")
        let schedule = RankAllocator.Schedule(
            initialRank: initR, targetRank: targetR, tinit: try config.int("tinit"), tfinal: try config.int("tfinal"),
            deltaT: try config.int("deltaT", min: 1), totalStep: try config.int("total_step"),
            beta1: try config.float("beta1", range: 0.000001...0.999999), beta2: try config.float("beta2", range: 0.000001...0.999999))
        if schedule.totalStep > 0 && schedule.tinit >= schedule.totalStep - schedule.tfinal {
            throw MethodError("adalora: tinit \(schedule.tinit) leaves no budgeting phase before total_step − tfinal")
        }
        let weight = try config.float("orth_reg_weight", range: 0...Float.greatestFiniteMagnitude)
        let saved = context.rankPattern
        var layers: [SVDLinear] = []
        let (_, modules) = try wrapProjections(model, slots: slots, method: name) { dense, path, _ in
            var rank = initR
            if let saved {
                guard let keep = saved[path] else { throw MethodError("adalora: rank_pattern has no entry for \(path)") }
                guard keep.count == initR else {
                    throw MethodError("adalora: rank_pattern for \(path) has \(keep.count) entries, init_r is \(initR)")
                }
                rank = keep.filter { $0 }.count
            }
            let w = SVDLinear(base: dense, path: path, rank: rank, initialRank: initR, alpha: alpha, dropout: dropout,
                              seed: context.seed)
            layers.append(w)
            return (w, [w.a, w.e, w.b])
        }
        if let saved, let stray = Set(saved.keys).subtracting(modules).sorted().first {
            throw MethodError("adalora: rank_pattern names \(stray), which target_modules does not adapt")
        }
        var applied = AppliedMethod(name: name, config: config.values, trainable: layers.flatMap { [$0.a, $0.e, $0.b] },
                                    targetedModules: modules)
        if let saved {
            // The pattern is final: the modules hold only the kept triplets and no budget is allocated any more (the
            // state of a PEFT model loaded from such an adapter).
            applied.hooks = TrainingHooks(regularizer: { orthogonalityPenalty(layers, weight: weight) })
            applied.rankPattern = { saved }
            return applied
        }
        let allocator = RankAllocator(layers: layers, schedule: schedule)
        applied.hooks = TrainingHooks(
            regularizer: { orthogonalityPenalty(layers, weight: weight) },
            afterUpdate: schedule.totalStep > 0 ? { allocator.afterUpdate(step: $0) } : nil)
        applied.rankPattern = {
            allocator.rankPattern.map { Dictionary(uniqueKeysWithValues: zip(layers.map(\.path), $0)) }
        }
        return applied
    }

    /// A saved tensor cut to the kept triplets: rows of A and E, columns of B (PEFT's
    /// `resize_state_dict_by_rank_pattern`); nil when nothing of it is cut or it is not one of A, E, B. `keep` is the
    /// kept mask of the tensor's module.
    static func cut(_ p: Parameter, keep: [Bool]) -> (shape: [Int], values: [Float])? {
        let isB = p.name.hasSuffix(".lora_B.weight")
        guard isB || p.name.hasSuffix(".lora_A.weight") || p.name.hasSuffix(".lora_E.weight"), p.shape.count == 2,
              keep.count == p.shape[isB ? 1 : 0], keep.contains(false) else { return nil }
        let values = p.value.toArray()
        let kept = keep.indices.filter { keep[$0] }
        if isB {
            let (rows, r) = (p.shape[0], p.shape[1])
            return ([rows, kept.count], (0..<rows).flatMap { o in kept.map { values[o * r + $0] } })
        }
        let width = p.shape[1]
        return ([kept.count, width], kept.flatMap { values[($0 * width)..<(($0 + 1) * width)] })
    }

    /// w · mean over every A and B of ‖PPᵀ − I‖_F (A·Aᵀ for A, Bᵀ·B for B); adds its gradient to theirs.
    /// d‖M‖/dA = 2·M·A/‖M‖ with M = AAᵀ − I, and d‖M‖/dB = 2·B·M/‖M‖ with M = BᵀB − I.
    static func orthogonalityPenalty(_ layers: [SVDLinear], weight: Float) -> Double {
        guard weight > 0, !layers.isEmpty else { return 0 }
        var total = 0.0
        let count = Float(2 * layers.count)
        for layer in layers {
            let r = layer.rank
            for (p, isA) in [(layer.a, true), (layer.b, false)] {
                let cols = isA ? p.shape[1] : p.shape[0]  // the long side
                var m = [Float](repeating: 0, count: r * r)
                m.withUnsafeMutableBufferPointer { mp in
                    // A (r, cols): A·Aᵀ ;  B (cols, r): Bᵀ·B
                    GEMM.sgemm(transA: !isA, transB: isA, m: r, n: r, k: cols, a: p.value.pointer, lda: isA ? cols : r,
                               b: p.value.pointer, ldb: isA ? cols : r, c: mp.baseAddress!, ldc: r)
                }
                for i in 0..<r { m[i * r + i] -= 1 }
                let norm = m.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                total += norm
                guard let g = p.grad, norm > 0 else { continue }
                let coefficient = 2 * weight / (count * Float(norm))
                m.withUnsafeBufferPointer { mp in
                    if isA {
                        GEMM.sgemm(transA: false, transB: false, m: r, n: cols, k: r, alpha: coefficient, a: mp.baseAddress!, lda: r,
                                   b: p.value.pointer, ldb: cols, beta: 1, c: g.pointer, ldc: cols)
                    } else {
                        GEMM.sgemm(transA: false, transB: false, m: cols, n: r, k: r, alpha: coefficient, a: p.value.pointer, lda: r,
                                   b: mp.baseAddress!, ldb: r, beta: 1, c: g.pointer, ldc: r)
                    }
                }
            }
        }
        return Double(weight) * total / Double(count)
    }
}
