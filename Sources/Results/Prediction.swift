import Foundation

/// One evaluated example: what the model was asked, what it said, with the log-probability of each generated
/// token (the answer's confidence is the probability of the whole generated answer).
public struct Prediction: Codable, Sendable, Equatable {
    public var id: String
    public var group: String?
    public var prompt: String
    public var prediction: String
    public var references: [String]
    public var finish: String
    public var logProbs: [Float]
    public var promptTruncated: Bool
    /// Per-example scores, filled by the task's scorer.
    public var scores: [String: Double] = [:]
    /// What was extracted from the output, where a metric extracts (GSM8K's number).
    public var extracted: [String: String] = [:]

    public var confidence: Double { exp(logProbs.reduce(0.0) { $0 + Double($1) }) }

    enum CodingKeys: String, CodingKey {
        case id, group, prompt, prediction, references, finish, scores, extracted, confidence
        case logProbs = "log_probs", promptTruncated = "prompt_truncated"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(group, forKey: .group)
        try c.encode(prompt, forKey: .prompt)
        try c.encode(prediction, forKey: .prediction)
        try c.encode(references, forKey: .references)
        try c.encode(finish, forKey: .finish)
        try c.encode(scores, forKey: .scores)
        if !extracted.isEmpty { try c.encode(extracted, forKey: .extracted) }
        try c.encode(confidence, forKey: .confidence)
        try c.encode(logProbs, forKey: .logProbs)
        try c.encode(promptTruncated, forKey: .promptTruncated)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        group = try c.decodeIfPresent(String.self, forKey: .group)
        prompt = try c.decode(String.self, forKey: .prompt)
        prediction = try c.decode(String.self, forKey: .prediction)
        references = try c.decode([String].self, forKey: .references)
        finish = try c.decode(String.self, forKey: .finish)
        logProbs = try c.decode([Float].self, forKey: .logProbs)
        promptTruncated = try c.decode(Bool.self, forKey: .promptTruncated)
        scores = try c.decodeIfPresent([String: Double].self, forKey: .scores) ?? [:]
        extracted = try c.decodeIfPresent([String: String].self, forKey: .extracted) ?? [:]
    }

    public init(id: String, group: String?, prompt: String, prediction: String, references: [String], finish: String,
         logProbs: [Float], promptTruncated: Bool) {
        self.id = id
        self.group = group
        self.prompt = prompt
        self.prediction = prediction
        self.references = references
        self.finish = finish
        self.logProbs = logProbs
        self.promptTruncated = promptTruncated
    }
}
