/// The Snowball English ("Porter2") stemmer, the stemmer METEOR 1.5 uses for its stem matches: regions R1 and
/// R2, steps 0 to 5, and the algorithm's exceptional words. Works on lower-case words; letters outside a–z are
/// ordinary non-vowels.
public enum SnowballEnglishStemmer {
    static let exceptions1: [String: String] = [
        "skis": "ski", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie", "idly": "idl", "gently": "gentl",
        "ugly": "ugli", "early": "earli", "only": "onli", "singly": "singl",
        "sky": "sky", "news": "news", "howe": "howe", "atlas": "atlas", "cosmos": "cosmos", "bias": "bias", "andes": "andes",
    ]
    static let exceptions2: Set<String> = ["inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"]

    public static func stem(_ word: String) -> String {
        if let e = exceptions1[word] { return e }
        var w = Array(word.unicodeScalars)
        guard w.count > 2 else { return word }
        if w.first == "'" { w.removeFirst() }
        // Prelude: y at the start or after a vowel is a consonant, Y.
        for i in w.indices where w[i] == "y" && (i == 0 || isVowel(w[i - 1])) { w[i] = "Y" }
        var s = Stemming(w)
        s.step0()
        guard s.step1a() else { return s.result }
        if exceptions2.contains(s.result) { return s.result }
        s.step1b()
        s.step1c()
        s.step2()
        s.step3()
        s.step4()
        s.step5()
        return s.result
    }

    static func isVowel(_ c: Unicode.Scalar) -> Bool { "aeiouy".unicodeScalars.contains(c) }

    struct Stemming {
        var w: [Unicode.Scalar]
        let r1: Int
        let r2: Int

        init(_ w: [Unicode.Scalar]) {
            self.w = w
            let text = String(String.UnicodeScalarView(w))
            if let prefix = ["gener", "commun", "arsen"].first(where: { text.hasPrefix($0) }) {
                r1 = prefix.count
            } else {
                r1 = Stemming.region(w, from: 0)
            }
            r2 = Stemming.region(w, from: r1)
        }

        /// The position after the first non-vowel that follows a vowel, at or after `from`.
        static func region(_ w: [Unicode.Scalar], from: Int) -> Int {
            var i = from
            while i < w.count && !isVowel(w[i]) { i += 1 }
            while i < w.count && isVowel(w[i]) { i += 1 }
            return min(i + 1, w.count)
        }

        var result: String {
            String(String.UnicodeScalarView(w.map { $0 == "Y" ? "y" : $0 }))
        }

        func ends(_ suffix: String) -> Bool {
            let s = Array(suffix.unicodeScalars)
            return w.count >= s.count && Array(w.suffix(s.count)) == s
        }

        /// The longest of `suffixes` the word ends with.
        func longest(_ suffixes: [String]) -> String? {
            suffixes.filter(ends).max { $0.unicodeScalars.count < $1.unicodeScalars.count }
        }

        mutating func replace(_ suffix: String, with replacement: String) {
            w.removeLast(suffix.unicodeScalars.count)
            w.append(contentsOf: replacement.unicodeScalars)
        }

        func inR1(_ suffix: String) -> Bool { w.count - suffix.unicodeScalars.count >= r1 }
        func inR2(_ suffix: String) -> Bool { w.count - suffix.unicodeScalars.count >= r2 }

        func containsVowel(_ upTo: Int) -> Bool { w.prefix(upTo).contains(where: isVowel) }

        /// A vowel followed by a non-vowel other than w, x or Y and preceded by a non-vowel; or, at the start of the
        /// word, a vowel followed by a non-vowel.
        func endsInShortSyllable() -> Bool {
            let n = w.count
            if n == 2 { return isVowel(w[0]) && !isVowel(w[1]) }
            guard n >= 3 else { return false }
            return !isVowel(w[n - 3]) && isVowel(w[n - 2]) && !isVowel(w[n - 1]) && !"wxY".unicodeScalars.contains(w[n - 1])
        }

        func isShort() -> Bool { r1 >= w.count && endsInShortSyllable() }

        mutating func step0() {
            if let s = longest(["'", "'s", "'s'"]) { w.removeLast(s.unicodeScalars.count) }
        }

