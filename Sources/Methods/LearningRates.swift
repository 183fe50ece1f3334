import Foundation

/// A method's learning rates: the one it trains with unless a run sets one (the value its paper or Hugging Face
/// PEFT's examples use for decoder models of this size), where that value comes from, and the grid that learning-rate
/// selection searches. Every method declares its own, so a new method cannot be trained at another's rate.
public struct LearningRates: Sendable, Equatable {
    public let defaultValue: Float
    public let grid: [Float]
    public let source: String

    public init(default value: Float, grid: [Float], source: String) {
        precondition(grid.contains(value), "a learning-rate grid must hold its default")
        defaultValue = value
        self.grid = grid.sorted()
        self.source = source
    }

    /// Five points a half-decade apart, centred on the default (default / 10 … default · 10): wide enough to hold the
    /// retuned rates that comparisons of these methods report, a factor of 3 apart so that neighbours differ.
    public static func around(_ value: Float, source: String) -> LearningRates {
        LearningRates(default: value, grid: (-2...2).map { k in k == 0 ? value : rounded(value * Float(pow(10, Double(k) / 2))) },
                      source: source)
    }

    /// Three significant digits, so that grid points print, hash and compare as written.
    public static func rounded(_ x: Float) -> Float { Float(String(format: "%.3g", Double(x)))! }
}
