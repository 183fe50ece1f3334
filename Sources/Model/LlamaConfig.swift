import Foundation

/// The shape of a LLaMA-family decoder, with Hugging Face `config.json` field names.
public struct LlamaConfig: Codable, Sendable, Equatable {
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int
    public var intermediateSize: Int
    public var vocabSize: Int
    public var ropeTheta: Double
    public var rmsNormEps: Float
    public var tieWordEmbeddings: Bool
    public var maxPositionEmbeddings: Int
    /// Standard deviation of the normal initialisation of linears and embeddings (HF `initializer_range`).
    public var initializerRange: Float
    /// Biases on q, k, v and o (HF `attention_bias`), and on gate, up and down (`mlp_bias`): a checkpoint with a
    /// bias-tuned update folded in carries them.
    public var attentionBias = false
    public var mlpBias = false

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case numKeyValueHeads = "num_key_value_heads"
        case intermediateSize = "intermediate_size"
        case vocabSize = "vocab_size"
        case ropeTheta = "rope_theta"
        case rmsNormEps = "rms_norm_eps"
        case tieWordEmbeddings = "tie_word_embeddings"
        case maxPositionEmbeddings = "max_position_embeddings"
        case initializerRange = "initializer_range"
        case attentionBias = "attention_bias"
        case mlpBias = "mlp_bias"
    }

    public init(
        hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int, numKeyValueHeads: Int, intermediateSize: Int,
        vocabSize: Int, ropeTheta: Double = 10_000, rmsNormEps: Float = 1e-5, tieWordEmbeddings: Bool = true,
        maxPositionEmbeddings: Int = 2048, initializerRange: Float = 0.02
    ) {
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.numKeyValueHeads = numKeyValueHeads
        self.intermediateSize = intermediateSize
        self.vocabSize = vocabSize
        self.ropeTheta = ropeTheta
        self.rmsNormEps = rmsNormEps
        self.tieWordEmbeddings = tieWordEmbeddings
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.initializerRange = initializerRange
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let heads = try c.decode(Int.self, forKey: .numAttentionHeads)
        self.init(
            hiddenSize: try c.decode(Int.self, forKey: .hiddenSize),
            numHiddenLayers: try c.decode(Int.self, forKey: .numHiddenLayers),
            numAttentionHeads: heads,
            // HF: a missing num_key_value_heads means plain multi-head attention.
            numKeyValueHeads: try c.decodeIfPresent(Int.self, forKey: .numKeyValueHeads) ?? heads,
            intermediateSize: try c.decode(Int.self, forKey: .intermediateSize),
            vocabSize: try c.decode(Int.self, forKey: .vocabSize),
            ropeTheta: try c.decodeIfPresent(Double.self, forKey: .ropeTheta) ?? 10_000,
            rmsNormEps: try c.decodeIfPresent(Float.self, forKey: .rmsNormEps) ?? 1e-6,
            tieWordEmbeddings: try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) ?? false,
            maxPositionEmbeddings: try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 2048,
            initializerRange: try c.decodeIfPresent(Float.self, forKey: .initializerRange) ?? 0.02)
        attentionBias = try c.decodeIfPresent(Bool.self, forKey: .attentionBias) ?? false
        mlpBias = try c.decodeIfPresent(Bool.self, forKey: .mlpBias) ?? false
        try validate()
    }

    public var headDim: Int { hiddenSize / numAttentionHeads }
    public var kvDim: Int { numKeyValueHeads * headDim }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public func validate() throws {
        func require(_ ok: Bool, _ message: String) throws { if !ok { throw Invalid(description: "invalid model config: \(message)") } }
        try require(hiddenSize > 0 && numHiddenLayers > 0 && intermediateSize > 0 && vocabSize > 0,
                    "sizes must be positive")
        try require(numAttentionHeads > 0 && hiddenSize % numAttentionHeads == 0,
                    "hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(numAttentionHeads)")
        try require(numKeyValueHeads > 0 && numAttentionHeads % numKeyValueHeads == 0,
                    "num_attention_heads \(numAttentionHeads) is not a multiple of num_key_value_heads \(numKeyValueHeads)")
        try require(headDim % 2 == 0, "head dimension \(headDim) must be even for rotary embeddings")
        try require(ropeTheta > 0 && rmsNormEps > 0 && maxPositionEmbeddings > 0,
                    "rope_theta, rms_norm_eps and max_position_embeddings must be positive")
        // Far beyond any model a CPU trains, and small enough that the parameter count cannot overflow: a file's
        // numbers are checked against its tensors before anything is allocated.
        try require(hiddenSize <= 1 << 20 && intermediateSize <= 1 << 22 && numHiddenLayers <= 1 << 12 && vocabSize <= 1 << 24
                    && maxPositionEmbeddings <= 1 << 24, "sizes beyond any supported model")
    }

    /// A small random model for tests and `--model tiny`: every code path of the real one (grouped-query heads,
    /// tied embeddings) at sizes a finite-difference check can afford.
    public static let tiny = LlamaConfig(
        hiddenSize: 64, numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2, intermediateSize: 128,
        vocabSize: 96, ropeTheta: 10_000, rmsNormEps: 1e-5, tieWordEmbeddings: true, maxPositionEmbeddings: 512)

    /// Decoder parameter count implied by the config.
    public var parameterCount: Int {
        let attention = hiddenSize * hiddenSize * 2 + hiddenSize * kvDim * 2
        let mlp = 3 * hiddenSize * intermediateSize
        let perLayer = attention + mlp + 2 * hiddenSize
        let embeddings = vocabSize * hiddenSize * (tieWordEmbeddings ? 1 : 2)
        return numHiddenLayers * perLayer + embeddings + hiddenSize
    }
}