        /// Returns false when the word is finished (never here; kept for the algorithm's shape).
        mutating func step1a() -> Bool {
            guard let s = longest(["sses", "ied", "ies", "s", "us", "ss"]) else { return true }
            switch s {
            case "sses": replace(s, with: "ss")
            case "ied", "ies": replace(s, with: w.count - 3 > 1 ? "i" : "ie")
            case "s":
                // Delete if a vowel occurs before the letter just before the s.
                if w.count >= 3 && containsVowel(w.count - 2) { w.removeLast() }
            default: break
            }
            return true
        }

        mutating func step1b() {
            guard let s = longest(["eed", "eedly", "ed", "edly", "ing", "ingly"]) else { return }
            if s == "eed" || s == "eedly" {
                if inR1(s) { replace(s, with: "ee") }
                return
            }
            let stemLength = w.count - s.unicodeScalars.count
            guard containsVowel(stemLength) else { return }
            w.removeLast(s.unicodeScalars.count)
            if ends("at") || ends("bl") || ends("iz") {
                w.append("e")
            } else if let last = w.last, w.count >= 2, w[w.count - 2] == last, "bdfgmnprt".unicodeScalars.contains(last) {
                w.removeLast()
            } else if isShort() {
                w.append("e")
            }
        }

        mutating func step1c() {
            guard let last = w.last, last == "y" || last == "Y", w.count > 2, !isVowel(w[w.count - 2]) else { return }
            w[w.count - 1] = "i"
        }

        static let step2Rules: [(String, String)] = [
            ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("abli", "able"), ("entli", "ent"), ("izer", "ize"),
            ("ization", "ize"), ("ational", "ate"), ("ation", "ate"), ("ator", "ate"), ("alism", "al"), ("aliti", "al"),
            ("alli", "al"), ("fulness", "ful"), ("ousli", "ous"), ("ousness", "ous"), ("iveness", "ive"), ("iviti", "ive"),
            ("biliti", "ble"), ("bli", "ble"), ("ogi", "og"), ("fulli", "ful"), ("lessli", "less"), ("li", ""),
        ]

        mutating func step2() {
            guard let s = longest(Stemming.step2Rules.map(\.0)), inR1(s) else { return }
            let stemEnd = w.count - s.unicodeScalars.count
            switch s {
            case "ogi": if stemEnd > 0 && w[stemEnd - 1] == "l" { replace(s, with: "og") }
            case "li": if stemEnd > 0 && "cdeghkmnrt".unicodeScalars.contains(w[stemEnd - 1]) { w.removeLast(2) }
            default: replace(s, with: Stemming.step2Rules.first { $0.0 == s }!.1)
            }
        }

        mutating func step3() {
            let rules: [(String, String)] = [("tional", "tion"), ("ational", "ate"), ("alize", "al"), ("icate", "ic"),
                                              ("iciti", "ic"), ("ical", "ic"), ("ful", ""), ("ness", ""), ("ative", "")]
            guard let s = longest(rules.map(\.0)), inR1(s) else { return }
            if s == "ative" {
                if inR2(s) { w.removeLast(5) }
            } else {
                replace(s, with: rules.first { $0.0 == s }!.1)
            }
        }

        mutating func step4() {
            let suffixes = ["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ism", "ate",
                            "iti", "ous", "ive", "ize", "ion"]
            guard let s = longest(suffixes), inR2(s) else { return }
            if s == "ion" {
                let stemEnd = w.count - 3
                if stemEnd > 0 && (w[stemEnd - 1] == "s" || w[stemEnd - 1] == "t") { w.removeLast(3) }
            } else {
                w.removeLast(s.unicodeScalars.count)
            }
        }

        mutating func step5() {
            if ends("e") {
                if inR2("e") {
                    w.removeLast()
                } else if inR1("e") {
                    var rest = self
                    rest.w.removeLast()
                    if !rest.endsInShortSyllable() { w.removeLast() }
                }
            } else if ends("l") && inR2("l") && w.count >= 2 && w[w.count - 2] == "l" {
                w.removeLast()
            }
        }
    }
}
