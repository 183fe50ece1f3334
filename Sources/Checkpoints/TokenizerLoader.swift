import Foundation
import Tokenizer

/// Tokenizers from a GGUF file's `tokenizer.ggml.*` metadata or a Hugging Face `tokenizer.json`.
public enum TokenizerLoader {
    public static func load(gguf: GGUFFile) throws -> BPETokenizer {
        let model = try gguf.string("tokenizer.ggml.model")
        guard model == "gpt2" else {
            throw CheckpointLoader.Failure("\(gguf.path): tokenizer model '\(model)' is not supported (gpt2 byte-level BPE is)")
        }
        let preName = gguf.metadata["tokenizer.ggml.pre"]?.string ?? "gpt2"
        let pre: PreTokenizer
        switch preName {
        case "smollm": pre = .smollm
        case "gpt-2", "gpt2", "default": pre = .gpt2
        default: throw CheckpointLoader.Failure("\(gguf.path): pre-tokenizer '\(preName)' is not supported (smollm, gpt2 are)")
        }
        let tokens = try gguf.strings("tokenizer.ggml.tokens")
        let merges = try gguf.strings("tokenizer.ggml.merges").enumerated().map { i, m -> (String, String) in
            let parts = m.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw CheckpointLoader.Failure("\(gguf.path): merge \(i) '\(m)' is not two tokens") }
            return (String(parts[0]), String(parts[1]))
        }
        var special: [Int32] = []
        if let types = gguf.metadata["tokenizer.ggml.token_type"]?.array {
            guard types.count == tokens.count else {
                throw CheckpointLoader.Failure("\(gguf.path): token_type has \(types.count) entries for \(tokens.count) tokens")
            }
            // 3 = control, 4 = user-defined: both are matched whole in text.
            for (i, t) in types.enumerated() where t.int == 3 || t.int == 4 { special.append(Int32(i)) }
        }
        func id(_ key: String) throws -> Int32? {
            guard let value = gguf.metadata[key] else { return nil }
            guard let n = value.int, n >= 0, n < tokens.count else {
                throw CheckpointLoader.Failure("\(gguf.path): metadata '\(key)' is not a token id (the vocabulary has \(tokens.count) tokens)")
            }
            return Int32(n)
        }
        let template = try chatTemplate(gguf.metadata["tokenizer.chat_template"]?.string, path: gguf.path)
        do {
            return try BPETokenizer(
                tokens: tokens, merges: merges, special: special, preTokenizer: pre,
                bosID: try id("tokenizer.ggml.bos_token_id"), eosID: try id("tokenizer.ggml.eos_token_id"),
                padID: try id("tokenizer.ggml.padding_token_id"), unknownID: try id("tokenizer.ggml.unknown_token_id"),
                addBOS: gguf.metadata["tokenizer.ggml.add_bos_token"]?.bool ?? false, chatTemplate: template)
        } catch let e as BPETokenizer.Invalid {
            throw CheckpointLoader.Failure("\(gguf.path): \(e.description)")
        }
    }

    /// From `tokenizer.json` (and `tokenizer_config.json` beside it for special ids and the chat template).
    public static func load(huggingFaceFolder folder: String) throws -> BPETokenizer {
        let path = (folder as NSString).appendingPathComponent("tokenizer.json")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointLoader.Failure("\(path): cannot read the file")
        }
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let model = json["model"] as? [String: Any] else {
            throw CheckpointLoader.Failure("\(path): not a tokenizer.json (no 'model')")
        }
        guard (model["type"] as? String) == "BPE", let vocab = model["vocab"] as? [String: Int] else {
            throw CheckpointLoader.Failure("\(path): model.type must be BPE with a vocab")
        }
        let pre = try preTokenizer(json["pre_tokenizer"], path: path)
        var added: [(String, Int, Bool)] = []
        for entry in (json["added_tokens"] as? [[String: Any]]) ?? [] {
            guard let content = entry["content"] as? String, let id = entry["id"] as? Int else { continue }
            added.append((content, id, (entry["special"] as? Bool) ?? false))
        }
        // Ids are dense in a real vocabulary: one past the largest may not exceed the number of entries, which
        // bounds the table whatever the file says.
        let size = max((vocab.values.max() ?? -1), (added.map(\.1).max() ?? -1)) + 1
        let entries = vocab.count + added.count
        if let bad = (Array(vocab.values) + added.map(\.1)).first(where: { $0 < 0 || $0 >= entries }) {
            throw CheckpointLoader.Failure("\(path): token id \(bad) is out of range (the file has \(entries) tokens)")
        }
        var tokens = [String](repeating: "", count: size)
        for (t, i) in vocab { tokens[i] = t }
        for (t, i, _) in added { tokens[i] = t }
        var merges: [(String, String)] = []
        for (i, m) in ((model["merges"] as? [Any]) ?? []).enumerated() {
            if let s = m as? String {
                let parts = s.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2 else { throw CheckpointLoader.Failure("\(path): model.merges[\(i)] is not two tokens") }
                merges.append((String(parts[0]), String(parts[1])))
            } else if let pair = m as? [String], pair.count == 2 {
                merges.append((pair[0], pair[1]))
            } else {
                throw CheckpointLoader.Failure("\(path): model.merges[\(i)] is malformed")
            }
        }
        let configPath = (folder as NSString).appendingPathComponent("tokenizer_config.json")
        let config = FileManager.default.contents(atPath: configPath)
            .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
        func tokenID(_ key: String) -> Int32? {
            let v = config[key]
            let text = (v as? String) ?? ((v as? [String: Any])?["content"] as? String)
            return text.flatMap { t in vocab[t] ?? added.first { $0.0 == t }?.1 }.map(Int32.init)
        }
        let template = try chatTemplate(config["chat_template"] as? String, path: configPath)
        do {
            return try BPETokenizer(
                tokens: tokens, merges: merges, special: added.map { Int32($0.1) }, preTokenizer: pre,
                bosID: tokenID("bos_token"), eosID: tokenID("eos_token"), padID: tokenID("pad_token"),
                unknownID: tokenID("unk_token"), addBOS: (config["add_bos_token"] as? Bool) ?? false, chatTemplate: template)
        } catch let e as BPETokenizer.Invalid {
            throw CheckpointLoader.Failure("\(path): \(e.description)")
        }
    }

    static func chatTemplate(_ source: String?, path: String) throws -> ChatTemplate? {
        guard let source else { return nil }
        do { return try ChatTemplate(source: source) } catch { throw CheckpointLoader.Failure("\(path): \(error)") }
    }

    /// ByteLevel alone is GPT-2's split; Sequence[Digits(individual_digits), ByteLevel] is SmolLM's.
    static func preTokenizer(_ spec: Any?, path: String) throws -> PreTokenizer {
        guard let spec = spec as? [String: Any], let type = spec["type"] as? String else {
            throw CheckpointLoader.Failure("\(path): pre_tokenizer is missing")
        }
        if type == "ByteLevel", (spec["use_regex"] as? Bool) ?? true, !((spec["add_prefix_space"] as? Bool) ?? false) {
            return .gpt2
        }
        if type == "Sequence", let parts = spec["pretokenizers"] as? [[String: Any]], parts.count == 2,
           parts[0]["type"] as? String == "Digits", (parts[0]["individual_digits"] as? Bool) == true,
           parts[1]["type"] as? String == "ByteLevel", (parts[1]["use_regex"] as? Bool) ?? true,
           !((parts[1]["add_prefix_space"] as? Bool) ?? false) {
            return .smollm
        }
        throw CheckpointLoader.Failure("\(path): pre_tokenizer \(type) is not supported (ByteLevel, or Digits + ByteLevel)")
    }
}
