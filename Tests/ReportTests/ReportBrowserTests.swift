import Foundation
@testable import Report
import Results
import TestSupport
import XCTest

final class ReportBrowserTests: XCTestCase {
    /// A report of 200 runs (4 tasks × 10 methods × 5 seeds): its size, and its overview renders in under 2 s.
    func testA200RunReportStaysSmallAndItsOverviewRendersFast() throws {
        let runs = try temporaryFolder()
        var synthetic = SyntheticReport()
        synthetic.seeds = [0, 1, 2, 3, 4]
        XCTAssertEqual(try synthetic.write(to: runs), 200)
        let out = try temporaryFolder()
        try ReportWriter(runsFolder: runs.path, outFolder: out.path).write()
        let check = try BrowserCheck.run(out, pages: ["index.html", "tradeoffs.html", "tasks/*.html", "predictions/e2e.html"], maxRender: 2, screenshots: false)
        XCTAssertEqual(check.problems, [])
        let megabytes = Double(check.sizeBytes) / 1_048_576
        print(String(format: "200-run report: %.1f MB in all; index.html rendered in %.3f s", megabytes, check.indexRenderSeconds ?? .nan))
        XCTAssertLessThan(megabytes, 25, "the 200-run report grew past 25 MB")
    }

    /// The checker itself finds what it looks for: a request for an outside asset, a console error, a chart with no
    /// box, a blank page.
    func testTheCheckerCatchesBrokenPages() throws {
        let out = try temporaryFolder()
        try """
        <!DOCTYPE html><html><body><p>text</p><img src="http://127.0.0.1:9/x.png">
        <svg class="chart" width="0" height="0"></svg><script>console.error("broken")</script></body></html>
        """.write(to: out.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        try "<!DOCTYPE html><html><body></body></html>".write(to: out.appendingPathComponent("blank.html"), atomically: true, encoding: .utf8)
        let check = try BrowserCheck.run(out)
        let all = check.problems.joined(separator: "\n")
        XCTAssertTrue(all.contains("index.html: requested http://127.0.0.1:9/x.png"), all)
        XCTAssertTrue(all.contains("index.html: console error"), all)
        XCTAssertTrue(all.contains("index.html: charts with an empty bounding box"), all)
        XCTAssertTrue(all.contains("blank.html: the screenshot is blank"), all)
    }
}
