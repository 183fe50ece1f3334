/// Learning rates each method is trained with unless a run sets one: the values its paper or Hugging Face
/// PEFT's examples use for decoder models of this size. Full fine-tuning takes a much smaller step than
/// low-rank updates, and the prompt methods, which train only a few embeddings, much larger ones.
public enum MethodDefaults {
    public static func learningRate(_ method: String) -> Float {
        switch method {
        case "full": return 2e-5         // common decoder fine-tuning range (1e-5 … 5e-5)
        case "lora", "lora-fa", "dora", "qlora": return 2e-4  // LoRA (Hu et al.) on GPT-2 E2E; QLoRA's small models
        case "adalora": return 5e-4      // AdaLoRA's NLG settings
        case "vera": return 4e-3         // VeRA trains only scaling vectors
        case "ia3": return 3e-3          // (IA)³ / T-Few
        case "bitfit": return 1e-3       // BitFit
        case "adapter": return 5e-4      // bottleneck adapters
        case "prompt": return 3e-2       // prompt tuning with AdamW
        case "ptuning": return 1e-2      // P-tuning's prompt encoder
        case "prefix": return 1e-2       // prefix tuning without reparameterisation
        default: return 1e-4
        }
    }
}
