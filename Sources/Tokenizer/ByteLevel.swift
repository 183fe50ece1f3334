/// GPT-2's reversible map between bytes and printable Unicode characters: byte-level BPE vocabularies spell every
/// byte as one of these characters (a space is "Ġ", a newline "Ċ").
public enum ByteLevel {
    /// The character that stands for each byte.
    public static let byteToScalar: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var printable = Set<Int>()
        for r in [33...126, 161...172, 174...255] { for b in r { printable.insert(b) } }
        var next = 0
        for b in 0..<256 {
            if printable.contains(b) {
                table[b] = Unicode.Scalar(UInt32(b))!
            } else {
                table[b] = Unicode.Scalar(UInt32(256 + next))!
                next += 1
            }
        }
        return table
    }()

    /// The inverse: scalar value → byte.
    public static let scalarToByte: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (b, s) in byteToScalar.enumerated() { map[s.value] = UInt8(b) }
        return map
    }()

    /// Spells UTF-8 bytes with the byte-level alphabet.
    public static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(byteToScalar[Int(b)]) }
        return String(s)
    }

    /// Turns a byte-level spelled token back into its bytes; nil when it holds a character outside the alphabet.
    public static func decode(_ token: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.unicodeScalars.count)
        for s in token.unicodeScalars {
            guard let b = scalarToByte[s.value] else { return nil }
            bytes.append(b)
        }
        return bytes
    }
}
