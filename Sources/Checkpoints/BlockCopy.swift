import Engine

/// Repacks a GGUF tensor stored as Q4_0, Q4_1 or Q8_0 into `QuantizedRows` for one-token decoding (other types
/// decode through the Float32 copy).
enum BlockCopy {
    static func make(gguf: GGUFFile, info: GGUFFile.TensorInfo, rotaryHeads: Int?) -> QuantizedRows? {
        guard info.dims.count == 2, [.q4_0, .q4_1, .q8_0].contains(info.type) else { return nil }
        let cols = info.dims[0], rows = info.dims[1], blocks = cols / 32
        let raw = gguf.rawBytes(info)
        let rowBytes = blocks * info.type.blockBytes
        var scales = [Float](repeating: 0, count: rows * blocks)
        var mins = [Float](repeating: 0, count: info.type == .q8_0 ? 0 : rows * blocks)
        let quantWidth = info.type == .q8_0 ? 32 : 16
        var quants = [UInt8](repeating: 0, count: rows * blocks * quantWidth)
        let base = raw.baseAddress!
        for row in 0..<rows {
            let source = rotaryHeads.map { CheckpointLoader.rotarySourceRow(row, rows: rows, heads: $0) } ?? row
            for b in 0..<blocks {
                let block = base + source * rowBytes + b * info.type.blockBytes
                let k = row * blocks + b
                let d = halfToFloat(block.loadUnaligned(as: UInt16.self))
                scales[k] = d
                switch info.type {
                case .q4_0:
                    mins[k] = -8 * d
                    for j in 0..<16 { quants[k * 16 + j] = block.load(fromByteOffset: 2 + j, as: UInt8.self) }
                case .q4_1:
                    mins[k] = halfToFloat(block.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
                    for j in 0..<16 { quants[k * 16 + j] = block.load(fromByteOffset: 4 + j, as: UInt8.self) }
                default:
                    for j in 0..<32 { quants[k * 32 + j] = block.load(fromByteOffset: 2 + j, as: UInt8.self) }
                }
            }
        }
        return QuantizedRows(format: info.type == .q8_0 ? .q8 : .q4, rows: rows, cols: cols, scales: scales,
                             mins: info.type == .q8_0 ? nil : mins, quants: quants)
    }
}
