import Engine
import Model
import Training
import XCTest

final class OptimizerTests: XCTestCase {
    func testAdamWMatchesHandComputedSteps() {
        // Constant gradient 0.5: bias-corrected moments are exactly m̂ = 0.5, v̂ = 0.25, so each step moves lr·0.5/(0.5+ε)
        // after the decoupled decay p ← p(1 − lr·λ). Hand-computed: 1 → 0.999 → 0.899 → 0.898101 → 0.798101.
        let w = Parameter(name: "w", shape: [1, 1])
        let b = Parameter(name: "b", shape: [1])  // 1-D: no weight decay
        w.value[0] = 1; b.value[0] = 1
        let opt = AdamW(parameters: [w, b], settings: .init(weightDecay: 0.01))
        for _ in 0..<2 {
            w.grad![0] = 0.5; b.grad![0] = 0.5
            opt.update(learningRate: 0.1)
        }
        XCTAssertEqual(Double(w.value[0]), 0.798101, accuracy: 2e-6)
        XCTAssertEqual(Double(b.value[0]), 0.8, accuracy: 2e-6)
        // A changing gradient, against the formula evaluated in Double.
        let p = Parameter(name: "p", shape: [1, 1])
        p.value[0] = 0.3
        let adam = AdamW(parameters: [p], settings: .init(beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.1))
        var pd = 0.3, m = 0.0, v = 0.0
        for (t, g) in [0.2, -0.7, 1.5, 0.01].enumerated() {
            p.grad![0] = Float(g)
            adam.update(learningRate: 0.05)
            pd *= 1 - 0.05 * 0.1
            m = 0.8 * m + 0.2 * g
            v = 0.99 * v + 0.01 * g * g
            let mh = m / (1 - pow(0.8, Double(t + 1))), vh = v / (1 - pow(0.99, Double(t + 1)))
            pd -= 0.05 * mh / (vh.squareRoot() + 1e-6)
            XCTAssertEqual(Double(p.value[0]), pd, accuracy: 1e-6, "step \(t + 1)")
        }
    }

    func testFrozenParametersGetNoOptimizerState() {
        let a = Parameter(name: "a", shape: [4, 4]), f = Parameter(name: "f", shape: [4, 4], trainable: false)
        let opt = AdamW(parameters: [a, f])
        XCTAssertEqual(opt.parameters.count, 1)
        XCTAssertEqual(opt.stateBytes, 2 * 16 * 4)
    }

    func testGlobalNormClipping() {
        let a = Parameter(name: "a", shape: [2]), b = Parameter(name: "b", shape: [1])
        a.grad![0] = 3; a.grad![1] = 0; b.grad![0] = 4
        let norm = GradientClipping.clip([a, b], maxNorm: 1)
        XCTAssertEqual(norm, 5, accuracy: 1e-9)
        XCTAssertEqual(a.grad![0], 0.6, accuracy: 1e-6)
        XCTAssertEqual(b.grad![0], 0.8, accuracy: 1e-6)
        // Under the limit: untouched.
        XCTAssertEqual(GradientClipping.clip([a, b], maxNorm: 2), 1, accuracy: 1e-6)
        XCTAssertEqual(b.grad![0], 0.8, accuracy: 1e-6)
    }

    func testSchedules() {
        let cosine = LearningRateSchedule(kind: .cosine, peak: 1, warmupSteps: 10, totalSteps: 110)
        XCTAssertEqual(cosine.rate(at: 0), 0)
        XCTAssertEqual(cosine.rate(at: 5), 0.5, accuracy: 1e-6)
        XCTAssertEqual(cosine.rate(at: 10), 1, accuracy: 1e-6)
        XCTAssertEqual(cosine.rate(at: 60), 0.5, accuracy: 1e-6)
        XCTAssertEqual(cosine.rate(at: 110), 0, accuracy: 1e-6)
        let linear = LearningRateSchedule(kind: .linear, peak: 2, warmupSteps: 0, totalSteps: 100)
        XCTAssertEqual(linear.rate(at: 0), 2)
        XCTAssertEqual(linear.rate(at: 25), 1.5, accuracy: 1e-6)
        XCTAssertEqual(linear.rate(at: 100), 0)
        let constant = LearningRateSchedule(kind: .constant, peak: 3, warmupSteps: 4, totalSteps: 100)
        XCTAssertEqual(constant.rate(at: 2), 1.5, accuracy: 1e-6)
        XCTAssertEqual(constant.rate(at: 99), 3)
    }
}
