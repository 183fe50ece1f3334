import Foundation
import Results

/// A `.safetensors` file: an 8-byte header length, a JSON header naming each tensor's dtype, shape and byte range,
/// then the data. Memory-mapped; F32, F16 and BF16 are read.
public final class SafetensorsFile: @unchecked Sendable {
    public struct TensorInfo: Sendable {
        public let name: String
        public let dtype: String
        public let shape: [Int]
        public let begin: Int
        public let end: Int
        public var elementCount: Int { shape.reduce(1, *) }
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = ErrorText.oneLine(description) }
    }

    public let path: String
    public let tensors: [String: TensorInfo]
    private let file: MappedFile
    private let dataStart: Int

    public init(path: String) throws {
        file = try MappedFile(path: path)
        self.path = path
        var r = ByteReader(base: file.base, size: file.size, file: path)
        let headerLength = try r.read(UInt64.self, "the header length")
        guard headerLength <= UInt64(file.size - 8) else {
            throw Invalid(description: "\(path): header length \(headerLength) exceeds the file (truncated?)")
        }
        let header = try r.bytes(Int(headerLength), "the header")
        dataStart = 8 + Int(headerLength)
        guard let json = try? JSONSerialization.jsonObject(with: Data(header)) as? [String: Any] else {
            throw Invalid(description: "\(path): header is not a JSON object")
        }
        var tensors: [String: TensorInfo] = [:]
        let sizes = ["F32": 4, "F16": 2, "BF16": 2, "F64": 8, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1]
        for (name, entry) in json where name != "__metadata__" {
            guard let e = entry as? [String: Any], let dtype = e["dtype"] as? String,
                  let shape = e["shape"] as? [Int], let offsets = e["data_offsets"] as? [Int], offsets.count == 2
            else { throw Invalid(description: "\(path): tensor '\(name)' has a malformed header entry") }
            let info = TensorInfo(name: name, dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
            guard let width = sizes[dtype] else {
                throw Invalid(description: "\(path): tensor '\(name)' has unknown dtype \(dtype)")
            }
            guard info.begin >= 0, info.end >= info.begin, info.end - info.begin == info.elementCount * width else {
                throw Invalid(description: "\(path): tensor '\(name)' byte range does not match its shape")
            }
            guard dataStart + info.end <= file.size else {
                throw Invalid(description: "\(path): tensor '\(name)' data runs past the end of the file (truncated?)")
            }
            tensors[name] = info
        }
        self.tensors = tensors
    }

    public func read(_ info: TensorInfo, into dst: UnsafeMutablePointer<Float>) throws {
        let src = file.base + dataStart + info.begin
        let n = info.elementCount
        switch info.dtype {
        case "F32": for i in 0..<n { dst[i] = src.loadUnaligned(fromByteOffset: 4 * i, as: Float.self) }
        case "F16": for i in 0..<n { dst[i] = halfToFloat(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
        case "BF16": for i in 0..<n { dst[i] = bfloat16ToFloat(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
        default: throw Invalid(description: "\(path): tensor '\(info.name)' is \(info.dtype); weights must be F32, F16 or BF16")
        }
    }
}
