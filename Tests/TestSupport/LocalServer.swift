import Foundation

/// A local HTTP server (Python's http.server, `serve.py`) standing in for the datasets' homes.
public final class LocalServer {
    let process = Process()
    let input = Pipe()
    public let port: Int

    public init(serving folder: String) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("serve.py").path
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, folder]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data([0x0A]) { line.append(byte) }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else { throw Failure(description: "python3 could not start serve.py") }
        self.port = port
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    public var base: String { "http://127.0.0.1:\(port)/" }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

