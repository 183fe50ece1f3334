import Engine
import Methods
import Model
import XCTest

/// Projections of one input run as a group (one product against stacked low-rank matrices) must give what they give
/// one by one: outputs, input gradient and every parameter gradient.
final class SharedInputGroupTests: XCTestCase {
    /// One key/value head of three: k and v are a third of q's width, so the group's members differ in shape.
    let config = LlamaConfig(hiddenSize: 12, numHiddenLayers: 1, numAttentionHeads: 3, numKeyValueHeads: 1,
                             intermediateSize: 20, vocabSize: 10, maxPositionEmbeddings: 16, initializerRange: 0.3)

    func testGroupsGiveWhatTheirLayersGiveOneByOne() throws {
        let cases: [(method: String, params: [String: String], groupsInTraining: Bool)] = [
            ("lora", ["r": "4"], true),
            ("lora", ["r": "4", "use_rslora": "true"], true),
            ("lora-fa", ["r": "4"], true),
            ("dora", ["r": "3"], true),
            ("vera", ["r": "8"], true),
            ("adalora", ["init_r": "6", "target_r": "2", "total_step": "10"], true),
            // Each projection draws its own dropout mask, so training runs them one by one.
            ("lora", ["r": "4", "lora_dropout": "0.1"], false),
        ]
        for c in cases {
            for slots in [[LinearSlot.q_proj, .k_proj, .v_proj], [.gate_proj, .up_proj]] {
                let label = "\(c.method) \(c.params) \(slots.map(\.rawValue))"
                let m = LlamaModel(config: config, seed: 3, trainable: false)
                let applied = try MethodRegistry.apply(c.method, to: m, overrides: c.params, context: MethodContext(seed: 1))
                var rng = RandomGenerator(seed: 5)
                for p in applied.trainable { for i in 0..<p.count { p.value[i] += Float(rng.nextUniform() - 0.5) * 0.4 } }
                let layers = slots.map { m.layers[0][$0] }
                let lead = try XCTUnwrap(layers[0] as? any SharedInputLayer, label)
                let rows = 5, inF = layers[0].inFeatures
                let x = FloatBuffer(count: rows * inF)
                rng.fillUniform(x.pointer, count: x.count, bound: 1)
                let dys = layers.map { l -> FloatBuffer in
                    let b = FloatBuffer(count: rows * l.outFeatures)
                    rng.fillUniform(b.pointer, count: b.count, bound: 1)
                    return b
                }

                // At inference every case groups (dropout is off).
                let alone = layers.map { l -> [Float] in
                    let y = FloatBuffer(count: rows * l.outFeatures)
                    l.forward(x: x.pointer, y: y.pointer, rows: rows, training: false)
                    return y.toArray()
                }
                let ysInference = layers.map { FloatBuffer(count: rows * $0.outFeatures) }
                XCTAssertTrue(lead.forward(group: layers, x: x.pointer, ys: ysInference.map(\.pointer), rows: rows,
                                           training: false), label)
                for (a, b) in zip(alone, ysInference) { assertClose(a, b.toArray(), label + " inference output") }
                guard c.groupsInTraining else {
                    XCTAssertFalse(lead.forward(group: layers, x: x.pointer, ys: ysInference.map(\.pointer), rows: rows,
                                                training: true), label)
                    continue
                }

                func oneByOne() -> (ys: [[Float]], dx: [Float], grads: [[Float]]) {
                    m.zeroGradients()
                    let ys = layers.map { FloatBuffer(count: rows * $0.outFeatures) }
                    let dx = FloatBuffer(count: rows * inF)
                    for (l, y) in zip(layers, ys) { l.forward(x: x.pointer, y: y.pointer, rows: rows, training: true) }
                    for (i, l) in layers.enumerated() {
                        l.backward(dy: dys[i].pointer, x: x.pointer, dx: dx.pointer, accumulateInput: i > 0, rows: rows)
                    }
                    return (ys.map { $0.toArray() }, dx.toArray(), applied.trainable.map { $0.grad!.toArray() })
                }
                func together() -> (ys: [[Float]], dx: [Float], grads: [[Float]]) {
                    m.zeroGradients()
                    let ys = layers.map { FloatBuffer(count: rows * $0.outFeatures) }
                    let dx = FloatBuffer(count: rows * inF)
                    dx.pointer.update(repeating: .nan, count: dx.count)  // written, not added to
                    XCTAssertTrue(lead.forward(group: layers, x: x.pointer, ys: ys.map(\.pointer), rows: rows, training: true), label)
                    XCTAssertTrue(lead.backward(group: layers, dys: dys.map { UnsafePointer($0.pointer) }, x: x.pointer,
                                                dx: dx.pointer, rows: rows), label)
                    return (ys.map { $0.toArray() }, dx.toArray(), applied.trainable.map { $0.grad!.toArray() })
                }
                let want = oneByOne(), got = together()
                for (a, b) in zip(want.ys, got.ys) { assertClose(a, b, label + " output") }
                assertClose(want.dx, got.dx, label + " dx")
                let members = Set(layers.flatMap(\.parameters).map(ObjectIdentifier.init))
                for (p, (a, b)) in zip(applied.trainable, zip(want.grads, got.grads)) {
                    assertClose(a, b, label + " " + p.name, nonZero: members.contains(ObjectIdentifier(p)))
                }
                // A group's forward followed by its layers' own must not be taken for a group's backward.
                XCTAssertTrue(lead.forward(group: layers, x: x.pointer, ys: ysInference.map(\.pointer), rows: rows,
                                           training: true), label)
                _ = oneByOne()
                XCTAssertFalse(lead.backward(group: layers, dys: dys.map { UnsafePointer($0.pointer) }, x: x.pointer,
                                             dx: FloatBuffer(count: rows * inF).pointer, rows: rows), label)
            }
        }
    }

    private func assertClose(_ a: [Float], _ b: [Float], _ label: String, nonZero: Bool = true, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, label, file: file, line: line)
        let scale = max(1, a.map(abs).max() ?? 1)
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, 1e-5 * scale, label, file: file, line: line)
        if nonZero { XCTAssertTrue(a.contains { $0 != 0 }, label + " is all zero", file: file, line: line) }
    }
}
