import Foundation

/// Reading a task file as UTF-8 text, failing with the line of the first byte that is not UTF-8.
enum TextFile {
    static func bytes(_ path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TaskDataError(path, "no such file")
        }
        guard !isDirectory.boolValue else { throw TaskDataError(path, "is a folder, expected a file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw TaskDataError(path, "cannot read the file") }
        guard !data.isEmpty else { throw TaskDataError(path, "empty file") }
        return data
    }

    /// The file's text, without a UTF-8 byte-order mark.
    static func read(_ path: String) throws -> String {
        let data = try bytes(path)
        return try decode(data, path: path)
    }

    static func decode(_ data: Data, path: String) throws -> String {
        var body = data
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let text = String(validating: body, as: UTF8.self) {
            guard !text.isEmpty else { throw TaskDataError(path, "empty file") }
            return text
        }
        let (line, offset) = firstInvalidUTF8(body)
        throw TaskDataError(path, line: line, "not UTF-8 (byte \(offset) of the file)")
    }

    /// The 1-based line and the 0-based byte offset of the first byte that does not belong to valid UTF-8.
    static func firstInvalidUTF8(_ data: Data) -> (line: Int, offset: Int) {
        let bytes = [UInt8](data)
        var line = 1, i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return (line, i)
            }
            guard i + length <= bytes.count,
                  String(validating: bytes[i..<(i + length)], as: UTF8.self) != nil else { return (line, i) }
            if b == 0x0A { line += 1 }
            i += length
        }
        return (line, bytes.count)
    }
}
