/// How text is cut into pieces before byte-level BPE merges run inside each piece.
///
/// - `gpt2`: GPT-2's split, `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`,
///   matched leftmost-first as the regex engine does.
/// - `smollm`: every numeric character is first isolated as a piece of its own (Hugging Face's
///   `Digits(individual_digits=true)`, llama.cpp's "smollm"), then the GPT-2 split runs on what lies between.
///
/// The scanner works on Unicode scalars with their general categories (\p{L}: Lu Ll Lt Lm Lo; \p{N}: Nd Nl No;
/// \s: White_Space), so it needs no regex engine.
public enum PreTokenizer: String, Sendable, CaseIterable {
    case gpt2
    case smollm

    public func split(_ text: String) -> [Substring] {
        var pieces: [Substring] = []
        let scalars = text.unicodeScalars
        switch self {
        case .gpt2:
            Self.gpt2Split(text[...], into: &pieces)
        case .smollm:
            var start = scalars.startIndex
            var i = start
            while i < scalars.endIndex {
                if Self.isNumber(scalars[i]) {
                    if start < i { Self.gpt2Split(text[start..<i], into: &pieces) }
                    let next = scalars.index(after: i)
                    pieces.append(text[i..<next])
                    start = next
                    i = next
                } else {
                    i = scalars.index(after: i)
                }
            }
            if start < scalars.endIndex { Self.gpt2Split(text[start...], into: &pieces) }
        }
        return pieces
    }

    @inline(__always) static func isLetter(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII { return (s.value >= 65 && s.value <= 90) || (s.value >= 97 && s.value <= 122) }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    @inline(__always) static func isNumber(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII { return s.value >= 48 && s.value <= 57 }
        switch s.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    @inline(__always) static func isSpace(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII { return s == " " || (s.value >= 9 && s.value <= 13) }
        return s.properties.isWhitespace
    }

    enum Kind { case letter, number, space, other }

    @inline(__always) static func classify(_ s: Unicode.Scalar) -> Kind {
        isLetter(s) ? .letter : isNumber(s) ? .number : isSpace(s) ? .space : .other
    }

    static func gpt2Split(_ text: Substring, into pieces: inout [Substring]) {
        let u = text.unicodeScalars
        var i = u.startIndex
        let end = u.endIndex
        func run(from j: String.UnicodeScalarView.Index, while test: (Unicode.Scalar) -> Bool) -> String.UnicodeScalarView.Index {
            var k = j
            while k < end && test(u[k]) { k = u.index(after: k) }
            return k
        }
        while i < end {
            let c = u[i]
            let next = u.index(after: i)
            // 's 't 're 've 'm 'll 'd
            if c == "'" && next < end {
                let c1 = u[next]
                let after1 = u.index(after: next)
                if c1 == "s" || c1 == "t" || c1 == "m" || c1 == "d" {
                    pieces.append(Substring(u[i..<after1])); i = after1; continue
                }
                if after1 < end {
                    let c2 = u[after1]
                    if (c1 == "r" && c2 == "e") || (c1 == "v" && c2 == "e") || (c1 == "l" && c2 == "l") {
                        let after2 = u.index(after: after1)
                        pieces.append(Substring(u[i..<after2])); i = after2; continue
                    }
                }
            }
            // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`
            let body = (c == " " && next < end) ? next : i
            if body < end {
                let kind = classify(u[body])
                if kind != .space {
                    let stop = run(from: body) { classify($0) == kind }
                    pieces.append(Substring(u[i..<stop])); i = stop; continue
                }
            }
            // `\s+(?!\S)` then `\s+`
            let stop = run(from: i, while: isSpace)
            if stop == end {
                pieces.append(Substring(u[i..<stop])); i = stop; continue
            }
            // Followed by non-space: leave the last whitespace to start the next piece, unless it is the only one.
            var last = i
            var k = i
            while k < stop { last = k; k = u.index(after: k) }
            if last > i {
                pieces.append(Substring(u[i..<last])); i = last
            } else {
                pieces.append(Substring(u[i..<stop])); i = stop
            }
        }
    }
}
