import Checkpoints
import Engine
import Foundation
import Methods
import Model
import TestSupport
import XCTest

enum TinyModelsConstants {
    static let reference = repositoryRoot.appendingPathComponent("Tests/InterchangeTests/reference/torch_reference.py")
    static let ids: [[Int32]] = [[72, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100, 33], [50, 43, 50, 61, 52, 10, 84, 104, 101]]
    static let tolerance: Float = 1e-4
}

/// One method on the tiny model, with options.
struct MethodCase {
    let name: String, method: String, params: [String: String]
    var rankPattern: [String: [Bool]]? = nil
}

/// The tiny model, tuned models with every trained tensor drawn at random, their logits on fixed tokens, and the
/// comparison with a reference's, shared by the interchange tests.
protocol TinyModels {}

extension TinyModels {
    var reference: URL { TinyModelsConstants.reference }
    var ids: [[Int32]] { TinyModelsConstants.ids }

    /// A fresh base: the built-in tiny model (grouped-query heads, tied embeddings) with weights drawn from a seed.
    func base() throws -> LoadedModel { try ModelStore.load("tiny", seed: 11) }

    func logits(_ model: LlamaModel) -> [[Float]] {
        ids.map { seq in
            model.logits(TokenBatch(batch: 1, length: seq.count, inputs: seq, targets: [Int32](repeating: 0, count: seq.count)))
        }
    }

    /// Every trained tensor of the method drawn at random, so that no part of the update is zero.
    func randomize(_ applied: AppliedMethod, seed: UInt64) {
        for p in applied.added where p.trainable {
            var rng = RandomGenerator.derived(seed: seed, stream: p.name)
            rng.fillNormal(p.value.pointer, count: p.count, std: 0.1)
            if p.name.hasSuffix("ia3_l") || p.name.hasSuffix("lora_magnitude_vector") {
                for i in 0..<p.count { p.value[i] += 1 }
            }
            p.markModified()
        }
    }

    func assertClose(_ ours: [[Float]], _ theirs: Any?, _ name: String, tolerance: Float = TinyModelsConstants.tolerance,
                     file: StaticString = #filePath, line: UInt = #line) {
        guard let rows = theirs as? [[Double]], rows.count == ours.count else {
            return XCTFail("\(name): no logits from the reference", file: file, line: line)
        }
        var worst: Float = 0
        for (a, b) in zip(ours, rows) {
            XCTAssertEqual(a.count, b.count, "\(name): logits count", file: file, line: line)
            for (x, y) in zip(a, b) { worst = max(worst, abs(x - Float(y))) }
        }
        XCTAssertLessThanOrEqual(worst, tolerance, "\(name): max |Δ logit| \(worst)", file: file, line: line)
        XCTAssertFalse(ours.joined().contains { !$0.isFinite }, "\(name): non-finite logits", file: file, line: line)
    }

    func tuned(_ c: MethodCase, seed: UInt64) throws -> (LoadedModel, AppliedMethod) {
        let loaded = try base()
        let applied = try MethodRegistry.apply(c.method, to: loaded.model, overrides: c.params,
                                               context: MethodContext(seed: 5, rankPattern: c.rankPattern))
        if c.method != "full" { randomize(applied, seed: seed) } else {
            for p in loaded.model.parameters {
                var rng = RandomGenerator.derived(seed: seed, stream: p.name)
                for i in 0..<p.count { p.value[i] += 0.01 * Float(rng.nextNormal()) }
                p.markModified()
            }
        }
        return (loaded, applied)
    }
}
