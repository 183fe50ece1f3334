/// The Penn Treebank tokenization that the COCO caption evaluation code (and so the E2E and WebNLG scripts) applies
/// before METEOR, ROUGE-L and CIDEr: Stanford CoreNLP 3.4.1's `PTBTokenizer -preserveLines -lowerCase`, with its
/// default PTB3 escaping, followed by pycocoevalcap's removal of punctuation tokens.
///
/// The rules follow the tokenizer's observable behaviour on English text: contractions split (`is n't`, `ca n't`,
/// `it 's`, `can not`, `gon na`), quotes turned into `` `` `` and `''`, brackets into `-lrb-`-style names, `£` into `#`
/// and `€` into `$`, dashes into `--`, ellipses into `...`; hyphenated words, numbers with separators, URLs, e-mail
/// addresses and known abbreviations (`mr.`, `inc.`, `u.s.`, `e.g.`) kept whole. The parity tests run the jar itself.
public enum PTBTokenizer {
    /// Tokens of one line, lower-cased, as if it were the whole input.
    public static func tokens(_ line: String) -> [String] { batch([line])[0] }

    /// Tokens of lines given to the tokenizer together, one per line (`-preserveLines`). The tokenizer looks past
    /// a line's end in two places, so a line's tokens can depend on its neighbour: `fig.` or `no.` keeps its period
    /// when the next line starts with a digit, and `'re`, `'ve` or `'ll` ending the whole input is not split off.
    public static func batch(_ lines: [String]) -> [[String]] {
        let scalars = lines.map { Array($0.unicodeScalars) }
        return scalars.indices.map { k in
            let last = k == scalars.count - 1
            var lexer = Lexer(scalars[k], following: last ? [] : Array(scalars[k + 1].prefix(1)) + [], endOfInput: last)
            lexer.run()
            return lexer.out
        }
    }

    /// pycocoevalcap's list of punctuation tokens to drop. It names brackets in upper case (`-LRB-`) although the
    /// tokenizer lower-cases them, so brackets survive as `-lrb-` — kept, because the published scores include them.
    static let punctuation: Set<String> = ["''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-", ".", "?", "!", ",", ":", "-", "--", "...", ";"]

    /// Captions as the COCO scorers receive them from one tokenizer call: tokenized, lower-cased, punctuation
    /// removed, joined by spaces. The evaluation code turns newlines inside a caption into spaces first.
    public static func captions(_ texts: [String]) -> [String] {
        batch(texts.map { $0.replacingOccurrences(of: "\n", with: " ") }).map { $0.filter { !punctuation.contains($0) }.joined(separator: " ") }
    }

    /// One caption tokenized on its own.
    public static func caption(_ text: String) -> String { captions([text])[0] }
}

