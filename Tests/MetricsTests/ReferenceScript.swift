import Foundation
import XCTest

/// Runs one of the Python scripts in `reference/` (which call the reference packages) on JSON cases and returns
/// its JSON output. `PEFTBENCH_REFERENCE_PYTHON` picks the interpreter; `PEFTBENCH_SKIP_REFERENCE_TESTS=1` skips.
enum ReferenceScript {
    static func run(_ script: String, cases: Any, package: String) throws -> Any {
        if ProcessInfo.processInfo.environment["PEFTBENCH_SKIP_REFERENCE_TESTS"] == "1" { throw XCTSkip("PEFTBENCH_SKIP_REFERENCE_TESTS=1") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("peftbench-reference-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let input = dir.appendingPathComponent("\(script).json")
        try JSONSerialization.data(withJSONObject: cases).write(to: input)
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("reference/\(script)")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [ProcessInfo.processInfo.environment["PEFTBENCH_REFERENCE_PYTHON"] ?? "python3", path.path, input.path]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            XCTFail("\(script) failed (pip install \(package)): \(errors)")
            throw CocoaError(.fileReadUnknown)
        }
        return try JSONSerialization.jsonObject(with: data)
    }
}
