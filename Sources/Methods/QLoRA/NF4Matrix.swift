import Engine
import Foundation

/// A weight in QLoRA's storage (Dettmers et al., 2023): 4-bit NormalFloat codes per 64-element block of the
/// row-major weight, each block scaled by its absolute maximum; the absmaxes themselves, less their mean, are
/// quantized to 8 bits with bitsandbytes' dynamic map in groups of 256 blocks (double quantization).
public final class NF4Matrix {
    /// The 16 NF4 values (quantiles of a standard normal, scaled to [−1, 1], with an exact zero).
    public static let codebook: [Float] = [
        -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
        -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
        0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
    ]

    /// bitsandbytes' signed dynamic 8-bit map: for each decade 10^(i−6), i = 0…6, the midpoints of 2^i + 1 points
    /// spread evenly over [0.1, 1], with both signs; plus 0 and 1; sorted.
    public static let dynamicMap: [Float] = {
        var data: [Double] = []
        for i in 0..<7 {
            let items = (1 << i) + 1
            let boundaries = (0..<items).map { 0.1 + 0.9 * Double($0) / Double(items - 1) }
            let scale = Foundation.pow(10.0, Double(i - 6))
            for k in 0..<(items - 1) {
                let mean = (boundaries[k] + boundaries[k + 1]) / 2
                data.append(scale * mean)
                data.append(-scale * mean)
            }
        }
        data += [0, 1]
        return data.sorted().map { Float($0) }
    }()

    static let blockSize = 64
    static let groupSize = 256

    public let rows: Int, cols: Int
    let codes: [UInt8]        // two codes per byte, element 2k in the high nibble
    let absmaxCodes: [UInt8]  // one per block
    let groupScale: [Float]   // one per group of 256 blocks
    let absmaxOffset: Float

    public init(_ w: UnsafePointer<Float>, rows: Int, cols: Int) {
        self.rows = rows
        self.cols = cols
        let n = rows * cols
        let blocks = (n + Self.blockSize - 1) / Self.blockSize
        var absmax = [Float](repeating: 0, count: blocks)
        var codes = [UInt8](repeating: 0, count: (n + 1) / 2)
        for b in 0..<blocks {
            let range = (b * Self.blockSize)..<min(n, (b + 1) * Self.blockSize)
            var m: Float = 0
            for i in range { m = max(m, abs(w[i])) }
            absmax[b] = m
            for i in range {
                let q = Self.nearest(m > 0 ? w[i] / m : 0, in: Self.codebook)
                codes[i / 2] |= i % 2 == 0 ? q << 4 : q
            }
        }
        self.codes = codes
        let offset = absmax.reduce(0, +) / Float(max(1, blocks))
        absmaxOffset = offset
        let groups = (blocks + Self.groupSize - 1) / Self.groupSize
        var scales = [Float](repeating: 0, count: groups)
        var absmaxCodes = [UInt8](repeating: 0, count: blocks)
        for g in 0..<groups {
            let range = (g * Self.groupSize)..<min(blocks, (g + 1) * Self.groupSize)
            var m: Float = 0
            for b in range { m = max(m, abs(absmax[b] - offset)) }
            scales[g] = m
            for b in range { absmaxCodes[b] = Self.nearest(m > 0 ? (absmax[b] - offset) / m : 0, in: Self.dynamicMap) }
        }
        groupScale = scales
        self.absmaxCodes = absmaxCodes
    }

    /// Index of the closest value in a sorted table.
    static func nearest(_ x: Float, in table: [Float]) -> UInt8 {
        var lo = 0, hi = table.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if table[mid] <= x { lo = mid } else { hi = mid }
        }
        return UInt8(abs(table[lo] - x) <= abs(table[hi] - x) ? lo : hi)
    }

    /// Bytes held, against 4 per weight in Float32.
    public var bytes: Int { codes.count + absmaxCodes.count + groupScale.count * 4 + 4 }

    /// The Float32 weight (rows, cols) this storage stands for.
    public func dequantize(into out: UnsafeMutablePointer<Float>) {
        let n = rows * cols
        let map = Self.dynamicMap, book = Self.codebook
        codes.withUnsafeBufferPointer { c in
            Parallel.forChunks((n + Self.blockSize - 1) / Self.blockSize, minimumPerThread: 256) { blocks in
                for b in blocks {
                    let scale = map[Int(absmaxCodes[b])] * groupScale[b / Self.groupSize] + absmaxOffset
                    for i in (b * Self.blockSize)..<min(n, (b + 1) * Self.blockSize) {
                        let byte = c[i / 2]
                        out[i] = book[Int(i % 2 == 0 ? byte >> 4 : byte & 0x0F)] * scale
                    }
                }
            }
        }
    }
}

