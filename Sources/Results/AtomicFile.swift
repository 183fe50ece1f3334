import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whole-file writes through a temporary file and a rename.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        try write(to: path) { out in try data.withUnsafeBytes { try out.append($0) } }
    }

    /// A file written in pieces (a model of hundreds of megabytes never held twice in memory), through the same
    /// temporary file and rename: a failed or killed writer never leaves a file that looks complete.
    public static func write(to path: String, _ body: (inout Stream) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RunError("\(path): cannot write (\(String(cString: strerror(errno))))") }
        var stream = Stream(fd: fd, path: path)
        do {
            try body(&stream)
            try stream.flush()
            close(fd)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        // rename(2) replaces the target in one step.
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw RunError("\(path): cannot write (\(reason))")
        }
    }

    /// Buffered appends to the temporary file; a short write (a full disk) is an error naming the final path.
    public struct Stream {
        let fd: Int32
        let path: String
        private var buffer: [UInt8] = []
        private static let capacity = 1 << 20

        init(fd: Int32, path: String) {
            self.fd = fd
            self.path = path
            buffer.reserveCapacity(Self.capacity)
        }

        public mutating func append(_ bytes: UnsafeRawBufferPointer) throws {
            if buffer.count + bytes.count > Self.capacity { try flush() }
            if bytes.count >= Self.capacity { try writeAll(bytes); return }
            buffer.append(contentsOf: bytes)
        }

        public mutating func append(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try append($0) } }

        /// Float32 values in little-endian order (the host's, on every platform peftbench builds for).
        public mutating func append(_ values: UnsafeBufferPointer<Float>) throws { try append(UnsafeRawBufferPointer(values)) }

        mutating func flush() throws {
            guard !buffer.isEmpty else { return }
            try buffer.withUnsafeBytes { try writeAll($0) }
            buffer.removeAll(keepingCapacity: true)
        }

        private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
            var done = 0
            while done < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw RunError("\(path): cannot write (\(String(cString: strerror(errno))))") }
                done += n
            }
        }
    }
}
