/// A corpus-level score with its bootstrap 95% interval and the signature of its settings.
public struct MetricResult: Codable, Sendable, Equatable {
    public var name: String
    public var score: Double
    public var ci95: [Double]
    public var signature: String
    /// The reference tool's scale (`0-1`, `0-100`, …), which the score is on.
    public var scale: String
    /// The tool whose numbers the metric equals (absent in results written before it was recorded).
    public var reference: String?

    public init(name: String, score: Double, ci95: [Double], signature: String, scale: String, reference: String? = nil) {
        self.name = name
        self.score = score
        self.ci95 = ci95
        self.signature = signature
        self.scale = scale
        self.reference = reference
    }
}
