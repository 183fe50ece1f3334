/// Python's `str` semantics where metric conventions depend on them.
enum PythonText {
    /// `str.isspace()`: the characters Python's `str.split()` and `str.rstrip()` treat as whitespace.
    @inline(__always)
    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x1C...0x1F, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// `s.split()`.
    static func split(_ s: String) -> [Substring] {
        var out: [Substring] = []
        let u = s.unicodeScalars
        var i = u.startIndex
        while i < u.endIndex {
            while i < u.endIndex && isSpace(u[i]) { i = u.index(after: i) }
            guard i < u.endIndex else { break }
            var j = i
            while j < u.endIndex && !isSpace(u[j]) { j = u.index(after: j) }
            out.append(Substring(u[i..<j]))
            i = j
        }
        return out
    }

    /// `s.rstrip()`.
    static func rstrip(_ s: String) -> String {
        var u = s.unicodeScalars[...]
        while let last = u.last, isSpace(last) { u = u.dropLast() }
        return String(String.UnicodeScalarView(u))
    }
}
