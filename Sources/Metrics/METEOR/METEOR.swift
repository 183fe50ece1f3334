import Foundation

/// METEOR 1.5 (Denkowski & Lavie, 2014) as `meteor-1.5.jar - - -stdio -l en -norm` computes it — the METEOR of
/// the COCO caption evaluation and so of the E2E and WebNLG scripts: English normalization and lower-casing; exact,
/// stem, synonym and paraphrase matches (module weights 1.0, 0.6, 0.8, 0.6); α 0.85, β 0.20, γ 0.60, δ 0.75
/// (function words weighted 1 − δ); the best-scoring reference per segment; and the corpus score computed from the
/// summed statistics of the segments, not averaged.
public struct METEOR: Sendable {
    public static let alpha = 0.85, beta = 0.20, gamma = 0.60, delta = 0.75
    public static let moduleWeights = [1.0, 0.6, 0.8, 0.6]
    public static let signature = "lang:en|norm:yes|modules:exact,stem,synonym,paraphrase|weights:1.0,0.6,0.8,0.6|params:0.85,0.20,0.60,0.75|version:meteor-1.5-peftbench-1"

    /// The sufficient statistics of one segment (or, summed, of a corpus).
    public struct Statistics: Sendable, Equatable {
        public var testLength = 0.0, referenceLength = 0.0
        public var testFunctionWords = 0.0, referenceFunctionWords = 0.0
        public var testContent = [0.0, 0, 0, 0], referenceContent = [0.0, 0, 0, 0]
        public var testFunction = [0.0, 0, 0, 0], referenceFunction = [0.0, 0, 0, 0]
        public var chunks = 0.0
        public var testWordMatches = 0.0, referenceWordMatches = 0.0

        public init() {}

        var testTotalMatches: Double { testContent.reduce(0, +) + testFunction.reduce(0, +) }
        var referenceTotalMatches: Double { referenceContent.reduce(0, +) + referenceFunction.reduce(0, +) }
        /// Every word of both lines matched, in one chunk.
        var isPerfect: Bool { testTotalMatches == testLength && referenceTotalMatches == referenceLength && chunks == 1 }

        /// The reference's aggregation: everything summed, except that a perfect segment's chunk is not counted.
        public mutating func add(_ o: Statistics) {
            testLength += o.testLength; referenceLength += o.referenceLength
            testFunctionWords += o.testFunctionWords; referenceFunctionWords += o.referenceFunctionWords
            for k in 0..<4 {
                testContent[k] += o.testContent[k]; referenceContent[k] += o.referenceContent[k]
                testFunction[k] += o.testFunction[k]; referenceFunction[k] += o.referenceFunction[k]
            }
            if !o.isPerfect { chunks += o.chunks }
            testWordMatches += o.testWordMatches; referenceWordMatches += o.referenceWordMatches
        }

        /// The statistics as one flat row (`SegmentStatistics`) whose column sums are what `add` accumulates: a
        /// perfect segment's chunk is left out of its row.
        public static let width = 23

        public var row: [Double] {
            [testLength, referenceLength, testFunctionWords, referenceFunctionWords] + testContent + referenceContent
                + testFunction + referenceFunction + [isPerfect ? 0 : chunks, testWordMatches, referenceWordMatches]
        }

        public init(row r: UnsafeBufferPointer<Double>) {
            testLength = r[0]; referenceLength = r[1]; testFunctionWords = r[2]; referenceFunctionWords = r[3]
            testContent = Array(r[4..<8]); referenceContent = Array(r[8..<12])
            testFunction = Array(r[12..<16]); referenceFunction = Array(r[16..<20])
            chunks = r[20]; testWordMatches = r[21]; referenceWordMatches = r[22]
        }

