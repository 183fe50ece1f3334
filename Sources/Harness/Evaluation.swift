import Foundation
import Model
import Results
import Tasks
import Tokenizer

/// Greedy (by default) batched generation over the evaluation examples with the task's settings.
public enum Evaluation {
    public static func generate(model: LlamaModel, encoder: PromptEncoder, examples: [TaskExample], seq: Int,
                                batch: Int, progress: (Int) throws -> Void = { _ in }) throws -> [Prediction] {
        let settings = encoder.definition.generation
        let tokenizer = encoder.tokenizer
        let extra = (model.virtualTokens?.count ?? 0) + (model.keyValuePrefix?.count ?? 0)
        let budget = min(seq, model.config.maxPositionEmbeddings - settings.maxNewTokens - extra)
        guard budget >= 1 else { throw RunError("max_new_tokens \(settings.maxNewTokens) leaves no room for a prompt in the model's context") }
        let prompts = try examples.map { try encoder.prompt($0, budget: budget) }
        // Prompts of similar length prefill together with little padding; the order changes no result.
        let order = prompts.indices.sorted { (prompts[$0].tokens.count, $0) < (prompts[$1].tokens.count, $1) }
        let stops = settings.stop
        // Continuous batching: `batch` sequences decode together and finished ones' rows take the next prompts.
        var done = 0
        let generated = try Generator(model: model).generate(
            prompts: order.map { prompts[$0].tokens }, padID: encoder.eos,
            settings: GenerationSettings(maxNewTokens: settings.maxNewTokens, stopTokens: [encoder.eos]),
            slots: batch,
            stop: { _, tokens in
                guard !stops.isEmpty else { return false }
                let text = tokenizer.decode(tokens, skipSpecial: true)
                return stops.contains { text.contains($0) }
            },
            finished: { _ in
                done += 1
                try progress(done)
            })
        var out = [Prediction?](repeating: nil, count: examples.count)
        for (slot, index) in order.enumerated() {
            let g = generated[slot]
            var text = tokenizer.decode(g.tokens, skipSpecial: true)
            if let cut = stops.compactMap({ text.range(of: $0)?.lowerBound }).min() { text = String(text[..<cut]) }
            let e = examples[index]
            out[index] = Prediction(id: e.id, group: e.group, prompt: prompts[index].text,
                                    prediction: text.trimmingCharacters(in: .whitespacesAndNewlines),
                                    references: e.references, finish: g.finish.rawValue, logProbs: g.logProbs,
                                    promptTruncated: prompts[index].truncated)
        }
        return out.map { $0! }
    }
}
