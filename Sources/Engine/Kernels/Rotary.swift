import Foundation

// Rotary position embedding in the Hugging Face LLaMA convention ("rotate_half"): within each head of size D the
// pairs are (i, i + D/2), not interleaved. inv_freq[i] = theta^(-2i/D) and the angle position·inv_freq are float32,
// as the reference forms them. Shapes: x (N, heads·D) rotated in place; positions (N).

/// cos/sin of every position up to `maxPositions`, each row (D/2). Built once per model.
public final class RotaryTable: @unchecked Sendable {
    public let headDim: Int
    public let theta: Double
    public let maxPositions: Int
    public let invFreq: [Float]
    private let cosTable: FloatBuffer  // (maxPositions, D/2)
    private let sinTable: FloatBuffer

    public init(headDim: Int, theta: Double, maxPositions: Int) {
        precondition(headDim % 2 == 0, "rotary head dimension must be even")
        self.headDim = headDim
        self.theta = theta
        self.maxPositions = maxPositions
        let half = headDim / 2
        let freqs: [Float] = (0..<half).map { i in
            1 / Float(Foundation.pow(Double(Float(theta)), Double(Float(2 * i) / Float(headDim))))
        }
        invFreq = freqs
        cosTable = FloatBuffer(count: maxPositions * half)
        sinTable = FloatBuffer(count: maxPositions * half)
        for p in 0..<maxPositions {
            for i in 0..<half {
                let angle = Float(p) * freqs[i]
                cosTable[p * half + i] = Foundation.cos(angle)
                sinTable[p * half + i] = Foundation.sin(angle)
            }
        }
    }

    @inline(__always) func cos(_ position: Int) -> UnsafePointer<Float> {
        UnsafePointer(cosTable.pointer + position * (headDim / 2))
    }
    @inline(__always) func sin(_ position: Int) -> UnsafePointer<Float> {
        UnsafePointer(sinTable.pointer + position * (headDim / 2))
    }
}

public enum Rotary {
    /// Rotates every head of every row by its position; `inverse` applies the transposed rotation.
    public static func apply(
        _ x: UnsafeMutablePointer<Float>, positions: UnsafePointer<Int32>, rows: Int, heads: Int,
        table: RotaryTable, inverse: Bool = false
    ) {
        let d = table.headDim, half = d / 2
        let sign: Float = inverse ? -1 : 1
        for n in 0..<rows {
            let p = Int(positions[n])
            precondition(p >= 0 && p < table.maxPositions, "position \(p) outside the rotary table (\(table.maxPositions))")
        }
        Parallel.forChunks(rows, minimumPerThread: max(1, 32_768 / max(1, heads * d))) { range in
            for n in range {
                let p = Int(positions[n])
                let c = table.cos(p), s = table.sin(p)
                let row = x + n * heads * d
                for h in 0..<heads {
                    let v = row + h * d
                    for i in 0..<half {
                        let a = v[i], b = v[i + half]
                        let si = sign * s[i]
                        v[i] = a * c[i] - b * si
                        v[i + half] = b * c[i] + a * si
                    }
                }
            }
        }
    }

    public static func forward(
        _ x: UnsafeMutablePointer<Float>, positions: UnsafePointer<Int32>, rows: Int, heads: Int, table: RotaryTable
    ) {
        apply(x, positions: positions, rows: rows, heads: heads, table: table)
    }

    /// The rotation is orthogonal, so its backward is the inverse rotation of the gradient.
    public static func backward(
        _ dx: UnsafeMutablePointer<Float>, positions: UnsafePointer<Int32>, rows: Int, heads: Int, table: RotaryTable
    ) {
        apply(dx, positions: positions, rows: rows, heads: heads, table: table, inverse: true)
    }
}
