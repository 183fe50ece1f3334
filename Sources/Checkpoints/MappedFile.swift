import Foundation
import Results
#if canImport(Glibc)
import Glibc
#endif

/// A read-only memory map of a whole file: weights are read in place, not copied into the heap first.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let size: Int
    public let base: UnsafeRawPointer

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = ErrorText.oneLine(description) }
    }

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Failure(description: "\(path): cannot open (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Failure(description: "\(path): cannot stat") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw Failure(description: "\(path): not a regular file") }
        size = Int(st.st_size)
        guard size > 0 else { throw Failure(description: "\(path): empty file") }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw Failure(description: "\(path): cannot map into memory")
        }
        base = UnsafeRawPointer(p)
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), size) }
}

/// Bounds-checked little-endian reads from a byte range; every failure says what was being read.
struct ByteReader {
    let base: UnsafeRawPointer
    let size: Int
    let file: String
    var offset = 0

    struct Truncated: Error, CustomStringConvertible {
        let description: String
        init(description: String) { self.description = ErrorText.oneLine(description) }
    }

    mutating func bytes(_ n: Int, _ what: @autoclosure () -> String) throws -> UnsafeRawBufferPointer {
        guard n >= 0, offset <= size, n <= size - offset else {
            throw Truncated(description: "\(file): file ends while reading \(what()) at byte \(offset) (truncated?)")
        }
        defer { offset += n }
        return UnsafeRawBufferPointer(start: base + offset, count: n)
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        let b = try bytes(MemoryLayout<T>.size, what())
        return T(littleEndian: b.loadUnaligned(as: T.self))
    }

    mutating func float32(_ what: @autoclosure () -> String) throws -> Float {
        Float(bitPattern: try read(UInt32.self, what()))
    }

    mutating func float64(_ what: @autoclosure () -> String) throws -> Double {
        Double(bitPattern: try read(UInt64.self, what()))
    }
}
