import Foundation
import Results

/// Writes GGUF v3 files: typed metadata, the tensor directory, and each tensor's data (F32, F16 or Q8_0 from
/// Float32 values, or bytes as given), aligned, through a temporary file and a rename.
public struct GGUFWriter {
    public struct Tensor {
        public let name: String
        /// ggml order: dims[0] varies fastest.
        public let dims: [Int]
        /// ggml's type number (`GGMLType.rawValue`).
        public let typeCode: UInt32
        let byteCount: Int
        let emit: (inout AtomicFile.Stream) throws -> Void

        /// Float32 values stored as `type` (F32, F16, or Q8_0 when the row length is a multiple of 32).
        public init(name: String, shape: [Int], values: [Float], type: GGMLType) {
            precondition(shape.reduce(1, *) == values.count, "\(name): shape does not match its values")
            precondition([.f32, .f16, .q8_0].contains(type), "\(name): cannot write \(type.name)")
            precondition(type != .q8_0 || (shape.last ?? 0) % 32 == 0, "\(name): Q8_0 needs rows of a multiple of 32")
            self.name = name
            dims = shape.reversed()
            typeCode = type.rawValue
            byteCount = values.count / type.blockSize * type.blockBytes
            emit = { out in
                switch type {
                case .f16:
                    try out.append(values.map { Float16($0).bitPattern.littleEndian }.withUnsafeBytes { Array($0) })
                case .q8_0:
                    try out.append(GGUFWriter.q8_0(values))
                default:
                    try values.withUnsafeBufferPointer { try out.append($0) }
                }
            }
        }

        /// Bytes as they are, under any type number: files of types peftbench does not read, or malformed ones, for
        /// the tests of readers.
        public init(name: String, dims: [Int], typeCode: UInt32, bytes: [UInt8]) {
            self.name = name
            self.dims = dims
            self.typeCode = typeCode
            byteCount = bytes.count
            emit = { try $0.append(bytes) }
        }
    }

    public var metadata: [(String, GGUFFile.Value)] = []
    public var tensors: [Tensor] = []
    public var alignment = 32

    public init(metadata: [(String, GGUFFile.Value)] = [], tensors: [Tensor] = []) {
        self.metadata = metadata
        self.tensors = tensors
    }

    public func write(to path: String) throws {
        try AtomicFile.write(to: path) { out in
            var header: [UInt8] = []
            func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { header += $0 } }
            func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { header += $0 } }
            func str(_ s: String) { u64(UInt64(s.utf8.count)); header += Array(s.utf8) }
            header += Array("GGUF".utf8)
            u32(3)
            u64(UInt64(tensors.count))
            u64(UInt64(metadata.count))
            for (key, value) in metadata {
                str(key)
                u32(Self.typeCode(value))
                Self.encode(value, into: &header)
            }
            var offset = 0
            for t in tensors {
                str(t.name)
                u32(UInt32(t.dims.count))
                t.dims.forEach { u64(UInt64($0)) }
                u32(t.typeCode)
                u64(UInt64(offset))
                offset += (t.byteCount + alignment - 1) / alignment * alignment
            }
            while header.count % alignment != 0 { header.append(0) }
            try out.append(header)
            for t in tensors {
                try t.emit(&out)
                let pad = (alignment - t.byteCount % alignment) % alignment
                if pad > 0 { try out.append([UInt8](repeating: 0, count: pad)) }
            }
        }
    }

    static func typeCode(_ v: GGUFFile.Value) -> UInt32 {
        switch v {
        case .uint8: return 0
        case .int8: return 1
        case .uint16: return 2
        case .int16: return 3
        case .uint32: return 4
        case .int32: return 5
        case .float32: return 6
        case .bool: return 7
        case .string: return 8
        case .array: return 9
        case .uint64: return 10
        case .int64: return 11
        case .float64: return 12
        }
    }

    static func encode(_ v: GGUFFile.Value, into out: inout [UInt8]) {
        func le<T: FixedWidthInteger>(_ x: T) { withUnsafeBytes(of: x.littleEndian) { out += $0 } }
        switch v {
        case .uint8(let x): le(x)
        case .int8(let x): le(x)
        case .uint16(let x): le(x)
        case .int16(let x): le(x)
        case .uint32(let x): le(x)
        case .int32(let x): le(x)
        case .float32(let x): le(x.bitPattern)
        case .bool(let x): out.append(x ? 1 : 0)
        case .string(let s): le(UInt64(s.utf8.count)); out += Array(s.utf8)
        case .uint64(let x): le(x)
        case .int64(let x): le(x)
        case .float64(let x): le(x.bitPattern)
        case .array(let items):
            // An empty array still needs an element type; string is as good as any.
            le(items.first.map(typeCode) ?? 8)
            le(UInt64(items.count))
            for item in items { encode(item, into: &out) }
        }
    }

    /// ggml's reference Q8_0: per block of 32, d = max|x| / 127 (stored as f16), q = round(x / d).
    static func q8_0(_ values: [Float]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count / 32 * 34)
        values.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBytes { o in
                for b in 0..<(x.count / 32) {
                    let block = x.baseAddress! + b * 32
                    var amax: Float = 0
                    for j in 0..<32 { amax = max(amax, abs(block[j])) }
                    let d = amax / 127, id = d != 0 ? 1 / d : 0
                    o.storeBytes(of: Float16(d).bitPattern.littleEndian, toByteOffset: b * 34, as: UInt16.self)
                    for j in 0..<32 {
                        o.storeBytes(of: Int8((block[j] * id).rounded(.toNearestOrAwayFromZero)), toByteOffset: b * 34 + 2 + j, as: Int8.self)
                    }
                }
            }
        }
        return out
    }
}
