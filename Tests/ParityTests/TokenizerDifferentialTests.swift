import Checkpoints
import Foundation
import TestSupport
import Tokenizer
import XCTest

/// The tokenizer against the reference one (Hugging Face `tokenizers` with SmolLM2's pre-tokenizer) on adversarial
/// text: the 4,000 texts of the shipped fixture, and as many again from a seeded generator run through the live
/// reference package, so that a new class of text is covered by adding it to the generator.
final class TokenizerDifferentialTests: XCTestCase {
    struct Fixture: Decodable { var texts: [String]; var ids: [[Int32]]; var decoded: [String] }

    func tokenizer() throws -> BPETokenizer {
        if ProcessInfo.processInfo.environment["PEFTBENCH_SKIP_MODEL_TESTS"] == "1" { throw XCTSkip("PEFTBENCH_SKIP_MODEL_TESTS=1") }
        return try TokenizerLoader.load(gguf: GGUFFile(path: try modelPath()))
    }

    func modelPath() throws -> String { try XCTUnwrap(try ModelStore.resolvePath("smollm2-135m")) }

    /// Ids equal, and the decoding equal byte for byte (`String` equality would accept a canonical equivalent).
    func compare(_ tok: BPETokenizer, texts: [String], ids: [[Int32]], decoded: [String], file: StaticString = #filePath, line: UInt = #line) {
        var mismatches: [String] = []
        for (k, text) in texts.enumerated() {
            let got = tok.encode(text)
            if got != ids[k] {
                mismatches.append("text \(k) \(text.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " ")): ours \(got), reference \(ids[k])")
            } else if Array(tok.decode(got).utf8) != Array(decoded[k].utf8) {
                mismatches.append("text \(k): decoding differs")
            }
        }
        XCTAssertTrue(mismatches.isEmpty, "\(mismatches.count) of \(texts.count) texts differ:\n" + mismatches.prefix(20).joined(separator: "\n"),
                      file: file, line: line)
    }

    func testShippedFixture() throws {
        let tok = try tokenizer()
        let f = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: ParityTests.fixtures.appendingPathComponent("smollm2-tokenize-differential.json")))
        XCTAssertEqual(f.texts.count, 4000)
        compare(tok, texts: f.texts, ids: f.ids, decoded: f.decoded)
        // Decoding gives the text back wherever no byte sequence was cut (the reference's decodings say where).
        let roundTrips = zip(f.texts, f.decoded).filter { Array($0.utf8) == Array($1.utf8) }.count
        XCTAssertEqual(roundTrips, 4000)
    }

    func testGeneratedTextsAgainstLiveReference() throws {
        let tok = try tokenizer()
        var generator = TextGenerator(seed: 20261129)
        let texts = generator.texts(4000)
        let out = try runReference(model: try modelPath(), texts: texts)
        let ids = try XCTUnwrap(out["ids"] as? [[Int]]).map { $0.map(Int32.init) }
        let decoded = try XCTUnwrap(out["decoded"] as? [String])
        XCTAssertEqual(ids.count, texts.count)
        compare(tok, texts: texts, ids: ids, decoded: decoded)
    }

    func runReference(model: String, texts: [String]) throws -> [String: Any] {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("peftbench-tokenize-\(getpid()).json")
        try JSONSerialization.data(withJSONObject: texts).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("reference/tokenize_reference.py")
        let out = try PythonScript.run(script, arguments: [model, input.path], package: "tokenizers gguf")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: out) as? [String: Any])
    }
}

