import Foundation
import TestSupport
import XCTest

/// The tests' own process runner: it returns when its command ends even if something the command started keeps the
/// pipes open, captures more than a pipe holds on both streams, and runs in the folder it is given.
final class CommandTests: XCTestCase {
    func testReturnsWhenTheCommandEndsWhateverItLeftBehind() throws {
        let started = Date()
        let r = try Command.run("/bin/sh", ["-c", "sleep 30 & echo started; exit 3"], timeout: 20)
        XCTAssertEqual(r.status, 3)
        XCTAssertEqual(r.stdout, "started\n")
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }

    func testCapturesBothStreamsBeyondAPipesCapacity() throws {
        let r = try Command.run("/bin/sh", ["-c", "head -c 300000 /dev/zero | tr '\\0' e >&2; head -c 200000 /dev/zero | tr '\\0' o"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stderrData.count, 300_000)
        XCTAssertEqual(r.stdoutData.count, 200_000)
    }

    func testSignalsAndFolder() throws {
        let dir = try temporaryFolder()
        XCTAssertEqual(try Command.run("/bin/pwd", [], directory: dir.path).stdout, dir.path + "\n")
        let sleeper = try Command("/bin/sleep", ["30"])
        sleeper.signal(SIGTERM)
        XCTAssertEqual(try sleeper.wait(timeout: 10).status, 128 + SIGTERM)
    }
}
