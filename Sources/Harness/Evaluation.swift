import Foundation
import Model
import Tasks
import Tokenizer

/// One evaluated example: what the model was asked, what it said, with the log-probability of each generated
/// token (the answer's confidence is the probability of the whole generated answer).
public struct Prediction: Codable, Sendable, Equatable {
    public var id: String
    public var group: String?
    public var prompt: String
    public var prediction: String
    public var references: [String]
    public var finish: String
    public var logProbs: [Float]
    public var promptTruncated: Bool
    /// Per-example scores, filled by the task's scorer.
    public var scores: [String: Double] = [:]
    /// What was extracted from the output, where a metric extracts (GSM8K's number).
    public var extracted: [String: String] = [:]

    public var confidence: Double { exp(logProbs.reduce(0.0) { $0 + Double($1) }) }

    enum CodingKeys: String, CodingKey {
        case id, group, prompt, prediction, references, finish, scores, extracted, confidence
        case logProbs = "log_probs", promptTruncated = "prompt_truncated"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(group, forKey: .group)
        try c.encode(prompt, forKey: .prompt)
        try c.encode(prediction, forKey: .prediction)
        try c.encode(references, forKey: .references)
        try c.encode(finish, forKey: .finish)
        try c.encode(scores, forKey: .scores)
        if !extracted.isEmpty { try c.encode(extracted, forKey: .extracted) }
        try c.encode(confidence, forKey: .confidence)
        try c.encode(logProbs, forKey: .logProbs)
        try c.encode(promptTruncated, forKey: .promptTruncated)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        group = try c.decodeIfPresent(String.self, forKey: .group)
        prompt = try c.decode(String.self, forKey: .prompt)
        prediction = try c.decode(String.self, forKey: .prediction)
        references = try c.decode([String].self, forKey: .references)
        finish = try c.decode(String.self, forKey: .finish)
        logProbs = try c.decode([Float].self, forKey: .logProbs)
        promptTruncated = try c.decode(Bool.self, forKey: .promptTruncated)
        scores = try c.decodeIfPresent([String: Double].self, forKey: .scores) ?? [:]
        extracted = try c.decodeIfPresent([String: String].self, forKey: .extracted) ?? [:]
    }

    init(id: String, group: String?, prompt: String, prediction: String, references: [String], finish: String,
         logProbs: [Float], promptTruncated: Bool) {
        self.id = id
        self.group = group
        self.prompt = prompt
        self.prediction = prediction
        self.references = references
        self.finish = finish
        self.logProbs = logProbs
        self.promptTruncated = promptTruncated
    }
}

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
        // Batches of similar prompt length waste little on padding; the grouping changes no result.
        let order = prompts.indices.sorted { (prompts[$0].tokens.count, $0) < (prompts[$1].tokens.count, $1) }
        var out = [Prediction?](repeating: nil, count: examples.count)
        let generator = Generator(model: model)
        let stops = settings.stop
        var done = 0
        for start in stride(from: 0, to: order.count, by: batch) {
            let group = Array(order[start..<min(order.count, start + batch)])
            let generated = generator.generate(
                prompts: group.map { prompts[$0].tokens }, padID: encoder.eos,
                settings: GenerationSettings(maxNewTokens: settings.maxNewTokens, stopTokens: [encoder.eos])
            ) { _, tokens in
                guard !stops.isEmpty else { return false }
                let text = tokenizer.decode(tokens, skipSpecial: true)
                return stops.contains { text.contains($0) }
            }
            for (slot, index) in group.enumerated() {
                let g = generated[slot]
                var text = tokenizer.decode(g.tokens, skipSpecial: true)
                if let cut = stops.compactMap({ text.range(of: $0)?.lowerBound }).min() { text = String(text[..<cut]) }
                let e = examples[index]
                out[index] = Prediction(id: e.id, group: e.group, prompt: prompts[index].text,
                                        prediction: text.trimmingCharacters(in: .whitespacesAndNewlines),
                                        references: e.references, finish: g.finish.rawValue, logProbs: g.logProbs,
                                        promptTruncated: prompts[index].truncated)
            }
            done += group.count
            try progress(done)
        }
        return out.map { $0! }
    }
}
