import Foundation

/// Monotonic wall-clock seconds.
public struct Stopwatch: Sendable {
    private let start: UInt64
    public init() { start = DispatchTime.now().uptimeNanoseconds }
    public var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// Median of a non-empty list.
    public static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
