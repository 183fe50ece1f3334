import Foundation
import Tasks
import XCTest

/// Writes test files into a fresh temporary folder, byte for byte as given.
final class TaskFileFixture {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("peftbench-tasks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String { try write(name, Data(text.utf8)) }

    @discardableResult
    func write(_ name: String, _ data: Data) throws -> String {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        return url.path
    }
}

/// Asserts that loading fails with a one-line error that names the file and contains each of `fragments`.
func assertTaskError(_ load: @autoclosure () throws -> Any, path: String, _ fragments: String..., file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try load()
        XCTFail("expected an error for \(path)", file: file, line: line)
    } catch let error as TaskDataError {
        let text = error.description
        XCTAssertFalse(text.contains("\n"), text, file: file, line: line)
        XCTAssertTrue(text.hasPrefix(path), text, file: file, line: line)
        for fragment in fragments { XCTAssertTrue(text.contains(fragment), "'\(fragment)' not in: \(text)", file: file, line: line) }
    } catch {
        XCTFail("not a TaskDataError: \(error)", file: file, line: line)
    }
}
