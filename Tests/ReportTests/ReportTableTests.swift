import CSV
import Foundation
@testable import Report
import XCTest

final class ReportTableTests: XCTestCase {
    let table = ReportTable(id: "t", caption: "c", columns: [.init(name: "method"), .init(name: "score", numeric: true), .init(name: "p", numeric: true, fileOnly: true)],
                            rows: [[.init("lo|ra, \"x\"\n"), .init("0.50", value: 0.5, interval: (0.25, 0.75), note: "[0.25, 0.75]"), .init("0.01", value: 0.01)],
                                   [.init("full"), .empty, .init("nan", value: .nan)]])

    func testCSVHoldsFullPrecisionAndIntervalBounds() throws {
        let reader = try CSVReader(string: String(decoding: table.csv(), as: UTF8.self), hasHeaderRow: true)
        XCTAssertEqual(reader.headerRow, ["method", "score", "score 95% lower", "score 95% upper", "p"])
        var rows: [[String]] = []
        while let row = reader.next() { rows.append(row) }
        XCTAssertEqual(rows, [["lo|ra, \"x\"\n", "0.5", "0.25", "0.75", "0.01"], ["full", "", "", "", "nan"]])
    }

    func testJSONHasNumbersAndNulls() throws {
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: table.json()) as? [String: Any])
        let rows = try XCTUnwrap(object["rows"] as? [[String: Any]])
        XCTAssertEqual(rows[0]["score"] as? Double, 0.5)
        XCTAssertEqual(rows[0]["score 95% upper"] as? Double, 0.75)
        XCTAssertTrue(rows[1]["score"] is NSNull)
        XCTAssertEqual(rows[1]["p"] as? String, "nan")
    }

    func testMarkdownEscapesPipesAndLeavesFileOnlyColumnsOut() {
        let md = table.markdown()
        XCTAssertTrue(md.hasPrefix("| method | score |\n|---|---:|\n"), md)
        XCTAssertTrue(md.contains("lo\\|ra"), md)
        XCTAssertFalse(md.contains("\"x\"\n"), "a newline inside a cell breaks the table")
    }
}