extension PTBTokenizer {
    /// Abbreviations that keep their period wherever they occur (CoreNLP's titles, companies, months, states, …).
    static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "mx", "dr", "drs", "prof", "profs", "sen", "sens", "rep", "reps", "atty", "attys", "lt", "col",
        "gen", "messrs", "gov", "govs", "adm", "rev", "fr", "rt", "maj", "sgt", "cpl", "pvt", "capt", "st", "sta", "ste",
        "ave", "pres", "lieut", "hon", "brig", "cmdr", "comdr", "pfc", "spc", "supt", "supts", "det", "mt", "ft", "adj",
        "adv", "asst", "assoc", "ens", "insp", "mlle", "mme", "msgr", "sfc",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "mon", "tue", "tues", "wed", "thu", "thurs", "fri",
        "ala", "ariz", "ark", "calif", "colo", "conn", "ct", "dak", "del", "fla", "ga", "ill", "ind", "kan", "kans",
        "ky", "la", "mass", "md", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa", "penn",
        "tenn", "tex", "va", "vt", "wash", "wis", "wisc", "wyo",
        "inc", "co", "cos", "corp", "pty", "ltd", "plc", "bancorp", "bhd", "assn",
        "jr", "sr", "bros", "esq", "etc", "al", "seq", "vs", "cf", "viz", "dept", "blvd", "rd", "natl", "mfg", "mtg",
        "elec", "invt", "govt", "wm", "jos", "cie", "ph", "tel", "est", "ext", "sq",
    ]
    /// Abbreviations that keep their period only before a number or at the end of the line (`no. 5`, `fig. 3`).
    static let numberAbbreviations: Set<String> = [
        "ca", "fig", "figs", "prop", "no", "nos", "art", "bldg", "pp", "op",
    ]
    /// Contractions written without an apostrophe, split where the treebank splits them.
    static let assimilations: [String: (Int)] = ["cannot": 3, "gonna": 3, "gotta": 3, "lemme": 3, "gimme": 3, "wanna": 3]
    static let brackets: [Unicode.Scalar: String] = ["(": "-lrb-", ")": "-rrb-", "[": "-lsb-", "]": "-rsb-", "{": "-lcb-", "}": "-rcb-"]
    static let fractions: [Unicode.Scalar: String] = ["½": "1/2", "¼": "1/4", "¾": "3/4", "⅓": "1/3", "⅔": "2/3", "⅛": "1/8"]

    struct Lexer {
        let s: [Unicode.Scalar]
        var i = 0
        var out: [String] = []

        /// The start of the next line (empty at the end of the input) and whether this line ends the input.
        let following: [Unicode.Scalar]
        let endOfInput: Bool

        init(_ s: [Unicode.Scalar], following: [Unicode.Scalar], endOfInput: Bool) {
            self.s = s
            self.following = following
            self.endOfInput = endOfInput
        }

        /// A character at or past the end of the line: the newline, then the next line's first character.
        func beyond(_ k: Int) -> Unicode.Scalar? {
            if k < s.count { return s[k] }
            if k == s.count { return endOfInput ? nil : "\n" }
            return k == s.count + 1 ? following.first : nil
        }

        func at(_ k: Int) -> Unicode.Scalar? { k >= 0 && k < s.count ? s[k] : nil }

        static func isLetter(_ c: Unicode.Scalar?) -> Bool {
            guard let c else { return false }
            return c.properties.isAlphabetic || c.properties.generalCategory == .nonspacingMark
        }
        static func isUpper(_ c: Unicode.Scalar?) -> Bool { c.map { $0.value >= 0x41 && $0.value <= 0x5A } ?? false }
        static func isDigit(_ c: Unicode.Scalar?) -> Bool { c.map { $0.properties.generalCategory == .decimalNumber } ?? false }
        static func isAlnum(_ c: Unicode.Scalar?) -> Bool { isLetter(c) || isDigit(c) }
        static func isSpace(_ c: Unicode.Scalar?) -> Bool { c.map { $0.properties.isWhitespace } ?? true }
        static func isApostrophe(_ c: Unicode.Scalar?) -> Bool { c == "'" || c == "\u{2019}" }
        static func isHyphen(_ c: Unicode.Scalar?) -> Bool { c == "-" || c == "\u{2010}" || c == "\u{2011}" }

        mutating func emit(_ t: String) { out.append(t.lowercased()) }
        mutating func emit(_ a: Int, _ b: Int) { emit(String(String.UnicodeScalarView(s[a..<b]))) }

        /// Whether the previous character opens a quotation context (start, space, opening bracket or quote).
        func opensQuote(_ k: Int) -> Bool {
            guard let p = at(k - 1) else { return true }
            return Lexer.isSpace(p) || "([{<\"'`\u{201C}\u{2018}\u{00AB}".unicodeScalars.contains(p)
        }

        mutating func run() {
            while i < s.count {
                let c = s[i]
                if Lexer.isSpace(c) { i += 1; continue }
                if c == "<", let end = tagEnd() { emit(i, end); i = end; continue }
                if let end = urlEnd() { emit(i, end); i = end; continue }
                if Lexer.isAlnum(c) { word(); continue }
                if Lexer.isApostrophe(c) || c == "`" { apostrophe(); continue }
                punctuation()
            }
        }

        /// `<tag …>` with no space inside the name: kept as one token.
        func tagEnd() -> Int? {
            guard let n = at(i + 1), Lexer.isLetter(n) || n == "/" || n == "!" else { return nil }
            var j = i + 1
            while j < s.count && s[j] != ">" && s[j] != "<" { j += 1 }
            return j < s.count && s[j] == ">" ? j + 1 : nil
        }

        /// URLs and e-mail addresses run to the next space, less trailing punctuation — not the same for each, as
        /// the jar's patterns have it: an address keeps a final , ; : ! ? or …, a `www.` URL gives up a final … too.
        func urlEnd() -> Int? {
            var j = i
            while j < s.count && !Lexer.isSpace(s[j]) { j += 1 }
            let chunk = String(String.UnicodeScalarView(s[i..<j])).lowercased()
            let isURL = ["http://", "https://", "ftp://", "www."].contains { chunk.hasPrefix($0) } && chunk.count > 6
            let isEmail: Bool = {
                guard Lexer.isAlnum(s[i]), let at = chunk.firstIndex(of: "@") else { return false }
                return chunk[chunk.index(after: at)...].contains(".")
            }()
            guard isURL || isEmail else { return nil }
            let trailing = isURL ? (chunk.hasPrefix("www.") ? ".,;:!?)]}'\"\u{2026}" : ".,;:!?)]}'\"") : ".)]}'\""
            while j > i && trailing.unicodeScalars.contains(s[j - 1]) { j -= 1 }
            return j
        }

        /// A word or number with its internal hyphens, periods, separators and apostrophes; then clitics and an
        /// abbreviation's period.
        mutating func word() {
            let start = i
            var j = i
            if let end = mixedFractionEnd() {
                // 1 1/2 is one token, its space made non-breaking.
                emit(String(String.UnicodeScalarView(s[i..<end])).replacingOccurrences(of: " ", with: "\u{00A0}"))
                i = end
                return
            }
            // After a separator between digits (1,080 2:30 3.5) the token continues with digits only; after an
            // inner apostrophe (ma'am) with letters only.
            var numeric = false, apostrophed = false
            // Whether a period right before , ; or : stays on the word, as the jar's plain-word rule has it; its
            // separator-joined numbers (3.5, 1,000), slashed words and vowel-apostrophe words (ma'am) are not such words.
            var plain = true
            while true {
                while j < s.count && (numeric ? Lexer.isDigit(s[j]) : apostrophed ? Lexer.isLetter(s[j]) : Lexer.isAlnum(s[j])) { j += 1 }
                guard let c = at(j), let next = at(j + 1) else { break }
                let prev = s[j - 1]
                if Lexer.isHyphen(c) && Lexer.isAlnum(next) { j += 1; numeric = false; apostrophed = false; continue }
                if c == "_" && Lexer.isAlnum(next) { j += 1; continue }
                if c == "." && Lexer.isLetter(prev) && Lexer.isLetter(next) && !numeric { j += 1; continue }
                if (c == "." || c == "," || c == ":" || c == "/") && Lexer.isDigit(prev) && Lexer.isDigit(next) {
                    j += 1; numeric = true; plain = false; continue
                }
                if c == "/" && Lexer.isLetter(prev) && Lexer.isLetter(next) { j += 1; plain = false; continue }
                if Lexer.isApostrophe(c) && Lexer.isLetter(next) && !numeric {
                    // n't closes the word before its n: don't → do n't, can't → ca n't.
                    if (prev == "n" || prev == "N") && (next == "t" || next == "T") && !Lexer.isLetter(at(j + 2)) && j - 1 > start {
                        emitWord(start, j - 1)
                        emit(String(String.UnicodeScalarView(s[(j - 1)..<(j + 2)])).replacingOccurrences(of: "\u{2019}", with: "'"))
                        i = j + 2
                        return
                    }
                    // y'know, th'enchanting: the shortened word stands alone.
                    let head = String(String.UnicodeScalarView(s[start..<j])).lowercased()
                    if head == "y" || head == "th" {
                        emit(head + "'")
                        i = j + 1
                        return
                    }
                    if let join = joinsApostrophe(start: start, at: j) {
                        j += 1; apostrophed = true
                        if join == .vowel { plain = false }
                        continue
                    }
                }
                // AT&T, but a & b.
                if (c == "&" || c == "+") && Lexer.isUpper(prev) && Lexer.isUpper(next) { j += 1; continue }
                break
            }
            if j == start { return }
            emitWord(start, j, plain: plain)
        }

        /// The end of a mixed fraction starting here (1–4 digits, a space, 1–4 digits, a slash, 1–4 digits).
        func mixedFractionEnd() -> Int? {
            func digits(_ k: Int) -> Int? {
                var m = k
                while Lexer.isDigit(at(m)) && m - k < 5 { m += 1 }
                return m > k && m - k <= 4 ? m : nil
            }
            guard let a = digits(i), at(a) == " ", let b = digits(a + 1), at(b) == "/", let c = digits(b + 1),
                  !Lexer.isAlnum(at(c)) else { return nil }
            return c
        }

        /// The word s[start..<j]; sets `i` past what it used. A `plain` word keeps a period that , ; or : follows
        /// (`center.,` → `center.` `,`), whole: `cannot.` is not split as `cannot` is.
        mutating func emitWord(_ start: Int, _ j: Int, plain: Bool = false) {
            var text = String(String.UnicodeScalarView(s[start..<j])).replacingOccurrences(of: "\u{2019}", with: "'")
            let lower = text.lowercased()
            // Currency written with letters (US$, A$, HK$), and C++/C#/F#.
            if at(j) == "$" && lower.count <= 3 && lower.allSatisfy(\.isLetter) { emit(text + "$"); i = j + 1; return }
            if lower == "c" && at(j) == "+" && at(j + 1) == "+" { emit("c++"); i = j + 2; return }
            if (lower == "c" || lower == "f") && at(j) == "#" { emit(text + "#"); i = j + 1; return }
            i = j
            if plain && at(j) == "." && [",", ";", ":"].contains(at(j + 1)) {
                emit(text + ".")
                i = j + 1
                return
            }
            if at(j) == "." && keepsPeriod(lower, after: j + 1) {
                text += "."
                i = j + 1
            }
            split(text)
        }

        enum ApostropheJoin { case oneLetter, vowel }

        /// Apostrophes inside a word that the treebank keeps: one letter before it and two or more after
        /// (o'clock, d'ye; not I or Y), or a vowel before and a vowel or capital after (ma'am).
        func joinsApostrophe(start: Int, at j: Int) -> ApostropheJoin? {
            let prev = s[j - 1], next = s[j + 1]
            // A clitic that ends the word splits off instead (I'D → I 'D).
            var k = j + 1
            while Lexer.isLetter(at(k)) { k += 1 }
            let rest = String(String.UnicodeScalarView(s[(j + 1)..<k])).lowercased()
            if ["s", "m", "d", "re", "ve", "ll"].contains(rest) { return nil }
            if j - start == 1 && !"IiYy".unicodeScalars.contains(prev) && Lexer.isLetter(at(j + 2)) { return .oneLetter }
            let vowel = "aeiouyAEIOUY".unicodeScalars.contains(prev) && ("aeiou".unicodeScalars.contains(next) || Lexer.isUpper(next))
            return vowel ? .vowel : nil
        }

        func keepsPeriod(_ w: String, after k: Int) -> Bool {
            if PTBTokenizer.abbreviations.contains(w) { return true }
            if w.count == 1 && w.first!.isLetter { return true }
            // Acronyms with inner periods: u.s, a.m, e.g, i.e.
            let parts = w.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count > 1 && parts.allSatisfy({ $0.count == 1 && $0.first!.isLetter }) { return true }
            if PTBTokenizer.numberAbbreviations.contains(w) {
                // At most one space or newline between it and the digit.
                if Lexer.isDigit(beyond(k)) { return true }
                return (beyond(k) == " " || beyond(k) == "\n") && Lexer.isDigit(beyond(k + 1))
            }
            return false
        }

        /// Contractions written without an apostrophe: `cannot` → `can not`, `gonna` → `gon na`.
        mutating func split(_ word: String) {
            let lower = word.lowercased()
            if let cut = PTBTokenizer.assimilations[lower] {
                emit(String(word.prefix(cut)))
                emit(String(word.dropFirst(cut)))
            } else {
                emit(word)
            }
        }

        /// An apostrophe or backquote that starts a token: `'90s`, `'em`, `'t is`, a bare clitic, or a quote.
        mutating func apostrophe() {
            let c = s[i]
            var j = i + 1
            while j < s.count && Lexer.isAlnum(s[j]) { j += 1 }
            let rest = String(String.UnicodeScalarView(s[(i + 1)..<j])).lowercased()
            if c != "`" && j > i + 1 {
                let decade = rest.count == 3 && rest.hasSuffix("s") && rest.prefix(2).allSatisfy(\.isNumber)
                if decade || (rest.count == 2 && rest.allSatisfy(\.isNumber)) || rest == "em" || rest == "n" && Lexer.isApostrophe(at(j)) {
                    let end = rest == "n" ? j + 1 : j
                    emit("'" + String(String.UnicodeScalarView(s[(i + 1)..<end])).replacingOccurrences(of: "\u{2019}", with: "'"))
                    i = end
                    return
                }
                if rest == "tis" || rest == "twas" {
                    emit("'t")
                    emit(String(String.UnicodeScalarView(s[(i + 2)..<j])))
                    i = j
                    return
                }
                // A two-letter clitic needs a character after it to be recognised; ending the input, its apostrophe
                // becomes an opening quote.
                if rest.count == 2 && j == s.count && endOfInput && ["re", "ve", "ll"].contains(rest) {
                    emit("`")
                    i += 1
                    return
                }
                if ["s", "m", "d", "re", "ve", "ll"].contains(rest) {
                    emit("'" + rest)
                    i = j
                    return
                }
            }
            // Doubled quotes written with apostrophes or backquotes.
            if at(i + 1) == c { emit(c == "`" ? "``" : "''"); i += 2; return }
            emit(c == "`" || opensQuote(i) ? "`" : "'")
            i += 1
        }

        mutating func punctuation() {
            let c = s[i]
            func run(_ matches: (Unicode.Scalar) -> Bool) -> Int {
                var j = i
                while j < s.count && matches(s[j]) { j += 1 }
                return j
            }
            switch c {
            case "." where Lexer.isDigit(at(i + 1)) && !Lexer.isAlnum(at(i - 1)):
                // A number written without its leading zero: .5
                var j = i + 1
                while Lexer.isDigit(at(j)) || (at(j) == "." && Lexer.isDigit(at(j + 1))) { j += 1 }
                emit(i, j)
                i = j
            case "-", "+" where Lexer.isDigit(at(i + 1)) && !Lexer.isAlnum(at(i - 1)):
                // A signed number: -5, +3, -1,080.5
                var j = i + 1
                while Lexer.isDigit(at(j)) || (".,:".unicodeScalars.contains(at(j) ?? " ") && Lexer.isDigit(at(j + 1))) { j += 1 }
                emit(i, j)
                i = j
            case ".":
                let end = run { $0 == "." }
                if end - i >= 3 { emit("...") } else { for _ in i..<end { emit(".") } }
                i = end
            case "\u{2026}":
                emit("...")
                i += 1
            case "?", "!":
                let end = run { $0 == "?" || $0 == "!" }
                emit(i, end)
                i = end
            case "-", "\u{2010}", "\u{2011}":
                let end = run(Lexer.isHyphen)
                emit(end - i == 1 ? "-" : "--")
                i = end
            case "\u{2013}", "\u{2014}", "\u{2015}":
                i = run { $0 == "\u{2013}" || $0 == "\u{2014}" || $0 == "\u{2015}" }
                emit("--")
            case "*", "#", "_", "=":
                let end = run { $0 == c }
                emit(i, end)
                i = end
            case "@":
                let end = run { $0 == "@" }
                if end == i + 1, Lexer.isLetter(at(end)) {
                    var j = end
                    while j < s.count && (Lexer.isAlnum(s[j]) || s[j] == "_") { j += 1 }
                    emit(i, j)
                    i = j
                } else {
                    emit(i, end)
                    i = end
                }
            case "\"":
                emit(opensQuote(i) ? "``" : "''")
                i += 1
            case "\u{201C}", "\u{00AB}", "\u{201E}":
                emit("``"); i += 1
            case "\u{201D}", "\u{00BB}":
                emit("''"); i += 1
            case "\u{2018}":
                emit("`"); i += 1
            case "£":
                emit("#"); i += 1
            case "€":
                emit("$"); i += 1
            case "¢":
                emit("cents"); i += 1
            default:
                if let b = PTBTokenizer.brackets[c] { emit(b) } else if let f = PTBTokenizer.fractions[c] { emit(f) } else { emit(String(c)) }
                i += 1
            }
        }
    }
}
