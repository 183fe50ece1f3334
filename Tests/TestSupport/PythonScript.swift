import Foundation
import XCTest

/// Runs a reference script with Python (`PEFTBENCH_REFERENCE_PYTHON`, else `python3`) and returns what it printed;
/// a failure fails the test with the script's error and the packages it needs. `PEFTBENCH_SKIP_REFERENCE_TESTS=1`
/// skips instead.
public enum PythonScript {
    public static func run(_ script: URL, arguments: [String], package: String) throws -> Data {
        if ProcessInfo.processInfo.environment["PEFTBENCH_SKIP_REFERENCE_TESTS"] == "1" { throw XCTSkip("PEFTBENCH_SKIP_REFERENCE_TESTS=1") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [ProcessInfo.processInfo.environment["PEFTBENCH_REFERENCE_PYTHON"] ?? "python3", script.path] + arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            XCTFail("\(script.lastPathComponent) failed (pip install \(package)): \(errors)")
            throw CocoaError(.fileReadUnknown)
        }
        return data
    }
}
