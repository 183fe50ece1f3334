/// A probe set's mean NLL per token under the base and the tuned model, and the difference (tuned − base).
public struct ForgettingResult: Codable, Sendable, Equatable {
    public var probe: String
    public var baseNLL: Double
    public var tunedNLL: Double
    public var delta: Double
    public var tokens: Int

    public init(probe: String, baseNLL: Double, tunedNLL: Double, delta: Double, tokens: Int) {
        self.probe = probe
        self.baseNLL = baseNLL
        self.tunedNLL = tunedNLL
        self.delta = delta
        self.tokens = tokens
    }
}