        /// The score these statistics give.
        public var score: Double {
            let d = METEOR.delta
            let testWeightedLength = d * (testLength - testFunctionWords) + (1 - d) * testFunctionWords
            let referenceWeightedLength = d * (referenceLength - referenceFunctionWords) + (1 - d) * referenceFunctionWords
            var testWeighted = 0.0, referenceWeighted = 0.0
            for k in 0..<4 {
                testWeighted += testContent[k] * METEOR.moduleWeights[k] * d
                referenceWeighted += referenceContent[k] * METEOR.moduleWeights[k] * d
            }
            for k in 0..<4 {
                testWeighted += testFunction[k] * METEOR.moduleWeights[k] * (1 - d)
                referenceWeighted += referenceFunction[k] * METEOR.moduleWeights[k] * (1 - d)
            }
            let precision = testWeighted / testWeightedLength
            let recall = referenceWeighted / referenceWeightedLength
            let fMean = 1 / ((1 - METEOR.alpha) / precision + METEOR.alpha / recall)
            let fragmentation = isPerfect ? 0 : chunks / ((testWordMatches + referenceWordMatches) / 2)
            let score = fMean * (1 - METEOR.gamma * Foundation.pow(fragmentation, METEOR.beta))
            return score.isNaN ? 0 : max(score, 0)
        }
    }

    let resources: METEORResources
    let aligner: METEORAligner

    /// Loads the resources and the paraphrases the given texts can use (the table is large; only phrases made of
    /// the corpus's words can match, so only those are kept).
    public init(resources: METEORResources, texts: [String]) throws {
        var vocabulary = Set<String>()
        for t in texts { for w in METEOR.words(t, resources: resources) { vocabulary.insert(w) } }
        self.resources = resources
        aligner = METEORAligner(resources: resources, paraphrases: try resources.paraphrases(for: vocabulary))
    }

    /// A line as METEOR compares it: normalized, lower-cased (Java's rules), split on whitespace.
    static func words(_ line: String, resources: METEORResources) -> [String] {
        let trimmed = line.trimmingCharacters(in: CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(0x20)))
        return METEORNormalizer.normalize(trimmed, prefixes: resources.prefixes).lowercased()
            .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" }).map(String.init)
    }

    /// Statistics of a hypothesis against its best reference.
    public func statistics(hypothesis: String, references: [String]) -> Statistics {
        let test = Self.words(hypothesis, resources: resources)
        var best = Statistics(), bestScore = -1.0
        for reference in references {
            let s = statistics(test, Self.words(reference, resources: resources))
            let score = s.score
            if score > bestScore { best = s; bestScore = score }
        }
        return best
    }

    func statistics(_ test: [String], _ reference: [String]) -> Statistics {
        let a = aligner.align(test, reference, stems: SnowballEnglishStemmer.stem)
        var s = Statistics()
        s.testLength = Double(test.count)
        s.referenceLength = Double(reference.count)
        s.testFunctionWords = Double(a.functionWords1)
        s.referenceFunctionWords = Double(a.functionWords2)
        s.testContent = a.content1.map(Double.init)
        s.referenceContent = a.content2.map(Double.init)
        s.testFunction = a.function1.map(Double.init)
        s.referenceFunction = a.function2.map(Double.init)
        s.chunks = Double(a.chunks)
        s.testWordMatches = Double(a.content1.reduce(0, +) + a.function1.reduce(0, +))
        s.referenceWordMatches = Double(a.content2.reduce(0, +) + a.function2.reduce(0, +))
        return s
    }

    /// Corpus and per-segment scores.
    public func score(hypotheses: [String], references: [[String]]) -> (corpus: Double, segments: [Double], statistics: [Statistics]) {
        precondition(hypotheses.count == references.count, "one reference set per hypothesis")
        // Resources and paraphrases are read-only, so segments align on all cores.
        let stats = SegmentParallel.map(hypotheses.count, minimumPerThread: 16, make: {}) { i, _ in
            statistics(hypothesis: hypotheses[i], references: references[i])
        }
        return (Self.corpus(stats), stats.map(\.score), stats)
    }

    public static func corpus(_ stats: [Statistics]) -> Double {
        var total = Statistics()
        for s in stats { total.add(s) }
        return total.score
    }
}
