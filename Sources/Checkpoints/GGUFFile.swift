import Foundation
import Results

/// A GGUF file (v2 or v3), memory-mapped: header, typed metadata, tensor directory and tensor data in place.
public final class GGUFFile: @unchecked Sendable {
    public indirect enum Value: Sendable, Equatable {
        case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
        case float32(Float), bool(Bool), string(String), array([Value]), uint64(UInt64), int64(Int64), float64(Double)

        public var int: Int? {
            switch self {
            case .uint8(let v): return Int(v)
            case .int8(let v): return Int(v)
            case .uint16(let v): return Int(v)
            case .int16(let v): return Int(v)
            case .uint32(let v): return Int(v)
            case .int32(let v): return Int(v)
            case .uint64(let v): return Int(exactly: v)
            case .int64(let v): return Int(v)
            default: return nil
            }
        }
        public var double: Double? {
            switch self {
            case .float32(let v): return Double(v)
            case .float64(let v): return v
            default: return int.map(Double.init)
            }
        }
        public var string: String? { if case .string(let s) = self { return s } else { return nil } }
        public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
        public var array: [Value]? { if case .array(let a) = self { return a } else { return nil } }
    }

    public struct TensorInfo: Sendable {
        public let name: String
        /// ggml order: dims[0] varies fastest (the input features of a weight).
        public let dims: [Int]
        public let type: GGMLType
        /// Absolute byte offset in the file.
        public let offset: Int
        public var elementCount: Int { dims.reduce(1, *) }
        public var byteCount: Int { elementCount / type.blockSize * type.blockBytes }
        /// Shape in PyTorch order (rows first).
        public var shape: [Int] { dims.reversed() }
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = ErrorText.oneLine(description) }
    }

    public let path: String
    public let version: UInt32
    public let metadata: [String: Value]
    /// Metadata keys in file order.
    public let metadataKeys: [String]
    public let tensors: [TensorInfo]
    public let alignment: Int
    private let file: MappedFile
    private let tensorIndex: [String: Int]

    public init(path: String) throws {
        let file = try MappedFile(path: path)
        self.file = file
        self.path = path
        var r = ByteReader(base: file.base, size: file.size, file: path)
        let magic = try r.read(UInt32.self, "the magic number")
        guard magic == 0x4655_4747 else {  // "GGUF"
            throw Invalid(description: "\(path): not a GGUF file (bad magic)")
        }
        version = try r.read(UInt32.self, "the version")
        guard version == 2 || version == 3 else {
            throw Invalid(description: "\(path): GGUF version \(version) is not supported (2 and 3 are)")
        }
        let tensorCount = try r.read(UInt64.self, "the tensor count")
        let kvCount = try r.read(UInt64.self, "the metadata count")
        // Each entry takes at least a few bytes, so counts beyond the file size are corrupt, not large.
        guard tensorCount < UInt64(file.size), kvCount < UInt64(file.size) else {
            throw Invalid(description: "\(path): implausible tensor or metadata count (corrupt header)")
        }
        func string(_ what: @autoclosure () -> String) throws -> String {
            let n = try r.read(UInt64.self, what())
            guard n <= UInt64(file.size) else { throw Invalid(description: "\(path): string length \(n) in \(what()) exceeds the file") }
            let b = try r.bytes(Int(n), what())
            guard let s = String(validating: b, as: UTF8.self) else {
                throw Invalid(description: "\(path): \(what()) is not valid UTF-8")
            }
            return s
        }
        func value(type: UInt32, _ what: String, depth: Int = 0) throws -> Value {
            switch type {
            case 0: return .uint8(try r.read(UInt8.self, what))
            case 1: return .int8(try r.read(Int8.self, what))
            case 2: return .uint16(try r.read(UInt16.self, what))
            case 3: return .int16(try r.read(Int16.self, what))
            case 4: return .uint32(try r.read(UInt32.self, what))
            case 5: return .int32(try r.read(Int32.self, what))
            case 6: return .float32(try r.float32(what))
            case 7:
                let b = try r.read(UInt8.self, what)
                guard b <= 1 else { throw Invalid(description: "\(path): \(what) holds \(b), not a bool") }
                return .bool(b == 1)
            case 8: return .string(try string(what))
            case 9:
                guard depth < 4 else { throw Invalid(description: "\(path): \(what) nests arrays too deeply") }
                let elementType = try r.read(UInt32.self, what)
                let count = try r.read(UInt64.self, what)
                guard count <= UInt64(file.size - r.offset) else {
                    throw Invalid(description: "\(path): \(what) claims \(count) elements, more than the file holds")
                }
                var items: [Value] = []
                items.reserveCapacity(Int(count))
                for i in 0..<Int(count) { items.append(try value(type: elementType, "\(what)[\(i)]", depth: depth + 1)) }
                return .array(items)
            case 10: return .uint64(try r.read(UInt64.self, what))
            case 11: return .int64(try r.read(Int64.self, what))
            case 12: return .float64(try r.float64(what))
            default: throw Invalid(description: "\(path): \(what) has unknown value type \(type)")
            }
        }
        var metadata: [String: Value] = [:]
        var keys: [String] = []
        for i in 0..<Int(kvCount) {
            let key = try string("metadata key \(i)")
            let type = try r.read(UInt32.self, "the type of metadata '\(key)'")
            metadata[key] = try value(type: type, "metadata '\(key)'")
            keys.append(key)
        }
        self.metadata = metadata
        metadataKeys = keys
        let alignment = metadata["general.alignment"]?.int ?? 32
        guard alignment > 0, alignment % 8 == 0 else {
            throw Invalid(description: "\(path): general.alignment \(alignment) is not a positive multiple of 8")
        }
        self.alignment = alignment

        var infos: [(String, [Int], UInt32, UInt64)] = []
        for i in 0..<Int(tensorCount) {
            let name = try string("the name of tensor \(i)")
            let nDims = try r.read(UInt32.self, "the dimensions of tensor '\(name)'")
            guard nDims >= 1 && nDims <= 4 else { throw Invalid(description: "\(path): tensor '\(name)' has \(nDims) dimensions") }
            var dims: [Int] = []
            for _ in 0..<nDims {
                let d = try r.read(UInt64.self, "the shape of tensor '\(name)'")
                guard d > 0, d < 1 << 40 else { throw Invalid(description: "\(path): tensor '\(name)' has dimension \(d)") }
                dims.append(Int(d))
            }
            let type = try r.read(UInt32.self, "the type of tensor '\(name)'")
            let offset = try r.read(UInt64.self, "the offset of tensor '\(name)'")
            infos.append((name, dims, type, offset))
        }
        let dataStart = (r.offset + alignment - 1) / alignment * alignment
        var tensors: [TensorInfo] = []
        var index: [String: Int] = [:]
        for (name, dims, rawType, offset) in infos {
            guard let type = GGMLType(rawValue: rawType) else {
                throw Invalid(description: "\(path): tensor '\(name)' has ggml type \(rawType), which peftbench cannot read")
            }
            guard dims[0] % type.blockSize == 0 else {
                throw Invalid(description: "\(path): tensor '\(name)' rows of \(dims[0]) are not whole \(type.name) blocks")
            }
            // Counted without overflow (and with room for the byte count), so that the data range below is checked
            // on true figures.
            var elements = 1
            for d in dims {
                let (product, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow, product <= Int.max / 1024 else {
                    throw Invalid(description: "\(path): tensor '\(name)' of shape \(dims) is larger than the file")
                }
                elements = product
            }
            guard offset % UInt64(alignment) == 0 else {
                throw Invalid(description: "\(path): tensor '\(name)' data is not aligned to \(alignment) bytes")
            }
            guard offset < UInt64(file.size) else {
                throw Invalid(description: "\(path): tensor '\(name)' data runs past the end of the file (truncated?)")
            }
            let info = TensorInfo(name: name, dims: dims, type: type, offset: dataStart + Int(offset))
            guard info.offset + info.byteCount <= file.size else {
                throw Invalid(description: "\(path): tensor '\(name)' data runs past the end of the file (truncated?)")
            }
            guard index[name] == nil else { throw Invalid(description: "\(path): tensor '\(name)' appears twice") }
            index[name] = tensors.count
            tensors.append(info)
        }
        self.tensors = tensors
        tensorIndex = index
    }

    public func tensor(_ name: String) -> TensorInfo? { tensorIndex[name].map { tensors[$0] } }

    /// Dequantizes a tensor into `dst` (elementCount floats), in ggml's row order.
    public func read(_ info: TensorInfo, into dst: UnsafeMutablePointer<Float>) throws {
        guard info.type.isReadable else {
            throw Invalid(description: "\(path): tensor '\(info.name)' is \(info.type.name), which peftbench cannot dequantize")
        }
        let rowLength = info.dims[0], rows = info.elementCount / rowLength
        let rowBytes = rowLength / info.type.blockSize * info.type.blockBytes
        let src = file.base + info.offset
        for row in 0..<rows {
            Dequantize.row(info.type, src: src + row * rowBytes, dst: dst + row * rowLength, count: rowLength)
        }
    }

    /// Raw bytes of a tensor, for methods that keep a base quantized.
    public func rawBytes(_ info: TensorInfo) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: file.base + info.offset, count: info.byteCount)
    }

    // Typed metadata access with errors that name the key.
    public func int(_ key: String) throws -> Int {
        guard let v = metadata[key] else { throw Invalid(description: "\(path): metadata '\(key)' is missing") }
        guard let i = v.int else { throw Invalid(description: "\(path): metadata '\(key)' is not an integer") }
        return i
    }
    public func double(_ key: String) throws -> Double {
        guard let v = metadata[key] else { throw Invalid(description: "\(path): metadata '\(key)' is missing") }
        guard let d = v.double else { throw Invalid(description: "\(path): metadata '\(key)' is not a number") }
        return d
    }
    public func string(_ key: String) throws -> String {
        guard let v = metadata[key] else { throw Invalid(description: "\(path): metadata '\(key)' is missing") }
        guard let s = v.string else { throw Invalid(description: "\(path): metadata '\(key)' is not a string") }
        return s
    }
    public func strings(_ key: String) throws -> [String] {
        guard let v = metadata[key] else { throw Invalid(description: "\(path): metadata '\(key)' is missing") }
        guard let a = v.array else { throw Invalid(description: "\(path): metadata '\(key)' is not an array") }
        return try a.enumerated().map { i, e in
            guard let s = e.string else { throw Invalid(description: "\(path): metadata '\(key)[\(i)]' is not a string") }
            return s
        }
    }
}
