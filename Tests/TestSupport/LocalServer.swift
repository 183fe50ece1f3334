import Foundation

/// A local HTTP server (Python's http.server, `serve.py`) standing in for the datasets' homes; it stops when this
/// object goes.
public final class LocalServer {
    let process: Command
    public let port: Int

    public init(serving folder: String) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("serve.py").path
        process = try Command("/usr/bin/env", ["python3", script, folder])
        let line = try process.firstLine(timeout: 60)
        guard let port = Int(line) else { throw Command.Failure("python3 could not start serve.py: \(line)") }
        self.port = port
    }

    public var base: String { "http://127.0.0.1:\(port)/" }
}
