import Checkpoints
import Foundation
import Tokenizer
import XCTest

final class PreTokenizerTests: XCTestCase {
    func split(_ p: PreTokenizer, _ s: String) -> [String] { p.split(s).map(String.init) }

    func testGPT2SplitRules() {
        XCTAssertEqual(split(.gpt2, "Hello world"), ["Hello", " world"])
        XCTAssertEqual(split(.gpt2, "I'm sure they've said"), ["I", "'m", " sure", " they", "'ve", " said"])
        XCTAssertEqual(split(.gpt2, "x  y"), ["x", " ", " y"])
        XCTAssertEqual(split(.gpt2, "a\n\nb"), ["a", "\n", "\n", "b"])
        XCTAssertEqual(split(.gpt2, "end   "), ["end", "   "])
        XCTAssertEqual(split(.gpt2, "   lead"), ["  ", " lead"])
        XCTAssertEqual(split(.gpt2, "héllo wörld"), ["héllo", " wörld"])
        XCTAssertEqual(split(.gpt2, "a+=b;"), ["a", "+=", "b", ";"])
        XCTAssertEqual(split(.gpt2, " 123 !!"), [" 123", " !!"])
        XCTAssertEqual(split(.gpt2, "'S"), ["'", "S"], "contractions are case-sensitive")
        XCTAssertEqual(split(.gpt2, ""), [])
    }

    func testSmolLMIsolatesEveryDigit() {
        XCTAssertEqual(split(.smollm, "12.5%"), ["1", "2", ".", "5", "%"])
        XCTAssertEqual(split(.smollm, "is 42."), ["is", " ", "4", "2", "."])
        XCTAssertEqual(split(.smollm, "٣ and ²"), ["٣", " and", " ", "²"], "any numeric character")
        XCTAssertEqual(split(.smollm, "三 is a letter"), ["三", " is", " a", " letter"])
    }

    func testPiecesAlwaysReassembleTheText() {
        for text in ["Tabs\tand  spaces   and\nnewlines\n\nmixed.", "Rockets 🚀 and smiles 😀", "中文测试，日本語テスト", " \u{3000} x\r\n"] {
            for p in PreTokenizer.allCases { XCTAssertEqual(split(p, text).joined(), text) }
        }
    }
}

final class BPETokenizerTests: XCTestCase {
    /// The 256 byte characters, three merges and one special token.
    func tiny() throws -> BPETokenizer {
        let bytes = (0..<256).map { String(ByteLevel.byteToScalar[$0]) }
        let tokens = bytes + ["ab", "abc", "Ġa", "<|sp|>"]
        return try BPETokenizer(
            tokens: tokens, merges: [("a", "b"), ("ab", "c"), ("Ġ", "a")], special: [259], preTokenizer: .gpt2,
            bosID: nil, eosID: 259, padID: 259, unknownID: nil, addBOS: false, chatTemplate: nil)
    }

    func testMergesApplyByRank() throws {
        let t = try tiny()
        XCTAssertEqual(t.encode("abc"), [257])
        // " abc": Ġ a b c — rank 0 (a b) wins over rank 2 (Ġ a), so Ġa never forms.
        XCTAssertEqual(t.encode(" abc"), [Int32(t.id(of: "Ġ")!), 257])
        XCTAssertEqual(t.encode(" a"), [258])
    }

    func testSpecialTokensAreAtomic() throws {
        let t = try tiny()
        XCTAssertEqual(t.encode("x<|sp|>y"), [Int32(UInt8(ascii: "x")), 259, Int32(UInt8(ascii: "y"))])
        XCTAssertEqual(t.decode([259]), "<|sp|>")
        XCTAssertEqual(t.decode([259], skipSpecial: true), "")
    }

    func testDecodeJoinsBytesSplitAcrossTokens() throws {
        let t = try tiny()
        let ids = t.encode("é")
        XCTAssertEqual(ids.count, 2)
        XCTAssertEqual(t.decode(ids), "é")
        XCTAssertEqual(t.decode([ids[0]]), "\u{FFFD}")
        XCTAssertEqual(t.decodeBytes([ids[0]]), [0xC3])
    }

    func testMergeNamingAnUnknownTokenIsRejected() {
        XCTAssertThrowsError(try BPETokenizer(tokens: ["a"], merges: [("a", "z")], special: [], preTokenizer: .gpt2,
                                              bosID: nil, eosID: nil, padID: nil, unknownID: nil, addBOS: false, chatTemplate: nil))
    }

    func testTokenizerJSON() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("peftbench-tok-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var vocab: [String: Int] = [:]
        for b in 0..<256 { vocab[String(ByteLevel.byteToScalar[b])] = b }
        vocab["ab"] = 256
        let json: [String: Any] = [
            "model": ["type": "BPE", "vocab": vocab, "merges": [["a", "b"]]],
            "added_tokens": [["id": 257, "content": "<|im_end|>", "special": true]],
            "pre_tokenizer": ["type": "Sequence", "pretokenizers": [
                ["type": "Digits", "individual_digits": true],
                ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true]]],
        ]
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: dir + "/tokenizer.json"))
        let config: [String: Any] = ["eos_token": "<|im_end|>", "chat_template": ChatTemplateTests.smolLM2]
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: dir + "/tokenizer_config.json"))
        let t = try TokenizerLoader.load(huggingFaceFolder: dir)
        XCTAssertEqual(t.preTokenizer, .smollm)
        XCTAssertEqual(t.eosID, 257)
        XCTAssertEqual(t.encode("ab12<|im_end|>"), [256, 49, 50, 257])
        XCTAssertNotNil(t.chatTemplate)
    }
}

final class ChatTemplateTests: XCTestCase {
    static let smolLM2 = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"

    func testRendersSmolLM2Template() throws {
        let t = try ChatTemplate(source: Self.smolLM2)
        XCTAssertEqual(t.render([.init(role: "user", content: "Hi")]),
                       "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
        XCTAssertEqual(t.render([.init(role: "system", content: "Be brief."), .init(role: "user", content: "Hi")], addGenerationPrompt: false),
                       "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n")
    }

    func testRefusesTemplatesItCannotRender() {
        XCTAssertThrowsError(try ChatTemplate(source: "{{ bos_token }}{% for m in messages %}[INST] {{ m['content'] }} [/INST]{% endfor %}")) {
            XCTAssertTrue("\($0)".contains("not supported"))
        }
    }
}
