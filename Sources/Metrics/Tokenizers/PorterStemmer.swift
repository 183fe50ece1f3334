/// The Porter stemmer as NLTK runs it by default (`PorterStemmer()`, its "NLTK extensions" mode), which is what
/// rouge-score's `use_stemmer=True` calls: Porter's five steps with NLTK's changes — a pool of irregular forms,
/// words of two letters or fewer left alone, `ies`/`ied` on four-letter words to `ie`, the `y` → `i` rule only after a
/// consonant that is not the first letter, `bli` → `ble`, the `alli`, `fulli` and `logi` rules, and a two-letter
/// vowel–consonant stem counting as cvc.
public enum PorterStemmer {
    typealias Word = [Unicode.Scalar]

    static let pool: [String: String] = [
        "sky": "sky", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie", "news": "news",
        "innings": "inning", "inning": "inning", "outings": "outing", "outing": "outing", "cannings": "canning",
        "canning": "canning", "howe": "howe", "proceed": "proceed", "exceed": "exceed", "succeed": "succeed",
    ]

    public static func stem(_ word: String) -> String {
        let lower = word.lowercased()
        if let irregular = pool[lower] { return irregular }
        if word.count <= 2 { return lower }
        var w = Array(lower.unicodeScalars)
        w = step1a(w); w = step1b(w); w = step1c(w); w = step2(w); w = step3(w); w = step4(w); w = step5a(w); w = step5b(w)
        var s = String.UnicodeScalarView()
        s.append(contentsOf: w)
        return String(s)
    }

    static func isVowel(_ c: Unicode.Scalar) -> Bool { c == "a" || c == "e" || c == "i" || c == "o" || c == "u" }

    /// Consonant test at one position; a run of `y`s alternates, decided by what precedes the run.
    static func isConsonant(_ w: Word, _ index: Int) -> Bool {
        if isVowel(w[index]) { return false }
        guard w[index] == "y" else { return true }
        var i = index, negate = false
        while i > 0 && w[i] == "y" {
            negate.toggle()
            i -= 1
        }
        return !isVowel(w[i]) != negate
    }

    /// Porter's m: the number of vowel-run → consonant-run transitions, with the left-to-right `y` flags.
    static func measure(_ w: some Collection<Unicode.Scalar>) -> Int {
        var count = 0, previousVowel = false, previousFlag = false, first = true
        for c in w {
            let consonant: Bool
            if isVowel(c) { consonant = false } else if c == "y" { consonant = first ? true : !previousFlag } else { consonant = true }
            if consonant && previousVowel { count += 1 }
            previousVowel = !consonant
            previousFlag = consonant
            first = false
        }
        return count
    }

    static func containsVowel(_ w: some Collection<Unicode.Scalar>) -> Bool {
        var previousFlag = false, first = true
        for c in w {
            let consonant: Bool
            if isVowel(c) { consonant = false } else if c == "y" { consonant = first ? true : !previousFlag } else { consonant = true }
            if !consonant { return true }
            previousFlag = consonant
            first = false
        }
        return false
    }

    static func endsDoubleConsonant(_ w: Word) -> Bool {
        w.count >= 2 && w[w.count - 1] == w[w.count - 2] && isConsonant(w, w.count - 1)
    }

    static func endsCVC(_ w: Word) -> Bool {
        let n = w.count
        if n >= 3 && isConsonant(w, n - 3) && !isConsonant(w, n - 2) && isConsonant(w, n - 1)
            && w[n - 1] != "w" && w[n - 1] != "x" && w[n - 1] != "y" { return true }
        return n == 2 && !isConsonant(w, 0) && isConsonant(w, 1)
    }

    static func ends(_ w: Word, _ suffix: String) -> Bool {
        let s = Array(suffix.unicodeScalars)
        return w.count >= s.count && Array(w[(w.count - s.count)...]) == s
    }

    static func dropping(_ w: Word, _ count: Int) -> Word { Array(w[..<(w.count - count)]) }

    /// A rule list: the first rule whose suffix the word ends with decides, whether or not its condition holds.
    struct Rule {
        var suffix: String
        var replacement: String
        var condition: ((Word) -> Bool)?
    }

    static func apply(_ w: Word, _ rules: [Rule]) -> Word {
        for rule in rules where ends(w, rule.suffix) {
            let stem = dropping(w, rule.suffix.unicodeScalars.count)
            if rule.condition?(stem) ?? true { return stem + Array(rule.replacement.unicodeScalars) }
            return w
        }
        return w
    }

    static func positive(_ w: Word) -> Bool { measure(w) > 0 }

