import Checkpoints
import Engine
import Foundation
import Model
import XCTest

final class GGUFTests: XCTestCase {
    struct DequantFixture: Decodable { var hex: String; var values: [Float] }
    static let types: [String: UInt32] = ["Q4_0": 2, "Q4_1": 3, "Q5_0": 6, "Q5_1": 7, "Q8_0": 8, "Q4_K": 12, "Q5_K": 13,
                                          "Q6_K": 14, "F16": 1, "BF16": 30]

    func hexBytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            out.append(UInt8(hex[i..<j], radix: 16)!)
            i = j
        }
        return out
    }

    /// Blocks of random bytes dequantized by the `gguf` reference package (Fixtures/dequantize.json).
    func testEveryBlockTypeMatchesTheReferenceDequantizer() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/dequantize.json")
        let fixtures = try JSONDecoder().decode([String: DequantFixture].self, from: Data(contentsOf: url))
        XCTAssertEqual(Set(fixtures.keys), Set(Self.types.keys))
        var w = GGUFWriter()
        w.metadata = [("general.architecture", .string("test"))]
        for (name, f) in fixtures.sorted(by: { $0.key < $1.key }) {
            w.tensors.append(rawTensor("t.\(name)", dims: [256, 2], type: Self.types[name]!, data: hexBytes(f.hex)))
        }
        let path = temporaryPath("dequant.gguf")
        try w.write(to: path)
        let file = try GGUFFile(path: path)
        for (name, f) in fixtures {
            let info = try XCTUnwrap(file.tensor("t.\(name)"))
            XCTAssertEqual(info.type.name, name)
            let out = FloatBuffer(count: info.elementCount)
            try file.read(info, into: out.pointer)
            for (i, (got, want)) in zip(out.toArray(), f.values).enumerated() {
                XCTAssertEqual(got, want, accuracy: 1e-6 * max(1, abs(want)), "\(name)[\(i)]")
            }
        }
    }

    func validFile() throws -> [UInt8] {
        var w = GGUFWriter()
        w.metadata = [("general.architecture", .string("llama")), ("x.count", .uint32(7)), ("x.names", .array([.string("a"), .string("b")]))]
        w.tensors = [rawTensor("a.weight", dims: [4, 2], type: 0, data: floatBytes([1, 2, 3, 4, 5, 6, 7, 8])),
                     rawTensor("b.weight", dims: [3], type: 0, data: floatBytes([9, 10, 11]))]
        return try w.bytes()
    }

    func load(_ bytes: [UInt8], _ name: String = "case.gguf") throws -> GGUFFile {
        let path = temporaryPath(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return try GGUFFile(path: path)
    }

    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch { return "\(error)" }
    }

    func testReadsMetadataAndTensors() throws {
        let f = try load(validFile())
        XCTAssertEqual(f.metadata["x.count"]?.int, 7)
        XCTAssertEqual(try f.strings("x.names"), ["a", "b"])
        XCTAssertEqual(f.tensor("a.weight")?.shape, [2, 4])
        let out = FloatBuffer(count: 8)
        try f.read(f.tensor("a.weight")!, into: out.pointer)
        XCTAssertEqual(out.toArray(), [1, 2, 3, 4, 5, 6, 7, 8])
    }

    func testBadMagicAndVersion() throws {
        var b = try validFile()
        b[0] = UInt8(ascii: "X")
        XCTAssertTrue(message { _ = try load(b) }.contains("bad magic"))
        b = try validFile()
        b[4] = 9
        XCTAssertTrue(message { _ = try load(b) }.contains("version 9"))
    }

    func testEveryTruncationIsAnErrorNotACrash() throws {
        let b = try validFile()
        // The last tensor (3 floats) ends 20 bytes before the end: what follows is alignment padding.
        let dataEnd = b.count - 20
        for cut in stride(from: 1, to: dataEnd, by: 3) {
            let m = message { _ = try load(Array(b.prefix(cut))) }
            XCTAssertFalse(m.isEmpty, "a file cut at \(cut) of \(b.count) bytes must not load")
            XCTAssertFalse(m.contains("\n"), m)
        }
        // Cut inside the data of the last tensor: the error names it.
        XCTAssertTrue(message { _ = try load(Array(b.prefix(dataEnd - 4))) }.contains("b.weight"))
        XCTAssertNoThrow(try load(Array(b.prefix(dataEnd))))
    }

    func testRandomCorruptionNeverCrashes() throws {
        var rng = RandomGenerator(seed: 99)
        let valid = try validFile()
        for _ in 0..<300 {
            var b = valid
            for _ in 0..<Int(1 + rng.next() % 4) { b[Int(rng.next() % UInt64(b.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            _ = message { _ = try load(b) }
        }
        for n in [0, 1, 7, 24, 100] {
            let noise = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            XCTAssertFalse(message { _ = try load(noise) }.isEmpty)
        }
    }

    func testUnknownTypeAndOffsetPastEndNameTheTensor() throws {
        var w = GGUFWriter()
        w.tensors = [rawTensor("odd.weight", dims: [32], type: 99, data: [UInt8](repeating: 0, count: 64))]
        XCTAssertTrue(message { _ = try load(try w.bytes()) }.contains("odd.weight"))
        w.tensors = [rawTensor("big.weight", dims: [1000], type: 0, data: floatBytes([1, 2]))]
        let m = message { _ = try load(try w.bytes()) }
        XCTAssertTrue(m.contains("big.weight") && m.contains("past the end"), m)
        w.tensors = [rawTensor("iq.weight", dims: [256], type: 11, data: [UInt8](repeating: 0, count: 110))]  // Q3_K
        let f = try? load(try w.bytes())
        XCTAssertTrue(message { try f?.read(f!.tensor("iq.weight")!, into: FloatBuffer(count: 256).pointer) }.contains("cannot dequantize"))
    }
}
