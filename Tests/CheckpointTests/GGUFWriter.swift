import Checkpoints
import Foundation

extension GGUFWriter {
    /// The file's bytes, for tests that corrupt them.
    func bytes() throws -> [UInt8] {
        let path = temporaryPath("writer-\(UUID().uuidString).gguf")
        try write(to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// A raw tensor for `GGUFWriter`: bytes under a ggml type number.
func rawTensor(_ name: String, dims: [Int], type: UInt32, data: [UInt8]) -> GGUFWriter.Tensor {
    GGUFWriter.Tensor(name: name, dims: dims, typeCode: type, bytes: data)
}

func floatBytes(_ values: [Float]) -> [UInt8] {
    var out: [UInt8] = []
    for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 } }
    return out
}

func temporaryPath(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("peftbench-tests-\(getpid())")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name).path
}
