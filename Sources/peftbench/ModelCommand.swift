import ArgumentParser
import Checkpoints
import Engine
import Foundation
import Model
import Tokenizer

struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Inspect a model: its shape, tokenizer and likelihoods.",
        subcommands: [ModelInfoCommand.self, ModelTokenizeCommand.self, ModelNLLCommand.self])
}

struct ModelOptions: ParsableArguments {
    @Option(help: "A .gguf file, a Hugging Face folder, tiny, or smollm2-135m.") var model = "smollm2-135m"

    func load() throws -> LoadedModel { try ModelStore.load(model) }

    func loadWithTokenizer() throws -> (LoadedModel, BPETokenizer) {
        let loaded = try load()
        guard let tokenizer = loaded.tokenizer else {
            throw ValidationError("model '\(model)' has no tokenizer")
        }
        return (loaded, tokenizer)
    }
}

/// Reads a JSON array of strings.
func readTexts(_ path: String) throws -> [String] {
    guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("\(path): cannot read the file") }
    guard let texts = try? JSONDecoder().decode([String].self, from: data) else {
        throw ValidationError("\(path): expected a JSON array of strings")
    }
    return texts
}

struct ModelInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Architecture, parameter counts by kind, tensor types.")
    @OptionGroup var options: ModelOptions
    @Flag(help: "Print JSON.") var json = false

    struct Info: Codable {
        var model: String
        var file: String?
        var architecture: String
        var config: LlamaConfig
        var parameters: Int
        var parametersByKind: [String: Int]
        var tensorTypes: [String: Int]
        var vocabulary: Int?
        var chatTemplate: Bool
    }

    func run() throws {
        let loaded = try options.load()
        var kinds: [String: Int] = [:]
        for p in loaded.model.parameters {
            let kind = p.name.replacingOccurrences(of: #"layers\.\d+\."#, with: "layers.*.", options: .regularExpression)
            kinds[kind, default: 0] += p.count
        }
        let info = Info(model: loaded.name, file: loaded.file, architecture: "llama", config: loaded.model.config,
                        parameters: loaded.model.parameters.totalCount, parametersByKind: kinds,
                        tensorTypes: loaded.tensorTypes, vocabulary: loaded.tokenizer?.vocabularySize,
                        chatTemplate: loaded.tokenizer?.chatTemplate != nil)
        if json { print(try JSONOutput.string(info)); return }
        let c = info.config
        print("model:       \(info.model)\(info.file.map { " (\($0))" } ?? "")")
        print("shape:       llama, \(c.numHiddenLayers) layers, hidden \(c.hiddenSize), MLP \(c.intermediateSize), \(c.numAttentionHeads) heads / \(c.numKeyValueHeads) kv heads, vocab \(c.vocabSize), rope θ \(c.ropeTheta), ε \(c.rmsNormEps), context \(c.maxPositionEmbeddings), \(c.tieWordEmbeddings ? "tied" : "untied") embeddings")
        print("parameters:  \(info.parameters)")
        for (k, n) in kinds.sorted(by: { $0.key < $1.key }) { print("  \(k.padding(toLength: 48, withPad: " ", startingAt: 0)) \(n)") }
        print("tensor types: \(info.tensorTypes.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))")
    }
}

struct ModelTokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tokenize", abstract: "Token ids of texts (JSON array of strings → JSON array of id arrays).")
    @OptionGroup var options: ModelOptions
    @Option(help: "A JSON file holding an array of strings.") var texts: String

    func run() throws {
        let strings = try readTexts(texts)
        let (_, tokenizer) = try options.loadWithTokenizer()
        let ids = strings.map { tokenizer.encode($0).map(Int.init) }
        print(String(decoding: try JSONEncoder().encode(ids), as: UTF8.self))
    }
}

struct ModelNLLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nll", abstract: "Negative log-likelihood (natural log) of every token after the first, per text.")
    @OptionGroup var options: ModelOptions
    @OptionGroup var runtime: RuntimeOptions
    @Option(help: "A JSON file holding an array of strings.") var texts: String

    struct Row: Codable { var tokens: Int; var nllSum: Double; var nllMean: Double }

    func run() throws {
        runtime.apply()
        let strings = try readTexts(texts)
        let (loaded, tokenizer) = try options.loadWithTokenizer()
        let rows = strings.map { text -> Row in
            let ids = tokenizer.encode(text, addSpecial: true)
            guard ids.count >= 2 else { return Row(tokens: ids.count, nllSum: 0, nllMean: 0) }
            let logProbs = loaded.model.targetLogProbabilities(TokenBatch.rightPadded([ids], padID: tokenizer.padID ?? 0))
            let sum = logProbs.prefix(ids.count - 1).reduce(0.0) { $0 - Double($1) }
            return Row(tokens: ids.count, nllSum: sum, nllMean: sum / Double(ids.count - 1))
        }
        print(try JSONOutput.string(rows))
    }
}
