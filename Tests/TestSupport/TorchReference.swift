import Foundation
import XCTest

/// The PyTorch reference stack (torch, transformers, peft, safetensors, gguf) in its own virtual environment, set
/// up by `scripts/setup-reference.sh` the first time a test asks for it (a few minutes; later runs find it).
/// `PEFTBENCH_SKIP_REFERENCE_TESTS=1` skips instead.
public enum TorchReference {
    nonisolated(unsafe) private static var python: String?
    private static let lock = NSLock()

    public static func pythonPath() throws -> String {
        if ProcessInfo.processInfo.environment["PEFTBENCH_SKIP_REFERENCE_TESTS"] == "1" { throw XCTSkip("PEFTBENCH_SKIP_REFERENCE_TESTS=1") }
        lock.lock()
        defer { lock.unlock() }
        if let python { return python }
        let script = repositoryRoot.appendingPathComponent("scripts/setup-reference.sh").path
        let r = try Command.run("/bin/bash", [script], timeout: 1800)
        guard r.status == 0, let path = r.stdout.split(separator: "\n").last.map(String.init), !path.isEmpty else {
            XCTFail("scripts/setup-reference.sh failed: \(r.stderr.suffix(2000))")
            throw CocoaError(.fileReadUnknown)
        }
        python = path
        return path
    }

    /// Runs `script` with the reference stack on a JSON job; returns its JSON answer.
    public static func run(_ script: URL, job: [String: Any], folder: URL) throws -> [String: Any] {
        let python = try pythonPath()
        let jobFile = folder.appendingPathComponent("job-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: job).write(to: jobFile)
        var environment = ProcessInfo.processInfo.environment
        environment["HF_HUB_OFFLINE"] = "1"
        environment["TOKENIZERS_PARALLELISM"] = "false"
        let r = try Command.run(python, [script.path, jobFile.path], environment: environment, timeout: 1800)
        guard r.status == 0, let answer = try? JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any] else {
            XCTFail("\(script.lastPathComponent) failed: \(r.stderr.suffix(4000))")
            throw CocoaError(.fileReadUnknown)
        }
        return answer
    }
}
