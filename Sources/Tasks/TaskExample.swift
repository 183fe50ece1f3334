/// One example of a task, the same shape for every format: named text fields a prompt template fills in, and the
/// references it is scored against (empty when the file has none: prediction only).
public struct TaskExample: Sendable, Equatable, Codable {
    /// Stable within its file: the E2E MR's position, a WebNLG `eid` with its category, a GSM8K line, a CoQA
    /// story id with its turn.
    public var id: String
    public var fields: [String: String]
    public var references: [String]
    /// What the example belongs to for per-group scores: the CoQA domain (`source`), the WebNLG category.
    public var group: String?

    public init(id: String, fields: [String: String], references: [String], group: String? = nil) {
        self.id = id
        self.fields = fields
        self.references = references
        self.group = group
    }
}

/// The examples of one split as loaded from a file or folder, with what the loader counted on the way.
public struct LoadedSplit: Sendable {
    public var examples: [TaskExample]
    /// Format-specific counts for `tasks inspect` (`rows`, `triples`, `stories`, …); `examples` and
    /// `references` are always present.
    public var counts: [String: Int]

    public init(examples: [TaskExample], counts: [String: Int] = [:]) {
        self.examples = examples
        var all = counts
        all["examples"] = examples.count
        all["references"] = examples.reduce(0) { $0 + $1.references.count }
        self.counts = all
    }
}
