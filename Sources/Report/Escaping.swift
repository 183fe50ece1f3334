import Foundation
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

    /// A path segment for a link: only characters that need no escaping in a URL or an attribute pass unchanged.
    static func pathSegment(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if c.isASCII && (c.isLetter || c.isNumber || "-_.".contains(c)) { out.append(c) } else { out += String(format: "%%%02X", byte) }
        }
        return out
    }
}

extension Node where Context: HTMLContext {
    /// Untrusted text, escaped.
    static func untrusted(_ s: String) -> Node { .raw(HTMLEscape.escape(s)) }
}
