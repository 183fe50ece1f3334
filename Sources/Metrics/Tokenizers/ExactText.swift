/// A token compared and hashed by its bytes, as Python, Java and Perl compare strings. Swift's `String` and
/// `Substring` equality is canonical equivalence (é and e + U+0301 are equal, so are Å and the Angstrom sign
/// U+212B), which would count as one n-gram, one match or one exact answer what every reference tool keeps apart.
public struct ExactText: Hashable, Sendable {
    public let text: Substring

    public init(_ text: Substring) { self.text = text }
    public init(_ text: String) { self.text = text[...] }

    public static func == (a: ExactText, b: ExactText) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }

    public func hash(into hasher: inout Hasher) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if done == nil { for b in text.utf8 { hasher.combine(b) } }
        hasher.combine(text.utf8.count)
    }
}
