/// The scale a metric's reference tool prints it on; scores are always reported on it.
public enum MetricScale: String, Sendable, Codable {
    case unit = "0-1", percent = "0-100", cider = "0-10", unbounded = "0-∞"
}

/// Settings a caller may change, each meaningful for some metrics only (`MetricDefinition.settings`).
public enum MetricSetting: String, Sendable, CaseIterable {
    case lowercase, stem, tokenize, smoothing
}

public struct MetricSettings: Sendable, Equatable {
    public var lowercase = false
    public var stem = false
    public var tokenize: BLEUTokenizer = .thirteenA
    public var smoothing: BLEU.Smoothing = .exp
    public var smoothValue: Double?

    public init() {}

    /// The settings that differ from the defaults.
    public var changed: Set<MetricSetting> {
        var out = Set<MetricSetting>()
        if lowercase { out.insert(.lowercase) }
        if stem { out.insert(.stem) }
        if tokenize != .thirteenA { out.insert(.tokenize) }
        if smoothing != .exp || smoothValue != nil { out.insert(.smoothing) }
        return out
    }
}

/// Hypotheses and, per hypothesis, its references (any number; empty strings are absent references).
public struct MetricInput: Sendable {
    public var hypotheses: [String]
    public var references: [[String]]

    public init(hypotheses: [String], references: [[String]]) {
        precondition(hypotheses.count == references.count, "one reference set per hypothesis")
        self.hypotheses = hypotheses
        self.references = references
    }

    /// References per segment as sacrebleu's signatures print it: the count, or `var`.
    public var nrefs: String {
        let counts = Set(references.map(\.count))
        return counts.count == 1 ? String(counts.first!) : "var"
    }
}

/// What a metric computed on a corpus: the corpus score, each segment's score, and the flat sufficient statistics
/// that the corpus score (and every bootstrap resample of it) is computed from.
public struct MetricScores: Sendable {
    public var corpus: Double
    public var segments: [Double]
    public var statistics: SegmentStatistics
    public var corpusScore: CorpusScore
    public var signature: String

    public init(segments: [Double], statistics: SegmentStatistics, corpusScore: @escaping CorpusScore, signature: String) {
        self.segments = segments
        self.statistics = statistics
        self.corpusScore = corpusScore
        self.signature = signature
        corpus = statistics.corpus(corpusScore)
    }

    /// A metric whose corpus score is the mean of its segment scores.
    public init(means: [Double], signature: String) {
        self.init(segments: means, statistics: SegmentStatistics(means: means), corpusScore: meanOfSegments, signature: signature)
    }
}

/// One metric, declared once: its unambiguous name, the reference tool and convention it equals, its scale and
/// direction, the settings it takes, the resources it reads, and how it scores a corpus. `score`, task
/// definitions, runs and reports all read it from `MetricRegistry`.
public struct MetricDefinition: Sendable {
    public let name: String
    /// The tool whose numbers this metric reproduces (what its parity tests compare with).
    public let reference: String
    /// What it computes, in a sentence.
    public let convention: String
    public let scale: MetricScale
    public let higherIsBetter: Bool
    public let settings: Set<MetricSetting>
    public let resources: Set<MetricResources.Kind>
    /// The corpus score (with the default settings) from the column sums of its segment statistics: what scores over
    /// seeds, resamples and shuffles of stored statistics are computed with.
    public let corpusFromSums: CorpusScore
    /// Metrics of one family are computed together (one tokenization, one alignment), by the family.
    let family: MetricFamily?
    let compute: (@Sendable (MetricInput, MetricSettings, MetricResources) throws -> MetricScores)?

    init(name: String, reference: String, convention: String, scale: MetricScale, higherIsBetter: Bool = true,
         settings: Set<MetricSetting> = [], resources: Set<MetricResources.Kind> = [], family: MetricFamily? = nil,
         compute: (@Sendable (MetricInput, MetricSettings, MetricResources) throws -> MetricScores)? = nil,
         corpusFromSums: @escaping CorpusScore = meanOfSegments) {
        precondition((family == nil) != (compute == nil), "a metric is computed by itself or by its family")
        self.name = name
        self.reference = reference
        self.convention = convention
        self.scale = scale
        self.higherIsBetter = higherIsBetter
        self.settings = settings
        self.resources = resources
        self.corpusFromSums = corpusFromSums
        self.family = family
        self.compute = compute
    }
}

/// Metrics that share their expensive steps and are computed in one pass.
struct MetricFamily: Sendable {
    let name: String
    let compute: @Sendable (MetricInput, MetricResources) throws -> [String: MetricScores]
}

/// What some metrics read from disk, loaded once before scoring (and, in a run, before training).
public struct MetricResources: Sendable {
    public enum Kind: String, Sendable { case meteor, wordnet }

    public var meteor: METEORResources?
    public var wordnet: WordNet?

    public init(meteor: METEORResources? = nil, wordnet: WordNet? = nil) {
        self.meteor = meteor
        self.wordnet = wordnet
    }

    /// Loads what `definitions` need; a missing resource is an error naming its folder and how to get it.
    public static func load(for definitions: [MetricDefinition]) throws -> MetricResources {
        let kinds = Set(definitions.flatMap(\.resources))
        return MetricResources(meteor: kinds.contains(.meteor) ? try METEORResources() : nil,
                               wordnet: kinds.contains(.wordnet) ? try WordNet() : nil)
    }

    func require<T>(_ value: T?, _ kind: Kind) throws -> T {
        guard let value else { throw MetricError("\(kind.rawValue) resources were not loaded") }
        return value
    }
}

/// A metric that cannot be computed as asked: an unknown name, a setting it does not take, input it cannot score.
public struct MetricError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
