/// METEOR 1.5's `-norm` normalization for English (its Moses-derived tokenizer with METEOR's additions): symbols
/// split off, runs of dots kept together, commas split except inside numbers, quotes and dashes unified, hyphens
/// between word characters dropped, contractions split to the right, a word's final period split unless the word is
/// a nonbreaking prefix or the next word starts in lower case, dotted acronyms undotted (`u.s.` → `us`).
/// Each rewrite scans left to right without reusing a matched character, as Java's `replaceAll` does.
enum METEORNormalizer {
    static func isAlpha(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x41...0x5A, 0x61...0x7A, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x17E, 0x160, 0x161, 0x178,
             0x400...0x4FF, 0x500...0x527, 0xA640...0xA66E, 0xA67E...0xA697, 0x1D00...0x1D7F:
            return true
        default:
            return false
        }
    }
    static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }
    static func isAlnum(_ c: Unicode.Scalar) -> Bool { isAlpha(c) || isDigit(c) }
    /// Java's `\s`.
    static func isJavaSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c.value == 0x0B || c == "\u{0C}" || c == "\r" }
    /// The spaces METEOR collapses at the end (ASCII space and Unicode space separators).
    static func isCollapsible(_ c: Unicode.Scalar) -> Bool {
        c == " " || c.value == 0xA0 || (0x2000...0x200A).contains(c.value) || c.value == 0x202F || c.value == 0x205F || c.value == 0x3000
    }

    typealias Line = [Unicode.Scalar]

    /// A three-character rule `(a)(b)(c)` → replacement, scanning as `replaceAll` does.
    static func rule3(_ s: Line, _ a: (Unicode.Scalar) -> Bool, _ b: (Unicode.Scalar) -> Bool, _ c: (Unicode.Scalar) -> Bool,
                      _ replace: (Unicode.Scalar, Unicode.Scalar, Unicode.Scalar) -> Line) -> Line {
        var out = Line()
        out.reserveCapacity(s.count + 8)
        var i = 0
        while i < s.count {
            if i + 2 < s.count && a(s[i]) && b(s[i + 1]) && c(s[i + 2]) {
                out += replace(s[i], s[i + 1], s[i + 2])
                i += 3
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }

    static func replacing(_ s: Line, _ target: String, _ replacement: String) -> Line {
        let t = Array(target.unicodeScalars), r = Array(replacement.unicodeScalars)
        var out = Line()
        var i = 0
        while i < s.count {
            if i + t.count <= s.count && Array(s[i..<(i + t.count)]) == t {
                out += r
                i += t.count
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }

    static func normalize(_ line: String, prefixes: [String: Int]) -> String {
        var s: Line = [" "] + Array(line.unicodeScalars) + [" "]
        // Symbols other than the special cases get spaces around them.
        let kept: Set<Unicode.Scalar> = [".", "'", "`", ",", "-", "\u{2018}", "\u{2019}"]
        s = s.flatMap { c -> Line in isAlnum(c) || isJavaSpace(c) || kept.contains(c) ? [c] : [" ", c, " "] }
        // Runs of two or more dots become one token.
        var runs = Line()
        var i = 0
        while i < s.count {
            if s[i] == ".", i + 1 < s.count, s[i + 1] == "." {
                var j = i
                while j < s.count && s[j] == "." { j += 1 }
                runs += [" "] + Array(repeating: "\u{E000}", count: j - i) + (j < s.count ? [" "] : [])
                i = j
            } else {
                runs.append(s[i])
                i += 1
            }
        }
        s = runs
        let comma: (Unicode.Scalar) -> Bool = { $0 == "," }
        let notDigit: (Unicode.Scalar) -> Bool = { !isDigit($0) }
        let split: (Unicode.Scalar, Unicode.Scalar, Unicode.Scalar) -> Line = { a, b, c in [a, " ", b, " ", c] }
        s = rule3(s, notDigit, comma, notDigit, split)
        s = rule3(s, isDigit, comma, notDigit, split)
        s = rule3(s, notDigit, comma, isDigit, split)
        // Quotes and dashes.
        s = s.map { $0 == "`" || $0 == "\u{2018}" || $0 == "\u{2019}" ? "'" : $0 }
        var quoted = Line()
        i = 0
        while i < s.count {
            if s[i] == "\u{201C}" || s[i] == "\u{201D}" {
                quoted += [" ", "\"", " "]; i += 1
            } else if s[i] == "'", i + 1 < s.count, s[i + 1] == "'" {
                quoted += [" ", "\"", " "]; i += 2
            } else {
                quoted.append(s[i]); i += 1
            }
        }
        s = replacing(replacing(quoted, "\u{2013}", "-"), "--", "-")
        // Hyphens between word characters (or after a dot) are dropped.
        s = rule3(s, { isAlnum($0) || $0 == "." }, { $0 == "-" }, isAlnum) { a, _, c in [a, " ", c] }
        // English contractions split to the right.
        let apostrophe: (Unicode.Scalar) -> Bool = { $0 == "'" }
        s = rule3(s, { !isAlpha($0) }, apostrophe, { !isAlpha($0) }, split)
        s = rule3(s, { !isAlpha($0) && !isDigit($0) }, apostrophe, isAlpha, split)
        s = rule3(s, isAlpha, apostrophe, { !isAlpha($0) }, split)
        s = rule3(s, isAlpha, apostrophe, isAlpha) { a, b, c in [a, " ", b, c] }
        s = rule3(s, isDigit, apostrophe, { $0 == "s" }) { a, b, c in [a, " ", b, c] }
        // Final periods.
        let words = String(String.UnicodeScalarView(s)).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" })
        var rebuilt: [String] = []
        for (k, word) in words.enumerated() {
            guard word.unicodeScalars.count > 1, word.hasSuffix(".") else { rebuilt.append(String(word)); continue }
            let pre = String(word.dropLast())
            let type = prefixes[pre]
            let next = k + 1 < words.count ? words[k + 1].unicodeScalars.first : nil
            if pre.contains("."), pre.unicodeScalars.contains(where: isAlpha) {
                rebuilt.append(word.replacingOccurrences(of: ".", with: ""))
            } else if type == 1 || next.map({ $0.value >= 0x61 && $0.value <= 0x7A }) == true {
                rebuilt.append(String(word))
            } else if type == 2, let next, isDigit(next) {
                rebuilt.append(String(word))
            } else {
                rebuilt.append(pre + " .")
            }
        }
        // Restore dot runs; collapse spaces; trim what Java's trim() removes.
        var out = Array((rebuilt.joined(separator: " ") + " ").unicodeScalars).map { $0 == "\u{E000}" ? "." : $0 }
        var collapsed = Line()
        for c in out {
            if isCollapsible(c) {
                if collapsed.last != " " { collapsed.append(" ") }
            } else {
                collapsed.append(c)
            }
        }
        out = collapsed
        while let f = out.first, f.value <= 0x20 { out.removeFirst() }
        while let l = out.last, l.value <= 0x20 { out.removeLast() }
        return String(String.UnicodeScalarView(out))
    }
}
