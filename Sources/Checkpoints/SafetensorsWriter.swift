import Foundation
import Results

/// Writes F32 tensors as a `.safetensors` file, atomically: the bytes go to a temporary file beside the target,
/// which is then renamed, so a killed writer never leaves a file that looks complete.
public enum SafetensorsWriter {
    public static func write(_ tensors: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)],
                             metadata: [String: String] = [:], to path: String) throws {
        let sorted = tensors.sorted { $0.name < $1.name }
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for t in sorted {
            precondition(t.shape.reduce(1, *) == t.values.count, "\(t.name): shape does not match its values")
            let bytes = t.values.count * 4
            header[t.name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        var headerBytes = Array(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        while headerBytes.count % 8 != 0 { headerBytes.append(UInt8(ascii: " ")) }
        try AtomicFile.write(to: path) { out in
            try withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { try out.append($0) }
            try out.append(headerBytes)
            for t in sorted { try out.append(t.values) }
        }
    }

    /// The same from owned arrays.
    public static func write(_ tensors: [(name: String, shape: [Int], values: [Float])], metadata: [String: String] = [:],
                             to path: String) throws {
        try withPointers(tensors, 0, []) { try write($0, metadata: metadata, to: path) }
    }

    /// Nests `withUnsafeBufferPointer` over every array, so that no pointer outlives its array.
    private static func withPointers(_ tensors: [(name: String, shape: [Int], values: [Float])], _ i: Int,
                                     _ done: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)],
                                     _ body: ([(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)]) throws -> Void) throws {
        guard i < tensors.count else { try body(done); return }
        try tensors[i].values.withUnsafeBufferPointer { p in
            try withPointers(tensors, i + 1, done + [(tensors[i].name, tensors[i].shape, p)], body)
        }
    }
}
