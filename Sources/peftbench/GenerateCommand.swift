import ArgumentParser
import Checkpoints
import Engine
import Foundation
import Model
import Tokenizer

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Generate a continuation of a prompt with the KV cache.")

    @OptionGroup var options: ModelOptions
    @OptionGroup var runtime: RuntimeOptions
    @Option(help: "The prompt text.") var prompt: String
    @Flag(help: "Wrap the prompt as a user message in the model's chat template.") var chat = false
    @Option(help: "Tokens to generate at most.") var maxNewTokens = 64
    @Option(help: "0 is greedy.") var temperature: Float = 0
    @Option(help: "Keep the k most likely tokens when sampling.") var topK: Int?
    @Option(help: "Keep the smallest set of tokens whose probability reaches p when sampling.") var topP: Float?
    @Option(help: "Seed of the sampler.") var seed: UInt64 = 0
    @Option(help: "Stop when the text contains this string (repeatable); the string is cut off.") var stop: [String] = []
    @Flag(help: "Do not stop at the end-of-sequence token.") var ignoreEos = false
    @Flag(help: "Print JSON: text, ids and log-probabilities of the generated tokens.") var json = false

    func validate() throws {
        guard maxNewTokens >= 0 else { throw ValidationError("--max-new-tokens must be ≥ 0") }
        guard temperature >= 0 else { throw ValidationError("--temperature must be ≥ 0") }
        if let topK, topK < 1 { throw ValidationError("--top-k must be ≥ 1") }
        if let topP, !(topP > 0 && topP <= 1) { throw ValidationError("--top-p must be in (0, 1]") }
    }

    struct Output: Codable {
        var text: String
        var ids: [Int32]
        var logprobs: [Float]
        var finish: GeneratedSequence.Finish
    }

    func run() throws {
        runtime.apply()
        let (loaded, tokenizer) = try options.loadWithTokenizer()
        let text: String
        if chat {
            guard let template = tokenizer.chatTemplate else { throw ValidationError("model '\(options.model)' has no chat template") }
            text = template.render([.init(role: "user", content: prompt)])
        } else {
            text = prompt
        }
        let ids = tokenizer.encode(text, addSpecial: true)
        guard !ids.isEmpty else { throw ValidationError("the prompt has no tokens") }
        let settings = GenerationSettings(
            maxNewTokens: maxNewTokens,
            sampling: SamplingSettings(temperature: temperature, topK: topK, topP: topP, seed: seed),
            stopTokens: ignoreEos ? [] : Set([tokenizer.eosID].compactMap { $0 }))
        let stopStrings = stop
        let result = Generator(model: loaded.model).generate(prompts: [ids], padID: tokenizer.padID ?? 0, settings: settings) { _, generated in
            guard !stopStrings.isEmpty else { return false }
            let t = tokenizer.decode(generated, skipSpecial: true)
            return stopStrings.contains { t.contains($0) }
        }[0]
        var out = tokenizer.decode(result.tokens, skipSpecial: true)
        if result.finish == .stopCondition, let cut = stopStrings.compactMap({ out.range(of: $0)?.lowerBound }).min() {
            out = String(out[..<cut])
        }
        if json {
            print(try JSONOutput.string(Output(text: out, ids: result.tokens, logprobs: result.logProbs, finish: result.finish)))
        } else {
            print(out)
        }
    }
}
