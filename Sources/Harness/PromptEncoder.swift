import Results
import Tasks
import Tokenizer

/// Turns a task's examples into token sequences for the model: the prompt (through the chat template when the
/// task asks for it, fitted to the length budget by the task's rule) and, for training, the target with an
/// end-of-sequence token.
public struct PromptEncoder {
    public let definition: TaskDefinition
    public let tokenizer: BPETokenizer
    public let eos: Int32

    public init(definition: TaskDefinition, tokenizer: BPETokenizer) throws {
        guard let eos = tokenizer.eosID else { throw RunError("the model's tokenizer has no end-of-sequence token") }
        self.definition = definition
        self.tokenizer = tokenizer
        self.eos = eos
    }

    func wrap(_ prompt: String) -> String {
        guard definition.chatTemplate, let template = tokenizer.chatTemplate else { return prompt }
        return template.render([.init(role: "user", content: prompt)], addGenerationPrompt: true)
    }

    /// The prompt's tokens within `budget`; `truncated` when the rule had to cut.
    public func prompt(_ example: TaskExample, budget: Int) throws -> (tokens: [Int32], text: String, truncated: Bool) {
        let fitted = try PromptFitting.fit(definition.prompt, example.fields, budget: budget) { tokenizer.encode(wrap($0)).count }
        let text = wrap(fitted.prompt)
        var tokens = tokenizer.encode(text)
        var truncated = fitted.truncated
        if tokens.count > budget {
            // A prompt without a story or history to shorten keeps its end, the part nearest the answer.
            tokens = Array(tokens.suffix(budget))
            truncated = true
        }
        return (tokens, text, truncated)
    }

    /// One training sequence per training pair of an example: prompt, target, EOS; the loss starts at the target.
    /// The target keeps at least half the length budget.
    public func trainingSequences(_ example: TaskExample, seq: Int) throws -> [(tokens: [Int32], lossFrom: Int, truncated: Bool)] {
        let total = seq + 1  // inputs and next-token targets
        return try definition.trainingPairs(example).map { pair in
            var target = tokenizer.encode(pair.target) + [eos]
            let promptBudget = max(1, total - min(target.count, total / 2))
            let fitted = try prompt(example, budget: promptBudget)
            var truncated = fitted.truncated
            if fitted.tokens.count + target.count > total {
                target = Array(target.prefix(total - fitted.tokens.count))
                truncated = true
            }
            return (fitted.tokens + target, fitted.tokens.count - 1, truncated)
        }
    }
}