/// Seeded adversarial text: each text joins 1–12 fragments, each drawn from one class — any assigned scalar of
/// any plane, whitespace runs of every White_Space character, digits and numbers of many scripts, contractions in
/// every case, special tokens whole, cut and glued to marks, combining marks, prepended marks (U+0600–U+0605),
/// emoji sequences, words of several scripts, characters with canonical or compatibility decompositions.
struct TextGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(_ n: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % UInt64(n))
    }

    mutating func pick<T>(_ xs: [T]) -> T { xs[next(xs.count)] }

    static let spaces: [Unicode.Scalar] = [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}", "\u{1680}", "\u{2000}", "\u{2001}",
                                           "\u{2002}", "\u{2003}", "\u{2004}", "\u{2005}", "\u{2006}", "\u{2007}", "\u{2008}", "\u{2009}",
                                           "\u{200A}", "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}", "\u{200B}", "\u{FEFF}", "\u{180E}"]
    static let numbers = ["0", "42", "3.14", "1,000", "٣", "۴", "७", "৫", "๕", "໒", "༣", "၄", "០", "᠕", "１２３", "²", "³", "¼", "½", "Ⅻ", "ⅻ",
                          "ↂ", "①", "⑳", "⓾", "❼", "𝟙", "𝟚", "𐄇", "〇", "〡", "𒐀", "𑁒", "🄂", "⁰", "₉", "𝍠", "𖭐"]
    static let contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'Ve", "'LL", "'D", "’s", "''s", "'", "don't",
                               "I'M", "it's", "we've", "'x", "'r", "'v", "'l"]
    static let specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<repo_name>", "<file_sep>", "<filename>", "<gh_stars>",
                           "<issue_start>", "<jupyter_code>", "<empty_output>", "<|im_start", "im_end|>", "<|endoftext", "< |im_end|>",
                           "<<|im_end|>>", "<|IM_END|>"]
    static let marks: [Unicode.Scalar] = ["\u{300}", "\u{301}", "\u{308}", "\u{20DD}", "\u{20E2}", "\u{20E3}", "\u{489}", "\u{A670}",
                                          "\u{1AB0}", "\u{0E31}", "\u{093F}", "\u{0BCD}", "\u{0C3E}", "\u{FE0F}", "\u{200D}", "\u{200C}", "\u{034F}"]
    static let prepended: [Unicode.Scalar] = ["\u{600}", "\u{601}", "\u{602}", "\u{603}", "\u{604}", "\u{605}", "\u{6DD}", "\u{70F}", "\u{8E2}", "\u{110BD}"]
    static let emoji = ["👩‍💻", "👍🏽", "🇫🇷", "🏳️‍🌈", "❤️", "1️⃣", "#️⃣", "👨‍👩‍👧‍👦", "🫱🏻‍🫲🏿", "😀"]
    static let words = ["hello", "The", "naïve", "Straße", "ǅemal", "İstanbul", "ﬁne", "Ελλάδα", "мир", "שלום", "مرحبا", "नमस्ते", "こんにちは",
                        "北京", "안녕", "ภาษา", "ትግራይ", "ᏣᎳᎩ", "a_b", "camelCase", "HTTPServer", "x@y.org", "C++", "e\u{301}", "é", "Å", "Å",
                        "ẞ", "ᾭ", "ạ̈", "\u{2126}", "\u{212B}", "\u{1E9B}\u{323}", "\u{385}", "\u{340}", "\u{F900}", "\u{2F800}", "ﾊﾝｶｸ"]

    /// Any scalar assigned since Unicode 13 at the latest (the reference's tables and ours may differ on newer ones).
    mutating func anyScalar() -> Unicode.Scalar {
        while true {
            let plane = next(8)
            let value = plane < 5 ? next(0x10000) : plane < 7 ? 0x10000 + next(0x10000) : 0x20000 + next(0xE0000)
            guard let s = Unicode.Scalar(UInt32(value)), let age = s.properties.age, age.major <= 13 else { continue }
            if s.properties.generalCategory == .privateUse { continue }
            return s
        }
    }

    mutating func fragment() -> String {
        switch next(11) {
        case 0, 1: return String((0..<(1 + next(4))).map { _ in Character(anyScalar()) })
        case 2: return String(String.UnicodeScalarView((0..<(1 + next(5))).map { _ in pick(Self.spaces) }))
        case 3: return pick(Self.numbers)
        case 4: return pick(Self.contractions)
        case 5:
            let s = pick(Self.specials)
            switch next(3) {
            case 0: return s
            case 1: return s + String(Character(pick(Self.marks)))
            default: return String(Character(pick(Self.prepended))) + s
            }
        case 6: return String(String.UnicodeScalarView([pick(["a", "x", "<", " ", "1", "ก", "ע"]), pick(Self.marks), pick(Self.marks)]))
        case 7: return String(String.UnicodeScalarView([pick(Self.prepended), anyScalar()]))
        case 8: return pick(Self.emoji)
        default: return pick(Self.words)
        }
    }

    mutating func texts(_ count: Int) -> [String] {
        (0..<count).map { _ in (0..<(1 + next(12))).map { _ in fragment() }.joined(separator: next(2) == 0 ? " " : "") }
    }
}
