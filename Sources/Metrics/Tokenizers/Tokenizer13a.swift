/// Tokenizers sacrebleu names by `tok:` in its signatures.
public enum BLEUTokenizer: String, Sendable, CaseIterable, Codable {
    /// mteval-v13a's tokenization, the WMT standard and sacrebleu's default.
    case thirteenA = "13a"
    /// mteval-v14's international tokenization: Unicode punctuation and symbols.
    case intl
    /// Whitespace only.
    case none

    public func callAsFunction(_ line: String) -> String { tokens(line).joined(separator: " ") }

    /// The tokens themselves (what the joined string would split into).
    func tokens(_ line: String) -> [Substring] {
        switch self {
        case .none: return PythonText.split(line)
        case .thirteenA: return Tokenizer13a.tokens(line)
        case .intl: return TokenizerIntl.tokens(line)
        }
    }
}

/// sacrebleu's `13a`: unescape a few entities, then four rewrites in order, each applied left to right without
/// overlaps as Python's `re.sub` does —
///   1. `[{-~[-` -&(-+:-@/]` → ` c `  (punctuation and symbols, not . , ' -)
///   2. `([^0-9])([.,])` → `\1 \2 `   (period or comma not after a digit)
///   3. `([.,])([^0-9])` → ` \1 \2`   (period or comma not before a digit)
///   4. `([0-9])(-)` → `\1 \2 `       (dash after a digit)
/// — and finally Python's whitespace split and single-space join.
enum Tokenizer13a {
    static func tokens(_ input: String) -> [Substring] {
        var line = input.replacingAll("<skipped>", with: "").replacingAll("-\n", with: "").replacingAll("\n", with: " ")
        if line.unicodeScalars.contains("&") {
            line = line.replacingAll("&quot;", with: "\"").replacingAll("&amp;", with: "&")
                .replacingAll("&lt;", with: "<").replacingAll("&gt;", with: ">")
        }
        var s = Array((" " + line + " ").unicodeScalars)
        s = rule1(s)
        s = pairRule(s, first: { !isDigit($0) }, second: isPeriodOrComma) { a, b in [a, " ", b, " "] }
        s = pairRule(s, first: isPeriodOrComma, second: { !isDigit($0) }) { a, b in [" ", a, " ", b] }
        s = pairRule(s, first: isDigit, second: { $0 == "-" }) { a, b in [a, " ", b, " "] }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: s)
        return PythonText.split(String(text))
    }

    @inline(__always) static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }
    @inline(__always) static func isPeriodOrComma(_ c: Unicode.Scalar) -> Bool { c == "." || c == "," }

    /// Rule 1's class: { | } ~  [ \ ] ^ _ `  space ! " # $ % &  ( ) * +  : ; < = > ? @  /
    @inline(__always) static func isSymbol(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x7B...0x7E, 0x5B...0x60, 0x20...0x26, 0x28...0x2B, 0x3A...0x40, 0x2F: return true
        default: return false
        }
    }

    static func rule1(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count * 2)
        for c in s {
            if isSymbol(c) { out += [" ", c, " "] } else { out.append(c) }
        }
        return out
    }

    /// A two-character pattern: matches scanned left to right, the scan resuming after each match.
    static func pairRule(_ s: [Unicode.Scalar], first: (Unicode.Scalar) -> Bool, second: (Unicode.Scalar) -> Bool,
                         replace: (Unicode.Scalar, Unicode.Scalar) -> [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count + s.count / 2)
        var i = 0
        while i < s.count {
            if i + 1 < s.count && first(s[i]) && second(s[i + 1]) {
                out += replace(s[i], s[i + 1])
                i += 2
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }
}

extension String {
    /// Plain substring replacement on Unicode scalars (no canonical equivalence, as Python's `str.replace`).
    func replacingAll(_ target: String, with replacement: String) -> String {
        let t = Array(target.unicodeScalars)
        guard let first = t.first else { return self }
        let s = unicodeScalars
        // Most lines hold none of the targets: look before building anything.
        guard s.contains(first) else { return self }
        let scalars = Array(s)
        var out = String.UnicodeScalarView()
        var i = 0
        outer: while i < scalars.count {
            if scalars[i] == first && i + t.count <= scalars.count {
                var k = 1
                while k < t.count { if scalars[i + k] != t[k] { break }; k += 1 }
                if k == t.count {
                    out.append(contentsOf: replacement.unicodeScalars)
                    i += t.count
                    continue outer
                }
            }
            out.append(scalars[i])
            i += 1
        }
        return String(out)
    }
}

/// sacrebleu's `intl` (mteval-v14): `(\P{N})(\p{P})` → `\1 \2 `, then `(\p{P})(\P{N})` → ` \1 \2`, then every symbol
/// `\p{S}` spaced, each left to right without overlaps; unlike 13a the line is not padded first, so a number's
/// final period stays attached as in mteval-v14.
enum TokenizerIntl {
    static func tokens(_ line: String) -> [Substring] {
        var s = Array(line.unicodeScalars)
        s = Tokenizer13a.pairRule(s, first: { !isNumber($0) }, second: isPunctuation) { a, b in [a, " ", b, " "] }
        s = Tokenizer13a.pairRule(s, first: isPunctuation, second: { !isNumber($0) }) { a, b in [" ", a, " ", b] }
        var out = String.UnicodeScalarView()
        for c in s {
            if isSymbol(c) { out.append(contentsOf: [" ", c, " "] as [Unicode.Scalar]) } else { out.append(c) }
        }
        return PythonText.split(String(out))
    }

    static func isNumber(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    static func isPunctuation(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    static func isSymbol(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol: return true
        default: return false
        }
    }
}
