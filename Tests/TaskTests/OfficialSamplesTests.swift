import Foundation
import Tasks
import TestSupport
import XCTest

/// Byte-exact excerpts of the official files, where `../shared/official-samples` is present beside the project
/// (as on CI); the counts were checked against Python's csv and ElementTree readings of the same files.
final class OfficialSamplesTests: XCTestCase {
    static let samples = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/official-samples").path

    func check(_ format: TaskFormat, _ relative: String, language: String = "en", _ expected: [String: Int]) throws {
        let path = (Self.samples as NSString).appendingPathComponent(relative)
        try XCTSkipUnless(FileManager.default.fileExists(atPath: path), "no official samples at \(Self.samples)")
        let counts = try format.load(path, options: .init(language: language)).counts
        for (key, value) in expected { XCTAssertEqual(counts[key], value, "\(relative) \(key)") }
    }

    func testEveryExcerptLoads() throws {
        try check(.e2e, "e2e/devset.head.csv", ["examples": 7, "references": 60])
        try check(.e2e, "e2e/testset_w_refs.head.csv", ["examples": 14, "references": 60])
        try check(.e2e, "e2e/testset.head.csv", ["examples": 20, "references": 0])
        for release in ["challenge2017", "release_v2", "v3.0-en"] {
            try check(.webnlg, "webnlg/\(release)", ["examples": 24, "references": 61, "triples": 48])
        }
        try check(.webnlg, "webnlg/v3.0-ru", ["examples": 24, "references": 64, "triples": 48])
        try check(.webnlg, "webnlg/v3.0-ru", language: "ru", ["examples": 24, "references": 64])
        try check(.gsm8k, "gsm8k/test.head.jsonl", ["examples": 20, "references": 20, "calculator_annotations": 73])
        try check(.coqa, "coqa/coqa-dev-v1.0.json", ["stories": 1, "examples": 12, "references": 48])
    }
}
