/// What a file holds, quoted in an error, must not break the error's one line: control characters (a newline, a
/// terminal escape) and Unicode line separators are written as escapes, and a very long text is cut.
public enum ErrorText {
    public static func oneLine(_ text: String, limit: Int = 2000) -> String {
        var out = String.UnicodeScalarView()
        for (i, scalar) in text.unicodeScalars.enumerated() {
            if i == limit { out.append("…"); break }
            switch scalar {
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            case "\t": out.append(scalar)
            case _ where scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}":
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
