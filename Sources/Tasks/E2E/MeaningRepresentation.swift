import Foundation

/// An E2E meaning representation, `name[The Eagle], eatType[coffee shop], customer rating[5 out of 5]`: an
/// ordered list of attribute/value pairs. Attribute names may contain spaces; values run to the closing bracket.
public struct MeaningRepresentation: Sendable, Equatable {
    public var pairs: [(attribute: String, value: String)]

    public init(pairs: [(attribute: String, value: String)]) { self.pairs = pairs }

    public static func == (a: Self, b: Self) -> Bool {
        a.pairs.count == b.pairs.count && zip(a.pairs, b.pairs).allSatisfy { $0.attribute == $1.attribute && $0.value == $1.value }
    }

    public subscript(attribute: String) -> String? { pairs.first { $0.attribute == attribute }?.value }

    /// Parses the official notation; nil describes what is wrong.
    public static func parse(_ text: String) -> Result<MeaningRepresentation, ParseError> {
        var pairs: [(String, String)] = []
        var rest = Substring(text)
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" }
            if rest.isEmpty { break }
            guard let open = rest.firstIndex(of: "[") else {
                return .failure(ParseError(message: "'\(rest)' has no [value]"))
            }
            let name = rest[..<open].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { return .failure(ParseError(message: "a [value] without an attribute name")) }
            guard let close = rest[open...].firstIndex(of: "]") else {
                return .failure(ParseError(message: "'\(name)[' is never closed by ']'"))
            }
            pairs.append((name, String(rest[rest.index(after: open)..<close])))
            rest = rest[rest.index(after: close)...].drop { $0 == " " }
            if rest.isEmpty { break }
            guard rest.first == "," else { return .failure(ParseError(message: "expected ',' after '\(name)[…]'")) }
            rest = rest.dropFirst()
        }
        guard !pairs.isEmpty else { return .failure(ParseError(message: "empty meaning representation")) }
        return .success(MeaningRepresentation(pairs: pairs))
    }

    public struct ParseError: Error, Equatable { public var message: String }

    /// The official notation.
    public var text: String { pairs.map { "\($0.attribute)[\($0.value)]" }.joined(separator: ", ") }
}
