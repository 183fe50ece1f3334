import Crypto
import Foundation

/// SHA-256 of files and folders, streamed so that a 50 MB dataset is never held twice.
public enum FileDigest {
    public static func sha256(file path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw RunError("\(path): cannot read the file") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
        }
        return hex(hasher.finalize())
    }

    public static func sha256(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    /// A folder's digest: SHA-256 over `relative path NUL file digest LF` lines of its files in path order, so
    /// it changes when any file is added, removed, renamed or edited.
    public static func sha256(folder path: String) throws -> String {
        guard let walker = FileManager.default.enumerator(atPath: path) else { throw RunError("\(path): cannot list the folder") }
        var lines: [String] = []
        while let relative = walker.nextObject() as? String {
            let full = (path as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                lines.append("\(relative)\0\(try sha256(file: full))\n")
            }
        }
        return sha256(Data(lines.sorted().joined().utf8))
    }

    /// A file's or a folder's digest.
    public static func sha256(path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw RunError("\(path): no such file") }
        return isDirectory.boolValue ? try sha256(folder: path) : try sha256(file: path)
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
