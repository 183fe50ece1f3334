import Engine
import Methods
import Model
import TestSupport
import Training
import XCTest

final class ParameterCountTests: XCTestCase {
    /// SmolLM2-135M's shape, no weights needed to count.
    static let smol = LlamaConfig(hiddenSize: 576, numHiddenLayers: 30, numAttentionHeads: 9, numKeyValueHeads: 3,
                                  intermediateSize: 1536, vocabSize: 49152, ropeTheta: 100_000, rmsNormEps: 1e-5,
                                  tieWordEmbeddings: true, maxPositionEmbeddings: 8192)

    func count(_ method: String, _ overrides: [String: String] = [:]) throws -> (trainable: Int, total: Int) {
        let m = LlamaModel(config: Self.smol, seed: nil, trainable: false)
        let applied = try MethodRegistry.apply(method, to: m, overrides: overrides)
        XCTAssertEqual(applied.trainable.reduce(0) { $0 + $1.count }, m.trainableParameters.totalCount)
        XCTAssertEqual(m.parameterElementCount - applied.added.reduce(0) { $0 + $1.count }, 134_515_008, "\(method): base elements")
        return (m.trainableParameters.totalCount, m.parameterElementCount)
    }

    /// The figures Hugging Face PEFT's print_trainable_parameters gives for SmolLM2-135M.
    func testCountsEqualHuggingFacePEFT() throws {
        XCTAssertEqual(try count("lora", ["r": "8"]).trainable, 2_442_240)
        XCTAssertEqual(try count("lora", ["r": "8", "target_modules": "q_proj,v_proj"]).trainable, 460_800)
        XCTAssertEqual(try count("dora", ["r": "8"]).trainable, 2_597_760)
        XCTAssertEqual(try count("ia3").trainable, 57_600)
        XCTAssertEqual(try count("qlora", ["r": "8"]).trainable, 2_442_240)
        XCTAssertEqual(try count("prompt", ["num_virtual_tokens": "20"]).trainable, 11_520)
        XCTAssertEqual(try count("prefix", ["num_virtual_tokens": "20"]).trainable, 230_400)
        XCTAssertEqual(try count("prefix", ["num_virtual_tokens": "20", "prefix_projection": "true", "encoder_hidden_size": "128"]).trainable, 1_514_624)
        XCTAssertEqual(try count("ptuning", ["num_virtual_tokens": "20", "encoder_hidden_size": "128"]).trainable, 176_192)
        XCTAssertEqual(try count("vera", ["r": "256"]).trainable, 209_280)
        XCTAssertEqual(try count("adalora", ["init_r": "12"]).trainable, 3_665_880)
        let full = try count("full")
        XCTAssertEqual(full.trainable, 134_515_008)
        XCTAssertEqual(full.total, 134_515_008)
        // LoRA-FA trains B alone: r · Σ out features · layers.
        XCTAssertEqual(try count("lora-fa", ["r": "8"]).trainable, 8 * (576 + 192 + 192 + 576 + 1536 + 1536 + 576) * 30)
    }

    func testBadParametersAreClearErrors() {
        let m = LlamaModel(config: .tiny, seed: 1, trainable: false)
        for (method, overrides, fragment) in [("lora", ["rank": "8"], "unknown parameter 'rank'"), ("lora", ["r": "0"], "r must be"),
                                               ("lora", ["target_modules": "qkv"], "names 'qkv'"), ("nope", [:], "unknown method"),
                                               ("adapter", ["placement": "side"], "placement must be")] {
            XCTAssertThrowsError(try MethodRegistry.apply(method, to: m, overrides: overrides)) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(error)")
            }
        }
    }
}
