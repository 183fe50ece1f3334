import Foundation
import Tokenizer

/// A tokenizer as Hugging Face `tokenizers` and transformers read it: `tokenizer.json` (byte-level BPE with the
/// model's own pre-tokenizer, so that SmolLM's digit splitting survives), `tokenizer_config.json` (special tokens,
/// chat template) and `special_tokens_map.json`.
enum TokenizerFiles {
    static func tokenizerJSON(_ t: BPETokenizer) -> [String: Any] {
        let byteLevel: [String: Any] = ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true]
        let preTokenizer: [String: Any]
        switch t.preTokenizer {
        case .gpt2: preTokenizer = byteLevel
        case .smollm:
            preTokenizer = ["type": "Sequence", "pretokenizers": [["type": "Digits", "individual_digits": true], byteLevel]]
        }
        var vocab: [String: Int] = [:]
        for (i, token) in t.tokens.enumerated() where vocab[token] == nil { vocab[token] = i }
        let added: [[String: Any]] = t.specialTokens.sorted { $0.id < $1.id }.map {
            ["id": Int($0.id), "content": $0.text, "single_word": false, "lstrip": false, "rstrip": false,
             "normalized": false, "special": true]
        }
        return [
            "version": "1.0", "truncation": NSNull(), "padding": NSNull(), "added_tokens": added,
            "normalizer": NSNull(), "pre_tokenizer": preTokenizer,
            "post_processor": ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": true],
            "decoder": ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true],
            "model": [
                "type": "BPE", "dropout": NSNull(), "unk_token": t.unknownID.map { t.tokens[Int($0)] } ?? NSNull(),
                "continuing_subword_prefix": NSNull(), "end_of_word_suffix": NSNull(), "fuse_unk": false,
                "byte_fallback": false, "ignore_merges": false, "vocab": vocab,
                "merges": t.mergePairs.map { [$0.0, $0.1] },
            ] as [String: Any],
        ]
    }

    static func specialTokens(_ t: BPETokenizer) -> [String: Any] {
        var out: [String: Any] = [:]
        for (key, id) in [("bos_token", t.bosID), ("eos_token", t.eosID), ("pad_token", t.padID), ("unk_token", t.unknownID)] {
            if let id { out[key] = t.tokens[Int(id)] }
        }
        return out
    }

    static func tokenizerConfig(_ t: BPETokenizer, maxLength: Int) -> [String: Any] {
        var out = specialTokens(t)
        out["tokenizer_class"] = "PreTrainedTokenizerFast"
        out["add_bos_token"] = t.addBOS
        out["add_eos_token"] = false
        out["clean_up_tokenization_spaces"] = false
        out["model_max_length"] = maxLength
        if let template = t.chatTemplate { out["chat_template"] = template.source }
        return out
    }
}
