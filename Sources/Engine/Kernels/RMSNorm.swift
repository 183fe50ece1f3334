import Foundation

// RMSNorm as in Hugging Face LlamaRMSNorm: y = x / sqrt(mean(x²) + eps) · w, in float32.
// Shapes: x, y (N, C); w (C); rstd (N) kept for backward.

public enum RMSNorm {
    public static func forward(
        out: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>?,
        inp: UnsafePointer<Float>, weight: UnsafePointer<Float>, rows: Int, channels: Int, eps: Float
    ) {
        Parallel.forChunks(rows, minimumPerThread: max(1, 32_768 / max(1, channels))) { range in
            for n in range {
                let x = inp + n * channels
                let y = out + n * channels
                let meanSquare = VectorOps.dot(x, x, channels) / Float(channels)
                let r = 1 / (meanSquare + eps).squareRoot()
                rstd?[n] = r
                for i in 0..<channels { y[i] = x[i] * r * weight[i] }
            }
        }
    }

    /// dx (+)= rstd·(w∘dy) − x·rstd³/C·Σ(x∘w∘dy);  dw += Σₙ dy∘x·rstd (when dweight is given).
    public static func backward(
        dinp: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>?,
        dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        rstd: UnsafePointer<Float>, rows: Int, channels: Int, accumulate: Bool
    ) {
        Parallel.forChunks(rows, minimumPerThread: max(1, 32_768 / max(1, channels))) { range in
            for n in range {
                let x = inp + n * channels
                let dy = dout + n * channels
                let dx = dinp + n * channels
                let r = rstd[n]
                var dotXWdy: Float = 0
                for i in 0..<channels { dotXWdy += x[i] * weight[i] * dy[i] }
                let coef = r * r * r * dotXWdy / Float(channels)
                if accumulate {
                    for i in 0..<channels { dx[i] += r * weight[i] * dy[i] - coef * x[i] }
                } else {
                    for i in 0..<channels { dx[i] = r * weight[i] * dy[i] - coef * x[i] }
                }
            }
        }
        guard let dw = dweight else { return }
        // The weight's gradient sums over rows: split by channel, each summed over the rows in order.
        Parallel.forChunks(channels, minimumPerThread: max(1, 32_768 / max(1, rows))) { range in
            for n in 0..<rows {
                let x = inp + n * channels, dy = dout + n * channels, r = rstd[n]
                for i in range { dw[i] += dy[i] * x[i] * r }
            }
        }
    }
}
