/// The five scores of the E2E NLG challenge's `measure_scores.py` (also used for WebNLG), computed as it computes
/// them by default: BLEU and NIST by mteval-v13a on the raw text (`MTEval`); METEOR 1.5, ROUGE-L and CIDEr-D by
/// the COCO caption code on text that Stanford's PTB tokenizer has tokenized and lower-cased and from which
/// punctuation tokens are removed — references tokenized in one batch, hypotheses in another, as the script does.
/// Scales are the script's: BLEU, METEOR and ROUGE-L 0–1, NIST and CIDEr unbounded.
public struct E2EMetrics: Sendable {
    public struct Scores: Codable, Sendable, Equatable {
        public var BLEU: Double
        public var NIST: Double
        public var METEOR: Double
        public var ROUGE_L: Double
        public var CIDEr: Double
        public var signature: String
    }

    /// Per-segment material for bootstrap intervals and per-example scores.
    public struct Segments: Sendable {
        public var mteval: [MTEval.Segment]
        public var meteor: [METEOR.Statistics]
        public var rougeL: [Double]
        public var cider: [Double]
    }

    public static var signature: String {
        "bleu,nist:{\(MTEval().signature)}|coco:{tok:ptb-corenlp-3.4.1+lc+nopunct|meteor:\(METEOR.signature)|rouge-l:\(CaptionROUGEL.signature)|cider:\(CIDEr().signature)}"
    }

    public let meteorResources: METEORResources

    public init(meteorResources: METEORResources) { self.meteorResources = meteorResources }

    /// `references[i]`: segment i's references (any number, at least one).
    public func score(hypotheses: [String], references: [[String]]) throws -> (scores: Scores, segments: Segments) {
        precondition(hypotheses.count == references.count, "one reference set per hypothesis")
        let mteval = MTEval().score(hypotheses: hypotheses, references: references)
        // One tokenizer call for all references (in segment order), one for all hypotheses.
        let tokenizedRefsFlat = PTBTokenizer.captions(references.flatMap { $0 })
        var tokenizedRefs: [[String]] = [], k = 0
        for set in references {
            tokenizedRefs.append(Array(tokenizedRefsFlat[k..<(k + set.count)]))
            k += set.count
        }
        // The METEOR wrapper strips its field separator from hypotheses and halves double spaces.
        let tokenizedHyps = PTBTokenizer.captions(hypotheses)
        let meteorHyps = tokenizedHyps.map { $0.replacingOccurrences(of: "|||", with: "").replacingOccurrences(of: "  ", with: " ") }
        let meteor = try METEOR(resources: meteorResources, texts: meteorHyps + tokenizedRefsFlat)
        let m = meteor.score(hypotheses: meteorHyps, references: tokenizedRefs)
        let rouge = CaptionROUGEL.corpus(hypotheses: tokenizedHyps, references: tokenizedRefs)
        let cider = CIDEr().score(hypotheses: tokenizedHyps, references: tokenizedRefs)
        let scores = Scores(BLEU: mteval.bleu, NIST: mteval.nist, METEOR: m.corpus, ROUGE_L: rouge.corpus, CIDEr: cider.corpus,
                            signature: Self.signature)
        return (scores, Segments(mteval: mteval.segments, meteor: m.statistics, rougeL: rouge.segments, cider: cider.segments))
    }
}
