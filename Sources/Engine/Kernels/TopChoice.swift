import Foundation

/// The most likely entry of each row of logits and its softmax probability, for calibration: the confidence is
/// 1 / Σ exp(x − max), accumulated in Double so that a 50k-entry vocabulary keeps its precision; ties go to the
/// lowest id.
public enum TopChoice {
    public static func forward(logits: UnsafePointer<Float>, rows: Int, vocab: Int,
                               probability: UnsafeMutablePointer<Double>, token: UnsafeMutablePointer<Int32>) {
        Parallel.forChunks(rows, minimumPerThread: max(1, 32_768 / max(1, vocab))) { range in
            for m in range {
                let row = logits + m * vocab
                var best = 0
                var maxLogit = -Float.infinity
                for v in 0..<vocab where row[v] > maxLogit {
                    maxLogit = row[v]
                    best = v
                }
                var sum = 0.0
                for v in 0..<vocab { sum += exp(Double(row[v] - maxLogit)) }
                probability[m] = 1 / sum
                token[m] = Int32(best)
            }
        }
    }
}
