import Engine
import Methods
import XCTest

final class NF4Tests: XCTestCase {
    func testDynamicMapIsBitsandbytesSigned8BitMap() {
        let map = NF4Matrix.dynamicMap
        XCTAssertEqual(map.count, 256)
        // The largest negative: the last midpoint of the top decade, −(1 − 0.9/128).
        XCTAssertEqual(map.first!, -0.99296875, accuracy: 1e-6)
        XCTAssertEqual(map.last, 1)
        XCTAssertTrue(map.contains(0))
        XCTAssertEqual(map, map.sorted())
        XCTAssertEqual(map.filter { $0 > 0 }.count, 128)
    }

    func testValuesOnTheGridComeBackExactly() {
        // Every block with the same absmax: the offset is that absmax and the double quantization is exact.
        let book = NF4Matrix.codebook
        let w = (0..<(64 * 300)).map { book[($0 * 7) % 16] * 0.25 }
        let m = w.withUnsafeBufferPointer { NF4Matrix($0.baseAddress!, rows: 300, cols: 64) }
        let out = FloatBuffer(count: w.count)
        m.dequantize(into: out.pointer)
        XCTAssertEqual(out.toArray(), w)
    }

    func testRandomWeightsKeepTheirShape() {
        var rng = RandomGenerator(seed: 3)
        let n = 64 * 1000
        let w = (0..<n).map { _ in Float(rng.nextNormal()) * 0.02 }
        let m = w.withUnsafeBufferPointer { NF4Matrix($0.baseAddress!, rows: 1000, cols: 64) }
        let out = FloatBuffer(count: n)
        m.dequantize(into: out.pointer)
        var err = 0.0, norm = 0.0
        for i in 0..<n { err += Double((out[i] - w[i]) * (out[i] - w[i])); norm += Double(w[i] * w[i]) }
        XCTAssertLessThan((err / norm).squareRoot(), 0.12, "NF4 keeps ~4 bits of a normal weight")
        XCTAssertLessThan(Double(m.bytes) / Double(n), 0.52, "about half a byte per weight")
    }
}
