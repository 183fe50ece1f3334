import Engine
import XCTest

/// Finite-difference checks of analytic gradients in Float32.
///
/// A single coordinate's central difference drowns in Float32 rounding when gradients are small, so each check
/// combines (1) directional derivatives along random ±1 directions, whose signal grows with √n while the rounding
/// noise does not, and (2) the coordinates with the largest analytic gradients one by one. Both must agree within
/// `tolerance` (relative), which a wrong gradient fails.
public struct GradientCheck {
    public var epsilon: Float = 1e-3
    public var tolerance: Double = 2e-2
    public var directions = 3
    public var coordinates = 6
    public var seed: UInt64 = 7
    /// For piecewise-linear layers (ReLU): a coordinate whose ±ε step crosses a kink has no central derivative
    /// there, so a single-coordinate check also accepts the left or right difference.
    public var kinks = false

    public init(epsilon: Float = 1e-3, tolerance: Double = 2e-2, directions: Int = 3, coordinates: Int = 6, kinks: Bool = false) {
        self.kinks = kinks
        self.epsilon = epsilon
        self.tolerance = tolerance
        self.directions = directions
        self.coordinates = coordinates
    }

    public struct Outcome {
        public var worstRelativeError: Double
        public var comparisons: [(analytic: Double, numeric: Double)]
    }

    /// Checks and asserts. `values` is perturbed in place and restored; `analytic` holds dL/dvalues; `loss`
    /// recomputes L.
    @discardableResult
    public func run(_ name: String, values: UnsafeMutablePointer<Float>, analytic: UnsafePointer<Float>, count: Int,
                    loss: () -> Double, file: StaticString = #filePath, line: UInt = #line) -> Outcome {
        let outcome = evaluate(name, values: values, analytic: analytic, count: count, loss: loss)
        let scale = outcome.comparisons.map { max(abs($0.analytic), abs($0.numeric)) }.max() ?? 0
        XCTAssertGreaterThan(scale, 0, "\(name): every gradient is zero, nothing was checked", file: file, line: line)
        XCTAssertLessThan(outcome.worstRelativeError, tolerance, "\(name): analytic vs numeric \(outcome.comparisons)",
                          file: file, line: line)
        return outcome
    }

    /// The comparison without assertions.
    public func evaluate(_ name: String, values: UnsafeMutablePointer<Float>, analytic: UnsafePointer<Float>,
                         count: Int, loss: () -> Double) -> Outcome {
        var rng = RandomGenerator.derived(seed: seed, stream: name)
        var comparisons: [(analytic: Double, numeric: Double)] = []
        let saved = Array(UnsafeBufferPointer(start: values, count: count))
        func restore() { for i in 0..<count { values[i] = saved[i] } }

        // Moving all n coordinates by ε is a step of length ε√n, where curvature swamps the difference quotient;
        // the directional step keeps its length near 2ε instead.
        let step = epsilon * min(1, 2 / Float(count).squareRoot())
        for _ in 0..<directions {
            let signs = (0..<count).map { _ in rng.next() & 1 == 0 ? step : -step }
            // Predicted change for the step: Σ g_i·δ_i.
            var directional = 0.0
            for i in 0..<count { directional += Double(analytic[i]) * Double(signs[i]) }
            for i in 0..<count { values[i] = saved[i] + signs[i] }
            let plus = loss()
            for i in 0..<count { values[i] = saved[i] - signs[i] }
            let minus = loss()
            restore()
            // The step actually taken, after Float rounding of the perturbed values.
            comparisons.append((directional, (plus - minus) / 2))
        }
        let order = (0..<count).sorted { abs(analytic[$0]) > abs(analytic[$1]) }
        let center = kinks ? loss() : 0
        for i in order.prefix(coordinates) {
            values[i] = saved[i] + epsilon
            let hi = Double(values[i])
            let plus = loss()
            values[i] = saved[i] - epsilon
            let lo = Double(values[i])
            let minus = loss()
            restore()
            var numeric = (plus - minus) / (hi - lo)
            if kinks {
                let a = Double(analytic[i]), mid = Double(saved[i])
                for oneSided in [(plus - center) / (hi - mid), (center - minus) / (mid - lo)] where abs(oneSided - a) < abs(numeric - a) {
                    numeric = oneSided
                }
            }
            comparisons.append((Double(analytic[i]), numeric))
        }
        let scale = comparisons.map { max(abs($0.0), abs($0.1)) }.max() ?? 0
        var worst = 0.0
        for (a, n) in comparisons {
            // Relative to the larger of the value itself and a small fraction of the largest value compared, so
            // near-zero coordinates are judged on an absolute scale.
            let denom = max(max(abs(a), abs(n)), 1e-2 * scale, 1e-9)
            worst = max(worst, abs(a - n) / denom)
        }
        return Outcome(worstRelativeError: worst, comparisons: comparisons)
    }
}

/// Random Float buffers for tests.
public func randomBuffer(_ count: Int, seed: UInt64, scale: Float = 1) -> FloatBuffer {
    let b = FloatBuffer(count: count)
    var rng = RandomGenerator(seed: seed)
    rng.fillUniform(b.pointer, count: count, bound: scale)
    return b
}

/// Σ r_i y_i in Double: a scalar loss whose gradient with respect to y is r.
public func weightedSum(_ y: UnsafePointer<Float>, _ r: UnsafePointer<Float>, _ n: Int) -> Double {
    var s = 0.0
    for i in 0..<n { s += Double(y[i]) * Double(r[i]) }
    return s
}
