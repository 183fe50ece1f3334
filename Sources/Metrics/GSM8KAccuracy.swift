import Foundation

/// GSM8K answer extraction and comparison, as lm-evaluation-harness scores it: `strict` takes the number after
/// `#### ` (the dataset's answer format), `flexible` the last number anywhere in the output. Numbers compare by
/// value once `$`, thousands commas and a trailing period are removed, so `$29.00`, `29`, `1,080` and `1080` match
/// their equals.
public enum GSM8KAccuracy {
    public enum Extraction: String, Sendable, Codable, CaseIterable { case strict, flexible }

    public struct Judgement: Sendable, Equatable, Codable {
        public var extracted: String?
        public var correct: Bool
        public init(extracted: String?, correct: Bool) {
            self.extracted = extracted
            self.correct = correct
        }
    }

    /// The number the output commits to, as written, or nil.
    public static func extract(_ output: String, _ mode: Extraction) -> String? {
        let s = Array(output.unicodeScalars)
        switch mode {
        case .strict:
            // `#### (-?[0-9.,]+)`: the first such answer line.
            let marker: [Unicode.Scalar] = ["#", "#", "#", "#", " "]
            var i = 0
            while i + marker.count <= s.count {
                if Array(s[i..<(i + marker.count)]) == marker {
                    var j = i + marker.count
                    var text = String.UnicodeScalarView()
                    if j < s.count && s[j] == "-" { text.append("-"); j += 1 }
                    let start = j
                    while j < s.count && (isDigit(s[j]) || s[j] == "." || s[j] == ",") { text.append(s[j]); j += 1 }
                    if j > start { return String(text) }
                }
                i += 1
            }
            return nil
        case .flexible:
            // `(-?[$0-9.,]{2,})|(-?[0-9]+)`, the last match.
            var last: String?
            var i = 0
            while i < s.count {
                var j = i
                var text = String.UnicodeScalarView()
                if s[j] == "-" { text.append("-"); j += 1 }
                let start = j
                while j < s.count && (isDigit(s[j]) || s[j] == "$" || s[j] == "." || s[j] == ",") { text.append(s[j]); j += 1 }
                let body = Array(s[start..<j])
                if body.count >= 2 || (body.count == 1 && isDigit(body[0])) {
                    last = String(text)
                    i = j
                } else {
                    i += 1
                }
            }
            return last
        }
    }

    @inline(__always) static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }

    /// The numeric value of an answer as written (`$1,080.`, `-3`, `29.00`), or nil.
    public static func value(_ answer: String) -> Decimal? {
        var t = answer.replacingOccurrences(of: "$", with: "").replacingOccurrences(of: ",", with: "")
        while t.hasSuffix(".") { t.removeLast() }
        guard !t.isEmpty, t != "-", t.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }) else { return nil }
        return Decimal(string: t, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// The reference answer of a GSM8K record (`#### N`), by the strict rule.
    public static func judge(output: String, reference: String, mode: Extraction) -> Judgement {
        let extracted = extract(output, mode)
        guard let e = extracted, let v = value(e), let gold = extract(reference, .strict).flatMap(value) ?? value(reference) else {
            return Judgement(extracted: extracted, correct: false)
        }
        return Judgement(extracted: e, correct: v == gold)
    }
}
