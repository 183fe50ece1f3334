import Foundation

/// Every metric peftbench computes, each declared once. A name means one thing everywhere: in `score --metric`, in
/// a task definition's `metrics`, in `result.json` and in the report.
public enum MetricRegistry {
    public static let all: [MetricDefinition] = [
        sacrebleu, sentenceBLEU, rougeL, rougeLsum, meteor, meteorNLTK, cider, rougeLCOCO,
        e2eBLEU, e2eNIST, e2eMETEOR, e2eROUGEL, e2eCIDEr,
        coqaEM, coqaF1, squadEM, squadF1, gsm8kStrict, gsm8kFlexible,
    ]

    /// Names that once meant something else, or two things: each is refused with what to write instead.
    static let retired: [String: String] = [
        "bleu": "'bleu' is ambiguous: write sacrebleu (sacreBLEU, 0-100) or e2e-bleu (the E2E script's mteval BLEU, 0-1)",
        "nist": "'nist' is now e2e-nist (mteval-v13a NIST, as the E2E script runs it)",
        "gsm8k-accuracy": "'gsm8k-accuracy' is now gsm8k-strict or gsm8k-flexible",
    ]

    public static func definition(_ name: String) throws -> MetricDefinition {
        if let d = all.first(where: { $0.name == name }) { return d }
        if let hint = retired[name] { throw MetricError(hint) }
        throw MetricError("unknown metric '\(name)' (known: \(all.map(\.name).joined(separator: ", ")))")
    }

    /// Scores of `names` on one corpus, each family computed once.
    public static func compute(_ names: [String], _ input: MetricInput, settings: MetricSettings = MetricSettings(),
                               resources: MetricResources) throws -> [String: MetricScores] {
        var out: [String: MetricScores] = [:]
        for name in names where out[name] == nil {
            let d = try definition(name)
            if let unused = settings.changed.subtracting(d.settings).first {
                throw MetricError("\(name) does not take the \(unused.rawValue) setting")
            }
            if let family = d.family {
                for (member, scores) in try family.compute(input, resources) { out[member] = scores }
            } else if let compute = d.compute {
                out[name] = try compute(input, settings, resources)
            }
        }
        return out
    }

    // MARK: sacreBLEU

    static func bleu(_ s: MetricSettings, effectiveOrder: Bool) -> BLEU {
        BLEU(lowercase: s.lowercase, tokenizer: s.tokenize, smoothing: s.smoothing, smoothValue: s.smoothValue, effectiveOrder: effectiveOrder)
    }

    static let sacrebleu = MetricDefinition(
        name: "sacrebleu", reference: "sacrebleu 2.6.0 corpus_bleu",
        convention: "corpus BLEU from summed statistics (13a, intl or no tokenization; exp, floor, add-k or no smoothing); a segment's score is its sentence BLEU",
        scale: .percent, settings: [.lowercase, .tokenize, .smoothing],
        compute: { input, settings, _ in
            let corpus = bleu(settings, effectiveOrder: false), sentence = bleu(settings, effectiveOrder: true)
            let stats = corpus.segmentStatistics(input.hypotheses.indices.map { (input.hypotheses[$0], input.references[$0]) })
            var flat = SegmentStatistics(width: 2 + 2 * corpus.maxOrder)
            for s in stats { flat.append(s.map(Double.init)) }
            return MetricScores(segments: stats.map { sentence.score($0).score }, statistics: flat,
                                corpusScore: { sums in corpus.score(sums.map { Int($0) }).score }, signature: corpus.signature(nrefs: input.nrefs))
        },
        corpusFromSums: { sums in bleu(MetricSettings(), effectiveOrder: false).score(sums.map { Int($0) }).score })

    static let sentenceBLEU = MetricDefinition(
        name: "sentence-bleu", reference: "sacrebleu 2.6.0 sentence_bleu",
        convention: "sentence BLEU of each segment (effective order), averaged over segments",
        scale: .percent, settings: [.lowercase, .tokenize, .smoothing]
    ) { input, settings, _ in
        let b = bleu(settings, effectiveOrder: true)
        let scores = b.segmentStatistics(input.hypotheses.indices.map { (input.hypotheses[$0], input.references[$0]) }).map { b.score($0).score }
        return MetricScores(means: scores, signature: b.signature(nrefs: input.nrefs))
    }

    // MARK: rouge-score

    static func rouge(_ name: String, summaryLevel: Bool) -> MetricDefinition {
        MetricDefinition(
            name: name, reference: "rouge-score 0.1.2 (Google Research)",
            convention: "\(summaryLevel ? "summary-level (union LCS over newline-split sentences)" : "sentence-level") LCS F-measure, best over references, averaged over segments",
            scale: .unit, settings: [.stem]
        ) { input, settings, _ in
            let scores = ROUGEL.scores(candidates: input.hypotheses, references: input.references, summaryLevel: summaryLevel, stem: settings.stem)
            return MetricScores(means: scores.map(\.fmeasure), signature: "nrefs:\(input.nrefs)|" + ROUGEL.signature(stem: settings.stem))
        }
    }

