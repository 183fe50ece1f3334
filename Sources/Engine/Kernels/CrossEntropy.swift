import Foundation

// Softmax cross-entropy over the vocabulary for the rows that carry a target. Shapes: logits (M, V), targets (M).
// The mean is taken over target tokens; the caller passes the normaliser so gradient accumulation over several
// micro-batches divides by the tokens of the whole optimizer step.

public enum CrossEntropy {
    /// Returns the summed loss (Double, so long sums stay exact enough) and, when `gradScale` is given, replaces
    /// the logits by dLoss/dlogits = (softmax − onehot) · gradScale. `logProbOfTarget`, when given, receives
    /// log p(target) per row.
    @discardableResult
    public static func forwardBackward(
        logits: UnsafeMutablePointer<Float>, targets: UnsafePointer<Int32>, rows: Int, vocab: Int,
        gradScale: Float?, logProbOfTarget: UnsafeMutablePointer<Float>? = nil
    ) -> Double {
        // Rows are independent; per-chunk sums are added in chunk order, so the total does not depend on timing.
        let sums = Parallel.mapChunks(rows, minimumPerThread: max(1, 32_768 / max(1, vocab))) { range in
            var total = 0.0
            for m in range {
                let row = logits + m * vocab
                let t = Int(targets[m])
                precondition(t >= 0 && t < vocab, "target id \(t) outside the vocabulary (\(vocab))")
                let target = row[t]
                let logZ = Softmax.forward(row, vocab)
                let nll = logZ - target
                total += Double(nll)
                logProbOfTarget?[m] = -nll
                if let scale = gradScale {
                    for i in 0..<vocab { row[i] *= scale }
                    row[t] -= scale
                }
            }
            return total
        }
        return sums.reduce(0, +)
    }
}
