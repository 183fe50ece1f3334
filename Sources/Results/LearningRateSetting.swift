import Foundation

/// A run's `learning_rate`: a number, or `select` — the grid point of its method with the lowest held-out loss in
/// short proxy runs, which a suite runs first (see `LearningRateChoice`). A number encodes as a number, so specs
/// that give one keep their run ids.
public enum LearningRateSetting: SpecValue, Equatable, Sendable, CustomStringConvertible {
    case value(Float)
    case select

    public static var valueName: String { "a number or select" }

    /// The rate, when one is given.
    public var fixed: Float? {
        if case .value(let v) = self { return v }
        return nil
    }

    public static func parse(_ text: String, key: String) throws -> LearningRateSetting {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t == "select" { return .select }
        guard let v = Float(t), v > 0, v.isFinite else { throw RunError("\(key): '\(text)' is not a positive number or select") }
        return .value(v)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let v = try? c.decode(Float.self) { self = .value(v); return }
        let text = try c.decode(String.self)
        guard text == "select" else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "learning_rate must be a number or select, got '\(text)'")
        }
        self = .select
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .value(let v): try c.encode(v)
        case .select: try c.encode("select")
        }
    }

    public var description: String {
        switch self {
        case .value(let v): return "\(v)"
        case .select: return "select"
        }
    }
}
