import Model

/// Folding adapters into the base weights for inference, and back.
public enum Merging {
    /// Merges every LoRA adapter of the model into its base weight; returns how many were merged.
    @discardableResult
    public static func merge(_ model: LlamaModel) -> Int { visit(model) { $0.merge() } }

    @discardableResult
    public static func unmerge(_ model: LlamaModel) -> Int { visit(model) { $0.unmerge() } }

    private static func visit(_ model: LlamaModel, _ body: (LoRALinear) -> Void) -> Int {
        var n = 0
        for layer in model.layers {
            for slot in LinearSlot.allCases {
                if let lora = layer[slot] as? LoRALinear, lora.mergeable { body(lora); n += 1 }
            }
        }
        return n
    }
}
