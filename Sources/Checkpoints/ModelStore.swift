import Foundation
import Model
import Tokenizer

/// A decoder with its tokenizer and where it came from.
public struct LoadedModel {
    public let model: LlamaModel
    public let tokenizer: BPETokenizer?
    /// The name or path it was resolved from, and the file read (nil for the built-in tiny model).
    public let name: String
    public let file: String?
    /// Tensor element types in the file, with counts (for `model info`).
    public let tensorTypes: [String: Int]
}

/// Resolves `--model`: a `.gguf` file, a Hugging Face folder, `tiny` (random, built in), or a named model that the
/// setup step places in the cache folder (`$PEFTBENCH_CACHE`, default `~/.cache/peftbench`).
public enum ModelStore {
    public static var cacheDirectory: String {
        if let dir = ProcessInfo.processInfo.environment["PEFTBENCH_CACHE"], !dir.isEmpty { return dir }
        return (NSHomeDirectory() as NSString).appendingPathComponent(".cache/peftbench")
    }

    /// Named models and the file each resolves to inside the cache.
    public static let named: [String: (file: String, fetch: String)] = [
        "smollm2-135m": ("models/smollm2-135m/SmolLM2-135M-Instruct.Q4_1.gguf", "bash scripts/fetch-model.sh"),
    ]

    /// The path a `--model` value names (nil for `tiny`); throws with the fetch command when a named model is
    /// missing.
    public static func resolvePath(_ spec: String) throws -> String? {
        if spec == "tiny" { return nil }
        if let entry = named[spec] {
            let path = (cacheDirectory as NSString).appendingPathComponent(entry.file)
            guard FileManager.default.fileExists(atPath: path) else {
                throw CheckpointLoader.Failure("model '\(spec)' is not in \(cacheDirectory); fetch it with: \(entry.fetch)")
            }
            return path
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: spec, isDirectory: &isDir) else {
            throw CheckpointLoader.Failure("model '\(spec)' not found: expected a .gguf file, a Hugging Face folder, tiny, or one of \(named.keys.sorted().joined(separator: ", "))")
        }
        return spec
    }

    public static func load(_ spec: String, seed: UInt64 = 0) throws -> LoadedModel {
        guard let path = try resolvePath(spec) else {
            let tokenizer = BPETokenizer.bytesOnly()
            var config = LlamaConfig.tiny
            config.vocabSize = tokenizer.vocabularySize
            let model = LlamaModel(config: config, seed: seed, trainable: false)
            return LoadedModel(model: model, tokenizer: tokenizer, name: spec, file: nil, tensorTypes: ["F32": model.parameters.count])
        }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            let model = try CheckpointLoader.load(huggingFaceFolder: path)
            let tokenizerPath = (path as NSString).appendingPathComponent("tokenizer.json")
            let tokenizer = FileManager.default.fileExists(atPath: tokenizerPath)
                ? try TokenizerLoader.load(huggingFaceFolder: path) : nil
            return LoadedModel(model: model, tokenizer: tokenizer, name: spec, file: path, tensorTypes: [:])
        }
        let gguf = try GGUFFile(path: path)
        let model = try CheckpointLoader.load(gguf: gguf)
        let tokenizer = gguf.metadata["tokenizer.ggml.tokens"] == nil ? nil : try TokenizerLoader.load(gguf: gguf)
        var types: [String: Int] = [:]
        for t in gguf.tensors { types[t.type.name, default: 0] += 1 }
        return LoadedModel(model: model, tokenizer: tokenizer, name: spec, file: path, tensorTypes: types)
    }
}