    static let rougeL = rouge("rouge-l", summaryLevel: false)
    static let rougeLsum = rouge("rouge-lsum", summaryLevel: true)

    // MARK: METEOR

    static let meteor = MetricDefinition(
        name: "meteor", reference: "meteor-1.5.jar -l en -norm",
        convention: "METEOR 1.5 on the text as given (its own normalizer), best reference per segment, corpus score from summed statistics",
        scale: .unit, resources: [.meteor],
        compute: { input, _, resources in
            let m = try METEOR(resources: try resources.require(resources.meteor, .meteor), texts: input.hypotheses + input.references.flatMap { $0 })
            return meteorScores(m.score(hypotheses: input.hypotheses, references: input.references).statistics,
                                signature: "nrefs:\(input.nrefs)|" + METEOR.signature)
        },
        corpusFromSums: meteorCorpus)

    static let meteorCorpus: CorpusScore = { METEOR.Statistics(row: $0).score }

    static func meteorScores(_ stats: [METEOR.Statistics], signature: String) -> MetricScores {
        var flat = SegmentStatistics(width: METEOR.Statistics.width)
        for s in stats { flat.append(s.row) }
        return MetricScores(segments: stats.map(\.score), statistics: flat, corpusScore: meteorCorpus, signature: signature)
    }

    static let meteorNLTK = MetricDefinition(
        name: "meteor-nltk", reference: "nltk 3.10 meteor_score (WordNet 3.0)",
        convention: "nltk's METEOR on whitespace tokens (exact, Porter stems, WordNet synonyms), averaged over segments",
        scale: .unit, resources: [.wordnet]
    ) { input, _, resources in
        let result = METEORNLTK(wordnet: try resources.require(resources.wordnet, .wordnet)).corpus(hypotheses: input.hypotheses, references: input.references)
        return MetricScores(means: result.segments, signature: "nrefs:\(input.nrefs)|" + METEORNLTK.signature)
    }

    // MARK: COCO caption metrics on tokenized text

    static func folded(_ input: MetricInput, _ settings: MetricSettings) -> MetricInput {
        let fold: (String) -> String = { settings.lowercase ? $0.lowercased() : $0 }
        return MetricInput(hypotheses: input.hypotheses.map(fold), references: input.references.map { $0.map(fold).filter { !$0.isEmpty } })
    }

    static let cider = MetricDefinition(
        name: "cider", reference: "pycocoevalcap 1.2 Cider (CIDEr-D)",
        convention: "CIDEr-D on whitespace-tokenized text: TF-IDF 1-4-grams over the corpus' reference sets, clipping, Gaussian length penalty, x10, mean over segments",
        scale: .cider, settings: [.lowercase]
    ) { input, settings, _ in
        let c = CIDEr(), text = folded(input, settings)
        return MetricScores(means: c.score(hypotheses: text.hypotheses, references: text.references).segments,
                            signature: "nrefs:\(input.nrefs)|" + c.signature + (settings.lowercase ? "|case:lc" : ""))
    }

    static let rougeLCOCO = MetricDefinition(
        name: "rouge-l-coco", reference: "pycocoevalcap 1.2 Rouge",
        convention: "ROUGE-L on space-split tokens: best precision and best recall over references, beta 1.2, mean over segments",
        scale: .unit, settings: [.lowercase]
    ) { input, settings, _ in
        let text = folded(input, settings)
        return MetricScores(means: CaptionROUGEL.corpus(hypotheses: text.hypotheses, references: text.references).segments,
                            signature: "nrefs:\(input.nrefs)|" + CaptionROUGEL.signature + (settings.lowercase ? "|case:lc" : ""))
    }

    // MARK: the E2E challenge's measure_scores.py

    /// BLEU and NIST by mteval-v13a on the raw text; METEOR, ROUGE-L and CIDEr by the COCO code after PTB
    /// tokenization; hypotheses stripped, as the script reads them.
    static let e2eFamily = MetricFamily(name: "e2e") { input, resources in
        let hyps = input.hypotheses.map { $0.trimmingCharacters(in: .whitespaces) }
        let (_, s) = try E2EMetrics(meteorResources: try resources.require(resources.meteor, .meteor)).score(hypotheses: hyps, references: input.references)
        var mteval = SegmentStatistics(width: MTEval.Segment.width)
        for segment in s.mteval { mteval.append(segment.row) }
        let tokenized = "nrefs:\(input.nrefs)|tok:ptb-corenlp-3.4.1+lc+nopunct|"
        return [
            "e2e-bleu": MetricScores(segments: s.mteval.map(MTEval.bleu), statistics: mteval, corpusScore: mtevalBLEU,
                                     signature: "nrefs:\(input.nrefs)|" + MTEval().signature),
            "e2e-nist": MetricScores(segments: s.mteval.map(MTEval.nist), statistics: mteval, corpusScore: mtevalNIST,
                                     signature: "nrefs:\(input.nrefs)|" + MTEval().signature),
            "e2e-meteor": meteorScores(s.meteor, signature: tokenized + METEOR.signature),
            "e2e-rouge-l": MetricScores(means: s.rougeL, signature: tokenized + CaptionROUGEL.signature),
            "e2e-cider": MetricScores(means: s.cider, signature: tokenized + CIDEr().signature),
        ]
    }

