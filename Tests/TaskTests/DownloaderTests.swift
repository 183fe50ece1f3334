import Foundation
import Results
@testable import Tasks
import TestSupport
import XCTest

final class DownloaderTests: XCTestCase {
    func testVerifiedDownloadMismatchDropAndMissingFile() throws {
        let served = try TaskFileFixture()
        let body = Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try served.write("test.jsonl", body)
        let server = try LocalServer(serving: served.folder.path)
        let target = try TaskFileFixture()
        let destination = target.folder.appendingPathComponent("gsm8k/test.jsonl").path
        let digest = FileDigest.sha256(body)

        XCTAssertEqual(try Downloader.fetch(URL(string: server.base + "test.jsonl")!, to: destination, sha256: digest), digest)
        XCTAssertEqual(FileManager.default.contents(atPath: destination), body)
        try FileManager.default.removeItem(atPath: destination)

        func assertFails(_ url: String, sha256: String?, _ fragment: String) {
            XCTAssertThrowsError(try Downloader.fetch(URL(string: url)!, to: destination, sha256: sha256, timeout: 20)) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(error)")
                XCTAssertFalse("\(error)".contains("\n"))
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: destination), "a failed download left \(destination)")
            let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: (destination as NSString).deletingLastPathComponent)) ?? []
            XCTAssertEqual(leftovers, [], "partial files left behind")
        }
        assertFails(server.base + "test.jsonl", sha256: String(repeating: "0", count: 64), "sha256 mismatch")
        assertFails(server.base + "drop/test.jsonl", sha256: digest, "test.jsonl")
        assertFails(server.base + "absent.jsonl", sha256: nil, "HTTP 404")
    }

    func testPinnedFilesCoverTheDownloadableTasks() {
        for task in ["e2e", "gsm8k", "coqa"] {
            let files = OfficialFiles.files(task: task)
            XCTAssertFalse(files.isEmpty)
            for file in files { if let sha = file.sha256 { XCTAssertEqual(sha.count, 64, file.name) } }
        }
    }
}
