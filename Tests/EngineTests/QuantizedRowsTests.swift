@testable import Engine
import XCTest

final class QuantizedRowsTests: XCTestCase {
    /// W·x from the blocks equals the product with the dequantized matrix (x = q·d + m for 4-bit, q·d for 8-bit).
    func testProductsEqualTheDequantizedMatrix() {
        var rng = RandomGenerator(seed: 11)
        for (format, rows, cols) in [(QuantizedRows.Format.q4, 37, 96), (.q8, 29, 64), (.q4, 1, 32), (.q8, 300, 128)] {
            let blocks = rows * cols / 32
            let scales = (0..<blocks).map { _ in Float(rng.nextUniform() * 0.2 - 0.1) }
            let mins = (0..<blocks).map { _ in Float(rng.nextUniform() * 0.4 - 0.2) }
            let quants = (0..<blocks * (format == .q4 ? 16 : 32)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let matrix = QuantizedRows(format: format, rows: rows, cols: cols, scales: scales,
                                       mins: format == .q4 ? mins : nil, quants: quants)
            var dense = [Double](repeating: 0, count: rows * cols)
            for r in 0..<rows {
                for c in 0..<cols {
                    let block = r * (cols / 32) + c / 32, i = c % 32
                    if format == .q4 {
                        let byte = quants[block * 16 + i % 16]
                        let q = i < 16 ? byte & 0x0F : byte >> 4
                        dense[r * cols + c] = Double(q) * Double(scales[block]) + Double(mins[block])
                    } else {
                        dense[r * cols + c] = Double(Int8(bitPattern: quants[block * 32 + i])) * Double(scales[block])
                    }
                }
            }
            let x = (0..<cols).map { _ in Float(rng.nextUniform() * 2 - 1) }
            var y = [Float](repeating: .nan, count: rows)
            y.withUnsafeMutableBufferPointer { out in matrix.multiply(x: x, y: out.baseAddress!) }
            for r in 0..<rows {
                let expected = (0..<cols).reduce(0.0) { $0 + dense[r * cols + $1] * Double(x[$1]) }
                XCTAssertEqual(Double(y[r]), expected, accuracy: 1e-4 * max(1, abs(expected)), "\(format) row \(r)")
            }
        }
    }
}
