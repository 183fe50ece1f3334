/// Seeded corpora for the differential tests at scale: thousands of segments mixing ASCII and other scripts,
/// combining marks, emoji sequences, exotic spaces inside segments, glued punctuation, HTML entities, empty
/// hypotheses and references, and a few very long lines; hypotheses are edits of their first reference, so that
/// scores spread over the whole range.
struct AdversarialCorpus {
    var hypotheses: [String] = []
    /// Per segment, 1–`maxReferences` references.
    var references: [[String]] = []

    static let words = ["the", "The", "cheap", "pub", "near", "river", "serves", "Italian", "food", "it", "is", "family", "friendly",
                        "don't", "it's", "x-y", "1,080", "3.5", "£20-25", "U.S.", "e.g.", "naïve", "café", "Straße", "İstanbul", "ǅemal",
                        "STRASSE", "中文", "日本語", "مرحبا", "שלום", "हिन्दी", "ภาษา", "e\u{301}", "é", "Å", "ﬁne", "１２３", "ⅻ",
                        "👩‍💻", "👍🏽", "🇫🇷", "&amp;", "&lt;b&gt;", "<b>", "a_b", "C++", "AT&T", "—", "–", "…", "«", "»", "“", "”"]
    static let punctuation = [",", ".", ";", ":", "!", "?", "(", ")", "'", "\"", "-"]
    static let spaces = [" ", " ", " ", " ", " ", "  ", "\t", "\u{A0}", "\u{2003}", "\u{3000}", "\u{202F}"]

    var state: UInt64

    init(seed: UInt64, segments: Int, maxReferences: Int = 4, spaces useSpaces: Bool = true) {
        state = seed
        for _ in 0..<segments {
            let length = next(200) == 0 ? 1000 + next(2000) : next(20) == 0 ? 0 : 1 + next(30)
            let first = text(length, useSpaces)
            let refs = [first] + (0..<next(maxReferences)).map { _ in next(6) == 0 ? "" : edit(first, useSpaces) }
            references.append(refs)
            hypotheses.append(next(25) == 0 ? "" : edit(first, useSpaces))
        }
    }

    mutating func next(_ n: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % UInt64(n))
    }

    mutating func token() -> String {
        let w = Self.words[next(Self.words.count)]
        switch next(8) {
        case 0: return w + Self.punctuation[next(Self.punctuation.count)]
        case 1: return Self.punctuation[next(Self.punctuation.count)]
        default: return w
        }
    }

    mutating func separator(_ useSpaces: Bool) -> String { useSpaces ? Self.spaces[next(Self.spaces.count)] : " " }

    mutating func text(_ length: Int, _ useSpaces: Bool) -> String {
        var out = ""
        for k in 0..<length {
            if k > 0 { out += separator(useSpaces) }
            out += token()
        }
        return out
    }

    /// Words replaced, dropped, inserted and swapped.
    mutating func edit(_ s: String, _ useSpaces: Bool) -> String {
        var tokens = s.split(separator: " ").map(String.init)
        let edits = next(1 + tokens.count / 3 + 1)
        for _ in 0..<edits {
            switch next(4) {
            case 0 where !tokens.isEmpty: tokens[next(tokens.count)] = token()
            case 1 where !tokens.isEmpty: tokens.remove(at: next(tokens.count))
            case 2: tokens.insert(token(), at: next(tokens.count + 1))
            default:
                if tokens.count > 1 { tokens.swapAt(next(tokens.count), next(tokens.count)) }
            }
        }
        var out = ""
        for (k, t) in tokens.enumerated() {
            if k > 0 { out += separator(useSpaces) }
            out += t
        }
        return out
    }
}
