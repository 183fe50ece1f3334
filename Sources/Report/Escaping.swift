import Foundation
import Results
import Plot

/// Every string a model or a dataset produced (and every name a user chose) goes into the page through here.
/// Plot escapes text nodes only partly (it leaves entity-like `&…;` sequences alone) and does not escape attribute
/// values at all, so the report escapes on its own: `& < > " '` always.
enum HTMLEscape {
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// A file name (and the link to it) for any name: the name itself when it holds only letters, digits and `-_.`,
    /// else those characters of it followed by a digest of the whole — the same on disk and in the link, so that no
    /// browser's decoding of a link can miss the file, and two names never share one.
    static func fileName(_ s: String) -> String {
        let safe = String(s.unicodeScalars.filter { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) })
        if safe == s && !s.isEmpty && !s.hasPrefix(".") { return s }
        return String(safe.prefix(40)) + "-" + FileDigest.sha256(Data(s.utf8)).prefix(12)
    }
}

extension HTMLEscape {
    /// Characters that reorder the text around them (embeddings, overrides, isolates, marks).
    static func hasBidiControls(_ s: String) -> Bool {
        s.unicodeScalars.contains { (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) || $0.value == 0x200E || $0.value == 0x200F || $0.value == 0x061C }
    }

    /// Escaped text, isolated in `<bdi>` when it carries bidi controls, so that it cannot reorder the page around it.
    static func text(_ s: String) -> String {
        hasBidiControls(s) ? "<bdi>" + escape(s) + "</bdi>" : escape(s)
    }
}

extension Node where Context: HTMLContext {
    /// Untrusted text, escaped.
    static func untrusted(_ s: String) -> Node { .raw(HTMLEscape.text(s)) }
}
