import Engine
import Foundation

/// How the next token is chosen, in the order the reference applies them: temperature, then top-k, then top-p
/// (nucleus), then a draw from what is left. Temperature 0 is greedy (argmax, lowest id on ties).
public struct SamplingSettings: Sendable, Equatable, Codable {
    public var temperature: Float
    public var topK: Int?
    public var topP: Float?
    public var seed: UInt64

    public init(temperature: Float = 0, topK: Int? = nil, topP: Float? = nil, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.seed = seed
    }

    public static let greedy = SamplingSettings()
}

public struct Sampler {
    public let settings: SamplingSettings
    var rng: RandomGenerator

    public init(_ settings: SamplingSettings) {
        self.settings = settings
        rng = RandomGenerator.derived(seed: settings.seed, stream: "sampling")
    }

    /// Picks a token from one row of logits and returns it with its log-probability under the model (the
    /// untempered, untruncated softmax: what calibration needs).
    public mutating func pick(_ logits: UnsafePointer<Float>, vocab: Int) -> (token: Int32, logProb: Float) {
        let logZ = Softmax.logPartition(logits, vocab)
        var chosen = 0
        if settings.temperature <= 0 {
            for i in 1..<vocab where logits[i] > logits[chosen] { chosen = i }
        } else {
            chosen = draw(logits, vocab: vocab)
        }
        return (Int32(chosen), logits[chosen] - logZ)
    }

    mutating func draw(_ logits: UnsafePointer<Float>, vocab: Int) -> Int {
        let t = Double(settings.temperature)
        var order = Array(0..<vocab)
        order.sort { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
        var keep = vocab
        if let k = settings.topK, k > 0 { keep = min(keep, k) }
        let top = Double(logits[order[0]])
        var probs = order.prefix(keep).map { Foundation.exp((Double(logits[$0]) - top) / t) }
        var total = probs.reduce(0, +)
        if let p = settings.topP, p < 1 {
            // Smallest prefix whose mass reaches p; the token that crosses p stays in.
            var cumulative = 0.0
            var cut = probs.count
            for (i, q) in probs.enumerated() {
                cumulative += q / total
                if cumulative >= Double(p) { cut = i + 1; break }
            }
            probs = Array(probs.prefix(max(1, cut)))
            total = probs.reduce(0, +)
        }
        var u = rng.nextUniform() * total
        for (i, q) in probs.enumerated() {
            u -= q
            if u < 0 { return order[i] }
        }
        return order[probs.count - 1]
    }
}
