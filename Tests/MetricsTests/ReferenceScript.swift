import Foundation
import TestSupport
import XCTest

/// Runs one of the Python scripts in `reference/` (which call the reference packages) on JSON cases and returns
/// its JSON output.
enum ReferenceScript {
    static func run(_ script: String, cases: Any, package: String) throws -> Any {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("peftbench-reference-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let input = dir.appendingPathComponent("\(script).json")
        try JSONSerialization.data(withJSONObject: cases).write(to: input)
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("reference/\(script)")
        return try JSONSerialization.jsonObject(with: try PythonScript.run(path, arguments: [input.path], package: package))
    }
}
