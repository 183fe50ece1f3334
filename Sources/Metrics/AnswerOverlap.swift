/// Exact match and bag-of-tokens F1 between a predicted answer and gold answers, by the rules of the official
/// CoQA scorer (and SQuAD v1.1's, which differs only in how empty answers score).
///
/// Normalisation: lower-case, delete ASCII punctuation (Python's `string.punctuation`), replace the words a, an
/// and the (`\b(a|an|the)\b`, Unicode word boundaries) by a space, collapse whitespace.
public enum AnswerOverlap {
    public enum Convention: String, Sendable, Codable {
        /// CoQA: two empty answers match (F1 1); with several golds, the average over leave-one-out maxima.
        case coqa
        /// SQuAD v1.1: an empty answer never overlaps; with several golds, the maximum.
        case squad
    }

    public static func normalize(_ s: String) -> String {
        let lowered = s.lowercased()
        var noPunct = String.UnicodeScalarView()
        for c in lowered.unicodeScalars where !isASCIIPunctuation(c) { noPunct.append(c) }
        return PythonText.split(removeArticles(Array(noPunct))).joined(separator: " ")
    }

    @inline(__always) static func isASCIIPunctuation(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return true
        default: return false
        }
    }

    /// Python's `\w` in Unicode mode: letters, digits (any script) and underscore.
    @inline(__always) static func isWordCharacter(_ c: Unicode.Scalar) -> Bool {
        if c == "_" { return true }
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    static func removeArticles(_ s: [Unicode.Scalar]) -> String {
        var out = String.UnicodeScalarView()
        var i = 0
        let articles: [[Unicode.Scalar]] = [["a"], ["a", "n"], ["t", "h", "e"]]
        while i < s.count {
            let boundaryBefore = i == 0 || !isWordCharacter(s[i - 1])
            var matched = 0
            if boundaryBefore {
                for w in articles where i + w.count <= s.count && Array(s[i..<(i + w.count)]) == w {
                    if i + w.count == s.count || !isWordCharacter(s[i + w.count]) { matched = w.count; break }
                }
            }
            if matched > 0 {
                out.append(" ")
                i += matched
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(out)
    }

    public static func exactMatch(_ prediction: String, _ gold: String) -> Double {
        ExactText(normalize(prediction)) == ExactText(normalize(gold)) ? 1 : 0
    }

    public static func f1(_ prediction: String, _ gold: String, convention: Convention = .coqa) -> Double {
        let p = PythonText.split(normalize(prediction)).map(ExactText.init), g = PythonText.split(normalize(gold)).map(ExactText.init)
        if convention == .coqa && (p.isEmpty || g.isEmpty) { return p == g ? 1 : 0 }
        var counts: [ExactText: Int] = [:]
        for t in g { counts[t, default: 0] += 1 }
        var same = 0
        for t in p where counts[t, default: 0] > 0 {
            counts[t]! -= 1
            same += 1
        }
        guard same > 0 else { return 0 }
        let precision = Double(same) / Double(p.count), recall = Double(same) / Double(g.count)
        return 2 * precision * recall / (precision + recall)
    }

    /// (EM, F1) of one prediction against its gold answers, each 0–1.
    public static func score(prediction: String, golds: [String], convention: Convention = .coqa) -> (em: Double, f1: Double) {
        guard !golds.isEmpty else { return (0, 0) }
        switch convention {
        case .squad:
            return (golds.map { exactMatch(prediction, $0) }.max()!, golds.map { f1(prediction, $0, convention: .squad) }.max()!)
        case .coqa:
            guard golds.count > 1 else { return (exactMatch(prediction, golds[0]), f1(prediction, golds[0])) }
            // Each gold answer left out in turn; the best match among the others; averaged.
            var em = 0.0, f = 0.0
            for i in golds.indices {
                let others = golds.enumerated().filter { $0.offset != i }.map(\.element)
                em += others.map { exactMatch(prediction, $0) }.max()!
                f += others.map { f1(prediction, $0) }.max()!
            }
            return (em / Double(golds.count), f / Double(golds.count))
        }
    }
}
