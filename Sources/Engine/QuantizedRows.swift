/// A frozen weight matrix `(rows, cols)` kept in ggml's 32-element block formats, for one-token products during
/// KV-cache decoding, where reading the weights from memory is the whole cost: 4-bit blocks move ~6 bits per weight
/// instead of 32. Each block holds exactly the values the Float32 copy was dequantized from, so products agree
/// with it up to summation order.
///
/// Repacked on construction: scales (and minimums) as Float32 arrays beside the quants, so the kernel converts no
/// half floats, and 4-bit quants widened to one byte each in element order, so the kernel widens bytes straight
/// from memory instead of unpacking nibbles: about half the instructions per block, for half a byte more per weight
/// (measured on a Zen 3 pair of cores: batch-1 decoding 85 → 102 tokens/s, one core 56 → 70–81).
public final class QuantizedRows: @unchecked Sendable {
    public enum Format: String, Sendable {
        /// x = q·d + m with 4-bit q (Q4_1; Q4_0 is m = −8·d).
        case q4
        /// x = q·d with signed 8-bit q (Q8_0).
        case q8
    }

    public let format: Format
    public let rows: Int
    public let cols: Int
    let blocks: Int
    let scales: UnsafeMutablePointer<Float>  // (rows, blocks)
    let mins: UnsafeMutablePointer<Float>    // (rows, blocks), q4 only
    let quants: UnsafeMutableRawPointer      // (rows, blocks, 32 bytes): unsigned 0…15 for q4, signed for q8

    /// - Parameters: `scales`, `mins` one per block in row order; `quants` 16 bytes per q4 block (low nibbles are
    ///   elements 0–15, high nibbles 16–31) or 32 signed bytes per q8 block.
    public init(format: Format, rows: Int, cols: Int, scales: [Float], mins: [Float]?, quants: [UInt8]) {
        precondition(cols % 32 == 0, "columns must be whole 32-element blocks")
        self.format = format
        self.rows = rows
        self.cols = cols
        blocks = cols / 32
        let n = rows * blocks
        precondition(scales.count == n && (format == .q8 || mins?.count == n), "one scale per block")
        precondition(quants.count == n * (format == .q4 ? 16 : 32), "quant bytes do not match the shape")
        self.scales = .allocate(capacity: n)
        self.scales.initialize(from: scales, count: n)
        self.mins = .allocate(capacity: format == .q4 ? n : 1)
        if let mins { self.mins.initialize(from: mins, count: n) }
        self.quants = .allocate(byteCount: max(1, n * 32), alignment: 64)
        switch format {
        case .q8:
            quants.withUnsafeBytes { self.quants.copyMemory(from: $0.baseAddress!, byteCount: quants.count) }
        case .q4:
            let out = self.quants.bindMemory(to: UInt8.self, capacity: n * 32)
            for block in 0..<n {
                for i in 0..<16 {
                    let byte = quants[block * 16 + i]
                    out[block * 32 + i] = byte & 0x0F
                    out[block * 32 + 16 + i] = byte >> 4
                }
            }
        }
    }

    deinit {
        scales.deallocate()
        mins.deallocate()
        quants.deallocate()
    }

    /// `y = W·x` (y: rows, x: cols), rows split across the engine's threads.
    public func multiply(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        GEMM.countFLOPs(2 * Double(rows) * Double(cols))
        withUnsafeTemporaryAllocation(of: Float.self, capacity: blocks) { blockSums in
            // Σx per block: the minimum's contribution is m·Σx.
            for b in 0..<blocks { blockSums[b] = VectorOps.sum(x + b * 32, 32) }
            nonisolated(unsafe) let sums = UnsafePointer(blockSums.baseAddress!)
            // Handing rows to a spinning worker costs about what 30k multiply-adds take.
            Parallel.forChunks(rows, minimumPerThread: max(16, 30_000 / cols)) { range in
                for r in range { y[r] = format == .q4 ? rowQ4(r, x, sums) : rowQ8(r, x) }
            }
        }
    }

    // The lanes are converted one by one on purpose: the generic SIMD conversion initialisers compile to calls,
    // while this form compiles to vpmovzxbd/vcvtdq2ps on one 8-lane register.
    @inline(__always) private static func float8(_ v: SIMD8<UInt8>) -> SIMD8<Float> {
        SIMD8(Float(v[0]), Float(v[1]), Float(v[2]), Float(v[3]), Float(v[4]), Float(v[5]), Float(v[6]), Float(v[7]))
    }

    @inline(__always) private static func float8(_ v: SIMD8<Int8>) -> SIMD8<Float> {
        SIMD8(Float(v[0]), Float(v[1]), Float(v[2]), Float(v[3]), Float(v[4]), Float(v[5]), Float(v[6]), Float(v[7]))
    }

    /// Σ (q·d + m)·x = Σ_blocks d·Σ q·x + Σ_blocks m·Σx, the second sum one dot product over the row's blocks.
    @inline(__always)
    private func rowQ4(_ r: Int, _ x: UnsafePointer<Float>, _ sums: UnsafePointer<Float>) -> Float {
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
        let base = r * blocks
        for b in 0..<blocks {
            let p = UnsafeRawPointer(quants + (base + b) * 32)
            let xb = UnsafeRawPointer(x + b * 32)
            var low = Self.float8(p.load(as: SIMD8<UInt8>.self)) * xb.loadUnaligned(as: SIMD8<Float>.self)
            low.addProduct(Self.float8(p.load(fromByteOffset: 8, as: SIMD8<UInt8>.self)), xb.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self))
            var high = Self.float8(p.load(fromByteOffset: 16, as: SIMD8<UInt8>.self)) * xb.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
            high.addProduct(Self.float8(p.load(fromByteOffset: 24, as: SIMD8<UInt8>.self)), xb.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self))
            let d = SIMD8<Float>(repeating: scales[base + b])
            acc0.addProduct(d, low)
            acc1.addProduct(d, high)
        }
        return (acc0 + acc1).sum() + VectorOps.dot(mins + base, sums, blocks)
    }

    @inline(__always)
    private func rowQ8(_ r: Int, _ x: UnsafePointer<Float>) -> Float {
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
        let base = r * blocks
        for b in 0..<blocks {
            let p = UnsafeRawPointer(quants + (base + b) * 32)
            let xb = UnsafeRawPointer(x + b * 32)
            var t = Self.float8(p.load(as: SIMD8<Int8>.self)) * xb.loadUnaligned(as: SIMD8<Float>.self)
            t.addProduct(Self.float8(p.load(fromByteOffset: 8, as: SIMD8<Int8>.self)), xb.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self))
            var u = Self.float8(p.load(fromByteOffset: 16, as: SIMD8<Int8>.self)) * xb.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
            u.addProduct(Self.float8(p.load(fromByteOffset: 24, as: SIMD8<Int8>.self)), xb.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self))
            let d = SIMD8<Float>(repeating: scales[base + b])
            acc0.addProduct(d, t)
            acc1.addProduct(d, u)
        }
        return (acc0 + acc1).sum()
    }
}
