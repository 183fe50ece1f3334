import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Report
import Results
import XCTest

final class ChartTests: XCTestCase {
    func testLinearTicksAreRoundAndInsideTheRange() {
        for (values, step) in [([0.0, 1.0], 0.2), ([0.13, 0.74], 0.1), ([3.0, 97.0], 20.0), ([-0.61, 0.2], 0.2), ([1200.0, 3400.0], 500.0)] {
            let axis = Axis(label: "x", values: values)
            let ticks = axis.ticks
            XCTAssertGreaterThanOrEqual(ticks.count, 3, "\(values)")
            XCTAssertLessThanOrEqual(ticks.count, 8, "\(values)")
            for t in ticks {
                XCTAssertTrue(t >= axis.lower - 1e-9 && t <= axis.upper + 1e-9, "\(values): tick \(t) outside [\(axis.lower), \(axis.upper)]")
                XCTAssertEqual((t / step).rounded() * step, t, accuracy: 1e-9, "\(values): tick \(t) is not a multiple of \(step)")
            }
        }
    }

    func testLogTicksAreDecades() {
        let axis = Axis(label: "parameters", values: [12_000, 135_000_000], log: true)
        XCTAssertEqual(axis.scale, .log)
        XCTAssertEqual(axis.ticks, [1e4, 1e5, 1e6, 1e7, 1e8])
        XCTAssertEqual(axis.fraction(axis.lower), 0, accuracy: 1e-12)
        XCTAssertEqual(axis.fraction(axis.upper), 1, accuracy: 1e-12)
        // Two decades: 1, 2 and 5 of each.
        XCTAssertEqual(Axis(label: "lr", values: [1e-4, 6.3e-3], log: true).ticks, [1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3])
        XCTAssertTrue(Axis.spansDecades([10, 2000]))
        XCTAssertFalse(Axis.spansDecades([10, 900]))
    }

    func testCompactNumbers() {
        XCTAssertEqual(NumberText.compact(0), "0")
        XCTAssertEqual(NumberText.compact(0.25), "0.25")
        XCTAssertEqual(NumberText.compact(1500), "1500")
        XCTAssertEqual(NumberText.compact(12_000), "12k")
        XCTAssertEqual(NumberText.compact(134_515_008), "135M")
        XCTAssertEqual(NumberText.compact(2e-4), "2e-4")
        XCTAssertEqual(NumberText.compact(-.infinity), "−∞")
    }

    func testParetoFrontierKeepsOnlyUnbeatenPoints() {
        func p(_ x: Double, _ y: Double) -> ScatterChart.Point { .init(x: x, y: y, series: 0, label: "", detail: "") }
        let points = [p(1, 0.2), p(2, 0.5), p(3, 0.4), p(4, 0.7), p(4, 0.6), p(5, 0.7), p(0.5, 0.1)]
        XCTAssertEqual(ScatterChart.paretoFrontier(points), [6, 0, 1, 3])
        // Lower is better: the cheapest lowest.
        XCTAssertEqual(ScatterChart.paretoFrontier(points, higherIsBetter: false), [6])
    }

    func testRanksShareTies() {
        XCTAssertEqual(Leaderboard.ranks([0.5, 0.7, 0.5, 0.1], higherIsBetter: true), [2.5, 1, 2.5, 4])
        XCTAssertEqual(Leaderboard.ranks([0.5, 0.7, 0.5, 0.1], higherIsBetter: false), [2.5, 4, 2.5, 1])
    }

    func testDivergingColoursRunThroughWhite() {
        XCTAssertEqual(Palette.diverging(0), "#FFFFFF")
        XCTAssertNotEqual(Palette.diverging(-1), Palette.diverging(1))
        XCTAssertEqual(Palette.textColour(on: "#FFFFFF"), "#000")
        XCTAssertEqual(Palette.textColour(on: Palette.sequential(1)), "#fff")
    }

    /// Every chart kind is well-formed XML with a title, a description and an accessible name, and escapes its text.
    func testEveryChartIsWellFormedAndNamed() throws {
        let hostile = "<b>\"&'</b>"
        let frame = ChartFrame(title: "t \(hostile)", description: "d \(hostile)", x: Axis(label: hostile, values: [1, 1000], log: true),
                               y: Axis(label: "y", values: [0, 1]), legend: [LegendEntry(label: hostile, colour: "#000")])
        let bins = (0..<15).map { Calibration.Bin(lower: Double($0) / 15, upper: Double($0 + 1) / 15, count: $0, meanConfidence: Double($0) / 15, accuracy: 0.5) }
        let charts = [
            ScatterChart(frame: frame, points: [.init(x: 10, y: 0.5, yInterval: (0.4, 0.6), series: 9, label: hostile, detail: hostile)], frontier: [0]).svg(),
            LineChart(frame: frame, series: [.init(name: hostile, points: [(1, 0.1), (100, 0.9)], ringed: 100)]).svg(),
            BarChart(title: hostile, description: hostile, axisLabel: hostile, bars: [.init(label: hostile, value: -0.2, interval: (-0.3, 0.1), colour: "#000", detail: hostile)]).svg(),
            Heatmap(title: hostile, description: hostile, rowAxis: hostile, columnAxis: hostile, rows: [hostile, "b"], columns: ["c"],
                    cells: [[.init(shade: -0.5, text: hostile, detail: hostile, note: hostile)], [nil]], colours: .diverging, scaleLabels: (hostile, hostile)).svg(),
            ReliabilityDiagram(title: hostile, bins: bins, ece: 0.1).svg(),
        ]
        for svg in charts {
            XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\""), svg.prefix(120).description)
            XCTAssertTrue(svg.contains("role=\"img\" aria-label=\""))
            XCTAssertTrue(svg.contains("<title>") && svg.contains("<desc>"))
            XCTAssertFalse(svg.contains("<b>"), "unescaped text in \(svg.prefix(200))")
            let parser = XMLParser(data: Data(svg.utf8))
            XCTAssertTrue(parser.parse(), "not well-formed: \(parser.parserError.map { "\($0)" } ?? "") in \(svg.prefix(300))")
        }
    }
}
