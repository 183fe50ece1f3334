// Dequantization of ggml's block formats to Float32, one row at a time. Layouts, per block:
//   Q4_0  f16 d, 16 B nibbles           x = (q − 8)·d          low nibbles are elements 0–15, high 16–31
//   Q4_1  f16 d, f16 m, 16 B nibbles    x = q·d + m
//   Q5_0  f16 d, u32 high bits, 16 B    x = (q | h<<4 − 16)·d
//   Q5_1  f16 d, f16 m, u32 high, 16 B  x = (q | h<<4)·d + m
//   Q8_0  f16 d, 32 × i8                x = q·d
//   Q4_K  f16 d, f16 dmin, 12 B packed 6-bit scales/mins, 128 B nibbles; 8 sub-blocks of 32
//   Q5_K  as Q4_K plus 32 B of fifth bits
//   Q6_K  128 B low nibbles, 64 B high 2-bit pairs, 16 × i8 scales, f16 d; 16 sub-blocks of 16

@inline(__always)
public func halfToFloat(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let exp = Int32((h >> 10) & 0x1F)
    let mant = UInt32(h & 0x3FF)
    if exp == 0 {
        // zero or subnormal: mant · 2^-24
        let v = Float(mant) * 0x1p-24
        return sign != 0 ? -v : v
    }
    if exp == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mant << 13)) }
    return Float(bitPattern: sign | UInt32(exp - 15 + 127) << 23 | (mant << 13))
}

@inline(__always)
public func bfloat16ToFloat(_ h: UInt16) -> Float { Float(bitPattern: UInt32(h) << 16) }

enum Dequantize {
    @inline(__always) static func u16(_ p: UnsafeRawPointer, _ o: Int) -> UInt16 { p.loadUnaligned(fromByteOffset: o, as: UInt16.self) }
    @inline(__always) static func f16(_ p: UnsafeRawPointer, _ o: Int) -> Float { halfToFloat(u16(p, o)) }
    @inline(__always) static func u8(_ p: UnsafeRawPointer, _ o: Int) -> UInt8 { p.load(fromByteOffset: o, as: UInt8.self) }