    static let mtevalBLEU: CorpusScore = { MTEval.bleu(MTEval.Segment(row: $0)) }
    static let mtevalNIST: CorpusScore = { MTEval.nist(MTEval.Segment(row: $0)) }

    static func e2eMember(_ name: String, tool: String, scale: MetricScale, convention: String,
                          corpusFromSums: @escaping CorpusScore = meanOfSegments) -> MetricDefinition {
        MetricDefinition(name: name, reference: "E2E NLG measure_scores.py (\(tool))", convention: convention, scale: scale,
                         resources: [.meteor], family: e2eFamily, corpusFromSums: corpusFromSums)
    }

    static let e2eBLEU = e2eMember(
        "e2e-bleu", tool: "mteval-v13a-sig.pl BLEU", scale: .unit,
        convention: "mteval-v13a BLEU on raw text: its tokenization, A-Z lower-cased, closest reference length, the script's smoothing",
        corpusFromSums: mtevalBLEU)
    static let e2eNIST = e2eMember(
        "e2e-nist", tool: "mteval-v13a-sig.pl NIST", scale: .unbounded,
        convention: "mteval-v13a NIST on raw text: 5-grams, information weights over all references, length penalty against words per non-empty reference",
        corpusFromSums: mtevalNIST)
    static let e2eMETEOR = e2eMember(
        "e2e-meteor", tool: "pycocoevalcap Meteor: meteor-1.5.jar", scale: .unit,
        convention: "METEOR 1.5 after Stanford PTB tokenization (lower-cased, punctuation dropped), corpus score from summed statistics",
        corpusFromSums: meteorCorpus)
    static let e2eROUGEL = e2eMember(
        "e2e-rouge-l", tool: "pycocoevalcap Rouge", scale: .unit,
        convention: "COCO ROUGE-L (beta 1.2) after Stanford PTB tokenization, mean over segments")
    static let e2eCIDEr = e2eMember(
        "e2e-cider", tool: "pycocoevalcap Cider", scale: .cider, convention: "CIDEr-D after Stanford PTB tokenization, mean over segments")

    // MARK: answers

    static func answerOverlap(_ name: String, _ convention: AnswerOverlap.Convention, exact: Bool, reference: String) -> MetricDefinition {
        MetricDefinition(
            name: name, reference: reference,
            convention: "\(exact ? "exact match" : "bag-of-tokens F1") after lower-casing and removing punctuation and articles, \(convention == .coqa ? "leave-one-out over several golds" : "best gold"), x100, mean over answers",
            scale: .percent
        ) { input, _, _ in
            let scores = input.hypotheses.indices.map { i -> Double in
                let s = AnswerOverlap.score(prediction: input.hypotheses[i], golds: input.references[i], convention: convention)
                return 100 * (exact ? s.em : s.f1)
            }
            return MetricScores(means: scores,
                                signature: "nrefs:\(input.nrefs)|norm:lower+punct+articles|conv:\(convention.rawValue)|version:peftbench-1")
        }
    }

    static let coqaEM = answerOverlap("em", .coqa, exact: true, reference: "CoQA official evaluate-v1.0.py")
    static let coqaF1 = answerOverlap("f1", .coqa, exact: false, reference: "CoQA official evaluate-v1.0.py")
    static let squadEM = answerOverlap("squad-em", .squad, exact: true, reference: "SQuAD v1.1 evaluate-v1.1.py")
    static let squadF1 = answerOverlap("squad-f1", .squad, exact: false, reference: "SQuAD v1.1 evaluate-v1.1.py")

    static func gsm8k(_ mode: GSM8KAccuracy.Extraction) -> MetricDefinition {
        let name = "gsm8k-\(mode.rawValue)"
        return MetricDefinition(
            name: name, reference: "lm-evaluation-harness gsm8k (\(mode == .strict ? "strict-match" : "flexible-extract"))",
            convention: "\(mode == .strict ? "the number after '#### '" : "the last number in the output") compared numerically with the reference's final answer, x100",
            scale: .percent
        ) { input, _, _ in
            let scores = try input.hypotheses.indices.map { i -> Double in
                guard input.references[i].count == 1 else { throw MetricError("\(name) takes one reference per segment; segment \(i + 1) has \(input.references[i].count)") }
                return GSM8KAccuracy.judge(output: input.hypotheses[i], reference: input.references[i][0], mode: mode).correct ? 100 : 0
            }
            return MetricScores(means: scores, signature: "extract:\(mode.rawValue)|compare:numeric|version:peftbench-1")
        }
    }

    static let gsm8kStrict = gsm8k(.strict)
    static let gsm8kFlexible = gsm8k(.flexible)
}
