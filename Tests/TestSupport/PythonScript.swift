import Foundation
import XCTest

/// Runs a reference script with Python (`PEFTBENCH_REFERENCE_PYTHON`, else `python3`) and returns what it printed;
/// a failure fails the test with the script's error and the packages it needs. `PEFTBENCH_SKIP_REFERENCE_TESTS=1`
/// skips instead.
public enum PythonScript {
    public static func run(_ script: URL, arguments: [String], package: String) throws -> Data {
        if ProcessInfo.processInfo.environment["PEFTBENCH_SKIP_REFERENCE_TESTS"] == "1" { throw XCTSkip("PEFTBENCH_SKIP_REFERENCE_TESTS=1") }
        let python = ProcessInfo.processInfo.environment["PEFTBENCH_REFERENCE_PYTHON"] ?? "python3"
        let r = try Command.run("/usr/bin/env", [python, script.path] + arguments, timeout: 1800)
        guard r.status == 0 else {
            XCTFail("\(script.lastPathComponent) failed (pip install \(package)): \(r.stderr)")
            throw CocoaError(.fileReadUnknown)
        }
        return r.stdoutData
    }
}
