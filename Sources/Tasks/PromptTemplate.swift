import Foundation

/// A prompt or target template: text with `{{field}}` slots filled from an example's fields (the
/// lm-evaluation-harness notation, without the rest of Jinja). An unknown field is an error, not an empty string.
public struct PromptTemplate: Sendable, Equatable, Codable {
    public var source: String

    public init(_ source: String) { self.source = source }

    public init(from decoder: Decoder) throws { source = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(source)
    }

    enum Piece: Equatable { case text(String), field(String) }

    public struct RenderError: Error, CustomStringConvertible {
        public var description: String
    }

    func pieces() throws -> [Piece] {
        var out: [Piece] = []
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw RenderError(description: "template '\(source)' has '{{' without '}}'")
            }
            if open.lowerBound > rest.startIndex { out.append(.text(String(rest[..<open.lowerBound]))) }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw RenderError(description: "template '\(source)' has a bad field name '{{\(name)}}'")
            }
            out.append(.field(name))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { out.append(.text(String(rest))) }
        return out
    }

    /// The field names the template uses.
    public func fields() throws -> [String] {
        try pieces().compactMap { if case .field(let f) = $0 { return f } else { return nil } }
    }

    public func render(_ fields: [String: String]) throws -> String {
        var out = ""
        for piece in try pieces() {
            switch piece {
            case .text(let t): out += t
            case .field(let name):
                guard let value = fields[name] else {
                    throw RenderError(description: "template field '{{\(name)}}' is not one of the example's fields (\(fields.keys.sorted().joined(separator: ", ")))")
                }
                out += value
            }
        }
        return out
    }
}