    static func step1a(_ w: Word) -> Word {
        if ends(w, "ies") && w.count == 4 { return dropping(w, 3) + ["i", "e"] }
        return apply(w, [Rule(suffix: "sses", replacement: "ss"), Rule(suffix: "ies", replacement: "i"),
                         Rule(suffix: "ss", replacement: "ss"), Rule(suffix: "s", replacement: "")])
    }

    static func step1b(_ w: Word) -> Word {
        if ends(w, "ied") { return dropping(w, 3) + (w.count == 4 ? ["i", "e"] : ["i"]) }
        if ends(w, "eed") {
            let stem = dropping(w, 3)
            return measure(stem) > 0 ? stem + ["e", "e"] : w
        }
        var intermediate: Word?
        for suffix in ["ed", "ing"] where ends(w, suffix) {
            let stem = dropping(w, suffix.count)
            if containsVowel(stem) { intermediate = stem; break }
        }
        guard let s = intermediate else { return w }
        if ends(s, "at") { return s + ["e"] }
        if ends(s, "bl") { return s + ["e"] }
        if ends(s, "iz") { return s + ["e"] }
        if endsDoubleConsonant(s) {
            let last = s[s.count - 1]
            return last != "l" && last != "s" && last != "z" ? dropping(s, 1) : s
        }
        return measure(s) == 1 && endsCVC(s) ? s + ["e"] : s
    }

    static func step1c(_ w: Word) -> Word {
        apply(w, [Rule(suffix: "y", replacement: "i", condition: { $0.count > 1 && isConsonant($0, $0.count - 1) })])
    }

    static func step2(_ w: Word) -> Word {
        if ends(w, "alli") && positive(dropping(w, 4)) { return step2(dropping(w, 4) + ["a", "l"]) }
        let p: (Word) -> Bool = positive
        return apply(w, [
            Rule(suffix: "ational", replacement: "ate", condition: p), Rule(suffix: "tional", replacement: "tion", condition: p),
            Rule(suffix: "enci", replacement: "ence", condition: p), Rule(suffix: "anci", replacement: "ance", condition: p),
            Rule(suffix: "izer", replacement: "ize", condition: p), Rule(suffix: "bli", replacement: "ble", condition: p),
            Rule(suffix: "alli", replacement: "al", condition: p), Rule(suffix: "entli", replacement: "ent", condition: p),
            Rule(suffix: "eli", replacement: "e", condition: p), Rule(suffix: "ousli", replacement: "ous", condition: p),
            Rule(suffix: "ization", replacement: "ize", condition: p), Rule(suffix: "ation", replacement: "ate", condition: p),
            Rule(suffix: "ator", replacement: "ate", condition: p), Rule(suffix: "alism", replacement: "al", condition: p),
            Rule(suffix: "iveness", replacement: "ive", condition: p), Rule(suffix: "fulness", replacement: "ful", condition: p),
            Rule(suffix: "ousness", replacement: "ous", condition: p), Rule(suffix: "aliti", replacement: "al", condition: p),
            Rule(suffix: "iviti", replacement: "ive", condition: p), Rule(suffix: "biliti", replacement: "ble", condition: p),
            Rule(suffix: "fulli", replacement: "ful", condition: p),
            // NLTK measures what precedes "ogi", not what precedes "logi".
            Rule(suffix: "logi", replacement: "log", condition: { _ in positive(dropping(w, 3)) }),
        ])
    }

    static func step3(_ w: Word) -> Word {
        let p: (Word) -> Bool = positive
        return apply(w, [
            Rule(suffix: "icate", replacement: "ic", condition: p), Rule(suffix: "ative", replacement: "", condition: p),
            Rule(suffix: "alize", replacement: "al", condition: p), Rule(suffix: "iciti", replacement: "ic", condition: p),
            Rule(suffix: "ical", replacement: "ic", condition: p), Rule(suffix: "ful", replacement: "", condition: p),
            Rule(suffix: "ness", replacement: "", condition: p),
        ])
    }

    static func step4(_ w: Word) -> Word {
        let m: (Word) -> Bool = { measure($0) > 1 }
        return apply(w, ["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent"].map { Rule(suffix: $0, replacement: "", condition: m) }
            + [Rule(suffix: "ion", replacement: "", condition: { measure($0) > 1 && ($0.last == "s" || $0.last == "t") })]
            + ["ou", "ism", "ate", "iti", "ous", "ive", "ize"].map { Rule(suffix: $0, replacement: "", condition: m) })
    }

    static func step5a(_ w: Word) -> Word {
        guard w.last == "e" else { return w }
        let stem = dropping(w, 1)
        let m = measure(stem)
        return m > 1 || (m == 1 && !endsCVC(stem)) ? stem : w
    }

    static func step5b(_ w: Word) -> Word {
        ends(w, "ll") && measure(dropping(w, 1)) > 1 ? dropping(w, 1) : w
    }
}