    /// Dequantizes `count` elements (a multiple of the block size) from `src` into `dst`.
    static func row(_ type: GGMLType, src: UnsafeRawPointer, dst: UnsafeMutablePointer<Float>, count: Int) {
        let blocks = count / type.blockSize
        switch type {
        case .f32:
            dst.update(from: src.assumingMemoryBound(to: Float.self), count: count)
        case .f16:
            for i in 0..<count { dst[i] = f16(src, 2 * i) }
        case .bf16:
            for i in 0..<count { dst[i] = bfloat16ToFloat(u16(src, 2 * i)) }
        case .q4_0:
            for b in 0..<blocks {
                let p = src + b * 18, y = dst + b * 32, d = f16(p, 0)
                for j in 0..<16 {
                    let q = u8(p, 2 + j)
                    y[j] = Float(Int(q & 0x0F) - 8) * d
                    y[j + 16] = Float(Int(q >> 4) - 8) * d
                }
            }
        case .q4_1:
            for b in 0..<blocks {
                let p = src + b * 20, y = dst + b * 32, d = f16(p, 0), m = f16(p, 2)
                for j in 0..<16 {
                    let q = u8(p, 4 + j)
                    y[j] = Float(q & 0x0F) * d + m
                    y[j + 16] = Float(q >> 4) * d + m
                }
            }
        case .q5_0:
            for b in 0..<blocks {
                let p = src + b * 22, y = dst + b * 32, d = f16(p, 0)
                let qh = p.loadUnaligned(fromByteOffset: 2, as: UInt32.self).littleEndian
                for j in 0..<16 {
                    let q = u8(p, 6 + j)
                    let h0 = Int((qh >> UInt32(j)) & 1) << 4, h1 = Int((qh >> UInt32(j + 16)) & 1) << 4
                    y[j] = Float((Int(q & 0x0F) | h0) - 16) * d
                    y[j + 16] = Float((Int(q >> 4) | h1) - 16) * d
                }
            }
        case .q5_1:
            for b in 0..<blocks {
                let p = src + b * 24, y = dst + b * 32, d = f16(p, 0), m = f16(p, 2)
                let qh = p.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian
                for j in 0..<16 {
                    let q = u8(p, 8 + j)
                    let h0 = Int((qh >> UInt32(j)) & 1) << 4, h1 = Int((qh >> UInt32(j + 16)) & 1) << 4
                    y[j] = Float(Int(q & 0x0F) | h0) * d + m
                    y[j + 16] = Float(Int(q >> 4) | h1) * d + m
                }
            }
        case .q8_0:
            for b in 0..<blocks {
                let p = src + b * 34, y = dst + b * 32, d = f16(p, 0)
                for j in 0..<32 { y[j] = Float(Int8(bitPattern: u8(p, 2 + j))) * d }
            }
        case .q4_K, .q5_K:
            let bytes = type.blockBytes
            for b in 0..<blocks {
                let p = src + b * bytes, y = dst + b * 256
                let d = f16(p, 0), dmin = f16(p, 2)
                let scales = p + 4
                let qh: UnsafeRawPointer? = type == .q5_K ? p + 16 : nil
                let qs = p + (type == .q5_K ? 48 : 16)
                for chunk in 0..<4 {  // 64 elements: two sub-blocks sharing 32 bytes of nibbles
                    let (s1, m1) = scaleMin(chunk * 2, scales), (s2, m2) = scaleMin(chunk * 2 + 1, scales)
                    let d1 = d * Float(s1), o1 = dmin * Float(m1), d2 = d * Float(s2), o2 = dmin * Float(m2)
                    let q = qs + chunk * 32
                    for l in 0..<32 {
                        let byte = u8(q, l)
                        var lo = Int(byte & 0x0F), hi = Int(byte >> 4)
                        if let qh {
                            let h = u8(qh, l)
                            if h & (1 << UInt8(2 * chunk)) != 0 { lo += 16 }
                            if h & (2 << UInt8(2 * chunk)) != 0 { hi += 16 }
                        }
                        y[chunk * 64 + l] = d1 * Float(lo) - o1
                        y[chunk * 64 + 32 + l] = d2 * Float(hi) - o2
                    }
                }
            }
        case .q6_K:
            for b in 0..<blocks {
                let p = src + b * 210, y = dst + b * 256
                let d = f16(p, 208)
                for half in 0..<2 {  // 128 elements each
                    let ql = p + half * 64, qh = p + 128 + half * 32, sc = p + 192 + half * 8
                    let out = y + half * 128
                    for l in 0..<32 {
                        let s = l / 16
                        let h = u8(qh, l)
                        let q1 = Int(u8(ql, l) & 0x0F) | Int(h & 3) << 4
                        let q2 = Int(u8(ql, l + 32) & 0x0F) | Int((h >> 2) & 3) << 4
                        let q3 = Int(u8(ql, l) >> 4) | Int((h >> 4) & 3) << 4
                        let q4 = Int(u8(ql, l + 32) >> 4) | Int((h >> 6) & 3) << 4
                        out[l] = d * Float(Int8(bitPattern: u8(sc, s))) * Float(q1 - 32)
                        out[l + 32] = d * Float(Int8(bitPattern: u8(sc, s + 2))) * Float(q2 - 32)
                        out[l + 64] = d * Float(Int8(bitPattern: u8(sc, s + 4))) * Float(q3 - 32)
                        out[l + 96] = d * Float(Int8(bitPattern: u8(sc, s + 6))) * Float(q4 - 32)
                    }
                }
            }
        default:
            preconditionFailure("\(type.name) is not readable")
        }
    }

    /// The 6-bit scale and min of sub-block `j` (0–7) packed in 12 bytes.
    @inline(__always)
    static func scaleMin(_ j: Int, _ q: UnsafeRawPointer) -> (UInt8, UInt8) {
        if j < 4 { return (u8(q, j) & 63, u8(q, j + 4) & 63) }
        let sc = (u8(q, j + 4) & 0x0F) | ((u8(q, j - 4) >> 6) << 4)
        let m = (u8(q, j + 4) >> 4) | ((u8(q, j) >> 6) << 4)
        return (sc, m)
    }
}
