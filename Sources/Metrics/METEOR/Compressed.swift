import CZlib
import Foundation
import Results

/// Errors reading METEOR's resources; always one line naming the file.
public struct ResourceError: Error, CustomStringConvertible {
    public let description: String
    init(_ file: String, _ message: String) { description = ErrorText.oneLine("\(file): \(message)") }
}

/// The entries of a zip archive (a jar), read from its central directory; stored and deflated entries.
struct ZipArchive {
    let path: String
    let data: Data
    /// Entry name → (offset of its local header, compressed size, uncompressed size, method).
    let entries: [String: (offset: Int, compressed: Int, size: Int, method: Int)]

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw ResourceError(path, "cannot read the file") }
        self.path = path
        self.data = data
        func u16(_ o: Int) -> Int { Int(data[data.startIndex + o]) | Int(data[data.startIndex + o + 1]) << 8 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        // The end-of-central-directory record sits in the last 64 KiB + 22 bytes.
        var end = -1
        var o = data.count - 22
        while o >= max(0, data.count - 65_557) {
            if u32(o) == 0x0605_4B50 { end = o; break }
            o -= 1
        }
        guard end >= 0 else { throw ResourceError(path, "not a zip archive (no end of central directory)") }
        let count = u16(end + 10)
        var p = u32(end + 16)
        var entries: [String: (Int, Int, Int, Int)] = [:]
        for _ in 0..<count {
            guard p + 46 <= data.count, u32(p) == 0x0201_4B50 else { throw ResourceError(path, "corrupt central directory at byte \(p)") }
            let nameLength = u16(p + 28), extra = u16(p + 30), comment = u16(p + 32)
            guard p + 46 + nameLength <= data.count else { throw ResourceError(path, "corrupt central directory at byte \(p)") }
            let name = String(decoding: data[(data.startIndex + p + 46)..<(data.startIndex + p + 46 + nameLength)], as: UTF8.self)
            entries[name] = (u32(p + 42), u32(p + 20), u32(p + 24), u16(p + 10))
            p += 46 + nameLength + extra + comment
        }
        self.entries = entries
    }

    static let largestEntry = 1 << 28

    /// The bytes of one entry.
    func read(_ name: String) throws -> Data {
        guard let e = entries[name] else { throw ResourceError(path, "no entry \(name)") }
        func u16(_ o: Int) -> Int { Int(data[data.startIndex + o]) | Int(data[data.startIndex + o + 1]) << 8 }
        guard e.offset + 30 <= data.count, u16(e.offset) | u16(e.offset + 2) << 16 == 0x0403_4B50 else {
            throw ResourceError(path, "entry \(name): no local header at byte \(e.offset)")
        }
        // METEOR's word lists are a few megabytes; a size beyond any of them is a corrupt (or hostile) archive.
        guard e.size <= Self.largestEntry else { throw ResourceError(path, "entry \(name) claims \(e.size) bytes, more than METEOR's resources hold") }
        let start = e.offset + 30 + u16(e.offset + 26) + u16(e.offset + 28)
        guard start + e.compressed <= data.count else { throw ResourceError(path, "entry \(name) runs past the end of the file") }
        let body = data[(data.startIndex + start)..<(data.startIndex + start + e.compressed)]
        switch e.method {
        case 0: return Data(body)
        case 8: return try Inflate.raw(Data(body), expected: e.size, file: "\(path)!\(name)")
        default: throw ResourceError(path, "entry \(name) uses compression method \(e.method)")
        }
    }
}

enum Inflate {
    /// Raw deflate (zip entries), of known size.
    static func raw(_ input: Data, expected: Int, file: String) throws -> Data {
        try run(input, windowBits: -15, capacity: expected, file: file)
    }

    /// The lines of a gzip file, streamed: `line` sees each line's bytes (without its newline) while the
    /// decompressed text is never held whole (the paraphrase table inflates to 270 MB).
    static func gzipLines(path: String, _ line: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard let input = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
            throw ResourceError(path, "cannot read the file")
        }
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ResourceError(path, "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        let chunk = 1 << 22
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
        defer { buffer.deallocate() }
        var carried = 0  // bytes of an unfinished line kept at the buffer's start
        try input.withUnsafeBytes { (src: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: src.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(src.count)
            var status: Int32 = Z_OK
            while status != Z_STREAM_END {
                guard carried < chunk else { throw ResourceError(path, "a line longer than \(chunk) bytes") }
                stream.next_out = buffer + carried
                stream.avail_out = uInt(chunk - carried)
                status = inflate(&stream, Z_NO_FLUSH)
                guard status == Z_OK || status == Z_STREAM_END || (status == Z_BUF_ERROR && stream.avail_in > 0) else {
                    throw ResourceError(path, status == Z_BUF_ERROR ? "truncated compressed data" : "corrupt compressed data (zlib error \(status))")
                }
                let filled = chunk - Int(stream.avail_out)
                var start = 0
                for k in 0..<filled where buffer[k] == 10 {
                    try line(UnsafeBufferPointer(start: buffer + start, count: k - start))
                    start = k + 1
                }
                carried = filled - start
                if carried > 0 && start > 0 { (buffer).update(from: buffer + start, count: carried) }
                if status == Z_STREAM_END && carried > 0 { try line(UnsafeBufferPointer(start: buffer, count: carried)) }
            }
        }
    }

    static func run(_ input: Data, windowBits: Int32, capacity: Int, file: String) throws -> Data {
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ResourceError(file, "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output = Data(count: max(capacity, 1024))
        var produced = 0
        var status: Int32 = Z_OK
        try input.withUnsafeBytes { (src: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: src.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(src.count)
            while status != Z_STREAM_END {
                if produced == output.count {
                    guard output.count < ZipArchive.largestEntry else { throw ResourceError(file, "inflates past \(ZipArchive.largestEntry) bytes") }
                    output.count *= 2
                }
                status = output.withUnsafeMutableBytes { (dst: UnsafeMutableRawBufferPointer) -> Int32 in
                    stream.next_out = dst.bindMemory(to: Bytef.self).baseAddress! + produced
                    stream.avail_out = uInt(dst.count - produced)
                    let r = inflate(&stream, Z_NO_FLUSH)
                    produced = dst.count - Int(stream.avail_out)
                    return r
                }
                if status == Z_BUF_ERROR && stream.avail_in == 0 { throw ResourceError(file, "truncated compressed data") }
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw ResourceError(file, "corrupt compressed data (zlib error \(status))")
                }
            }
        }
        output.count = produced
        return output
    }
}
