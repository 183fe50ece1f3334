/// Projections that read one input (q, k and v; gate and up) and can run some of their products together: one
/// product against their stacked low-rank matrices instead of several narrow ones, each of which would read the
/// whole input again for a few output columns.
public protocol SharedInputLayer: LinearLayer {
    /// Runs the forward of every layer of `group` (this one first) on `x`, writing `ys` in order; false when the
    /// group cannot run together, and the layers then run one by one.
    func forward(group: [any LinearLayer], x: UnsafePointer<Float>, ys: [UnsafeMutablePointer<Float>], rows: Int,
                 training: Bool) -> Bool
    /// The backward of a group whose last training forward ran together; writes dx as the sum of the group's input
    /// gradients. False when that forward ran one by one.
    func backward(group: [any LinearLayer], dys: [UnsafePointer<Float>], x: UnsafePointer<Float>,
                  dx: UnsafeMutablePointer<Float>, rows: Int) -> Bool
}

/// Runs projections of one input together when their first layer knows how, one by one otherwise.
enum SharedInput {
    static func forward(_ group: [any LinearLayer], x: UnsafePointer<Float>, ys: [UnsafeMutablePointer<Float>],
                        rows: Int, training: Bool) {
        if let lead = group.first as? any SharedInputLayer,
           lead.forward(group: group, x: x, ys: ys, rows: rows, training: training) { return }
        for (layer, y) in zip(group, ys) { layer.forward(x: x, y: y, rows: rows, training: training) }
    }

    static func backward(_ group: [any LinearLayer], dys: [UnsafePointer<Float>], x: UnsafePointer<Float>,
                         dx: UnsafeMutablePointer<Float>, rows: Int) {
        if let lead = group.first as? any SharedInputLayer,
           lead.backward(group: group, dys: dys, x: x, dx: dx, rows: rows) { return }
        for (i, (layer, dy)) in zip(group, dys).enumerated() {
            layer.backward(dy: dy, x: x, dx: dx, accumulateInput: i > 0, rows: rows)
        }
    }
}
