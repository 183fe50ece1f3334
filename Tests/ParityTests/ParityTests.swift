import Checkpoints
import Engine
import Foundation
import Model
import Tokenizer
import XCTest

/// The real model against the reference implementation's numbers. The README's test command fetches the model
/// first; without it these tests fail (set PEFTBENCH_SKIP_MODEL_TESTS=1 to skip them knowingly).
final class ParityTests: XCTestCase {
    nonisolated(unsafe) static var loaded: LoadedModel?

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func model() throws -> LoadedModel {
        if ProcessInfo.processInfo.environment["PEFTBENCH_SKIP_MODEL_TESTS"] == "1" {
            throw XCTSkip("PEFTBENCH_SKIP_MODEL_TESTS=1")
        }
        if let m = Self.loaded { return m }
        let m = try ModelStore.load("smollm2-135m")
        Self.loaded = m
        return m
    }

    func fixture<T: Decodable>(_ name: String, as: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent(name)))
    }

    struct TokenizeFixture: Decodable { var texts: [String]; var ids: [[Int32]] }
    struct NLLFixture: Decodable { var text: String; var tokens: Int; var nll_mean: Double }
    struct GreedyFixture: Decodable { var prompt: String; var prompt_ids: [Int32]; var new_ids: [Int32] }

    func testFileFacts() throws {
        let path = try XCTUnwrap(try ModelStore.resolvePath("smollm2-135m"))
        let gguf = try GGUFFile(path: path)
        XCTAssertEqual(gguf.version, 3)
        XCTAssertEqual(gguf.tensors.count, 272)
        XCTAssertEqual(gguf.metadata.count, 33)
        XCTAssertNil(gguf.tensor("output.weight"))
        XCTAssertEqual(gguf.tensor("token_embd.weight")?.type, .q8_0)
        XCTAssertEqual(gguf.tensor("blk.7.ffn_up.weight")?.type, .q4_1)
        XCTAssertEqual(gguf.tensor("blk.7.ffn_norm.weight")?.type, .f32)
        let config = try CheckpointLoader.config(gguf: gguf)
        XCTAssertEqual(config, LlamaConfig(hiddenSize: 576, numHiddenLayers: 30, numAttentionHeads: 9, numKeyValueHeads: 3,
                                           intermediateSize: 1536, vocabSize: 49152, ropeTheta: 100_000, rmsNormEps: 1e-5,
                                           tieWordEmbeddings: true, maxPositionEmbeddings: 8192))
        let tok = try TokenizerLoader.load(gguf: gguf)
        XCTAssertEqual(tok.mergeCount, 48_900)
        XCTAssertEqual([tok.bosID, tok.eosID, tok.padID, tok.unknownID], [1, 2, 2, 0])
        XCTAssertFalse(tok.addBOS)
        XCTAssertEqual(tok.encode("<|im_start|>"), [1])
    }

    func testTokenizerMatchesReferenceIds() throws {
        let tok = try XCTUnwrap(try model().tokenizer)
        let f = try fixture("smollm2-tokenize.json", as: TokenizeFixture.self)
        XCTAssertEqual(f.texts.count, 16)
        for (text, ids) in zip(f.texts, f.ids) {
            XCTAssertEqual(tok.encode(text), ids, text)
            XCTAssertEqual(Array(tok.decode(ids).utf8), Array(text.utf8), "decode must give the text back, byte for byte: \(text)")
        }
    }

    func testNLLWithin1e3OfReference() throws {
        let m = try model()
        let tok = try XCTUnwrap(m.tokenizer)
        let f = try fixture("smollm2-nll.json", as: [NLLFixture].self)
        for row in f {
            let ids = tok.encode(row.text, addSpecial: true)
            XCTAssertEqual(ids.count, row.tokens, row.text)
            let lp = m.model.targetLogProbabilities(TokenBatch.rightPadded([ids], padID: 2))
            let mean = -lp.prefix(ids.count - 1).reduce(0.0) { $0 + Double($1) } / Double(ids.count - 1)
            XCTAssertEqual(mean, row.nll_mean, accuracy: 1e-3, row.text)
        }
    }

    func testBatchedGreedyMatchesReferenceUpToFirstEOS() throws {
        let m = try model()
        let f = try fixture("smollm2-greedy.json", as: [GreedyFixture].self)
        XCTAssertEqual(f.count, 8)
        // All prompts in one left-padded batch: padding must not change any sequence's result.
        let out = Generator(model: m.model).generate(
            prompts: f.map(\.prompt_ids), padID: 2, settings: GenerationSettings(maxNewTokens: 24, stopTokens: [2]))
        for (ref, got) in zip(f, out) {
            var expected = ref.new_ids
            if let eos = expected.firstIndex(of: 2) { expected = Array(expected[...eos]) }
            XCTAssertEqual(got.tokens, expected, ref.prompt)
            XCTAssertEqual(got.logProbs.count, got.tokens.count)
            XCTAssertTrue(got.logProbs.allSatisfy { $0 <= 0 && $0.isFinite })
        }
    }

    func testGenerationLogProbsEqualTeacherForcedScores() throws {
        let m = try model()
        let prompt = try XCTUnwrap(m.tokenizer).encode("The capital of France is")
        let out = Generator(model: m.model).generate(prompts: [prompt], padID: 2, settings: GenerationSettings(maxNewTokens: 6))[0]
        let scored = m.model.continuationLogProbabilities(prompt: prompt, continuation: out.tokens)
        for (a, b) in zip(out.logProbs, scored) { XCTAssertEqual(a, b, accuracy: 2e-3) }
    }
}
