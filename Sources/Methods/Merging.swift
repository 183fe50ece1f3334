import Engine
import Model

/// A wrapper whose update can be folded into its Float32 base weight, leaving inference to the base layer.
protocol MergeableLayer: AnyObject {
    var mergeable: Bool { get }
    var merged: Bool { get }
    func merge()
    func unmerge()
}

/// Folding adapters into the base weights for inference, and back (LoRA, DoRA, (IA)³, VeRA).
public enum Merging {
    /// Merges every mergeable adapter of the model; returns how many were merged.
    @discardableResult
    public static func merge(_ model: LlamaModel) -> Int { visit(model) { if !$0.merged { $0.merge() } } }

    @discardableResult
    public static func unmerge(_ model: LlamaModel) -> Int { visit(model) { if $0.merged { $0.unmerge() } } }

    private static func visit(_ model: LlamaModel, _ body: (any MergeableLayer) -> Void) -> Int {
        var n = 0
        for layer in model.layers {
            for slot in LinearSlot.allCases {
                if let m = layer[slot] as? any MergeableLayer, m.mergeable { body(m); n += 1 }
            }
        }
        return n
    }
}
