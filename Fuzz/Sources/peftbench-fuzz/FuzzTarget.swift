import Foundation

/// One reader under fuzzing: what it does with an input, given a scratch folder to write it into.
struct FuzzTarget: Sendable {
    let name: String
    /// Throws `Violation` when a property fails; the reader's own refusals are checked, not thrown.
    let run: @Sendable (Data, Scratch) throws -> Void

    static let all: [FuzzTarget] = ModelTargets.all + TaskTargets.all + ConfigTargets.all + ResourceTargets.all

    static let selected: FuzzTarget = {
        let wanted = ProcessInfo.processInfo.environment["PEFTBENCH_FUZZ_TARGET"] ?? ""
        guard let target = all.first(where: { $0.name == wanted }) else {
            let names = all.map(\.name).joined(separator: " ")
            FileHandle.standardError.write(Data("peftbench-fuzz: set PEFTBENCH_FUZZ_TARGET to one of: \(names)\n".utf8))
            exit(2)
        }
        return target
    }()
}

/// A property of a reader that an input broke.
struct Violation: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// The folder inputs are written into: in memory when /dev/shm exists, one per process.
final class Scratch: Sendable {
    static let shared = Scratch()
    let folder: String

    private init() {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        folder = "\(base)/peftbench-fuzz-\(getpid())"
        try? FileManager.default.removeItem(atPath: folder)
        try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: Scratch.shared.folder) }
    }

    /// Writes `data` as `name` in the scratch folder (or a subfolder) and returns its path.
    func write(_ data: Data, as name: String) throws -> String {
        let path = "\(folder)/\(name)"
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A fresh empty subfolder.
    func emptyFolder(_ name: String) throws -> String {
        let path = "\(folder)/\(name)"
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// A reader's refusal must be one line that names the file (or folder) it read.
func expectRefusal(_ error: Error, naming path: String) throws {
    let text = String(describing: error)
    guard text.contains(path) else { throw Violation("the error does not name \(path): \(text)") }
    guard !text.contains("\n") else { throw Violation("the error is more than one line: \(text)") }
}

/// Runs a reader; a thrown error must be a proper refusal. Returns the value when the reader accepted the input.
func accepting<T>(_ path: String, _ read: () throws -> T) throws -> T? {
    do { return try read() } catch {
        try expectRefusal(error, naming: path)
        if verbose { FileHandle.standardError.write(Data("refused: \(error)\n".utf8)) }
        return nil
    }
}

/// `PEFTBENCH_FUZZ_VERBOSE=1` prints each refusal (to check that seeds are accepted, not refused).
let verbose = ProcessInfo.processInfo.environment["PEFTBENCH_FUZZ_VERBOSE"] == "1"

/// Inputs made of several files: each part but the last is preceded by its length (4 bytes, little-endian),
/// clamped to what is left, so that every input splits.
func parts(_ data: Data, _ count: Int) -> [Data] {
    var out: [Data] = []
    var rest = data[...]
    for _ in 0..<(count - 1) {
        var length = 0
        for (i, byte) in rest.prefix(4).enumerated() { length |= Int(byte) << (8 * i) }
        rest = rest.dropFirst(4)
        let n = min(length, rest.count)
        out.append(Data(rest.prefix(n)))
        rest = rest.dropFirst(n)
    }
    out.append(Data(rest))
    return out
}

/// The inverse of `parts`, for building seeds.
func joinParts(_ files: [Data]) -> Data {
    var out = Data()
    for file in files.dropLast() {
        var n = UInt32(file.count).littleEndian
        withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
        out.append(file)
    }
    out.append(files.last ?? Data())
    return out
}
