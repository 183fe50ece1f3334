import Foundation
import Plot

/// One measure of one method entry over a suite's sweep, as a table: the first sweep axis down, the second across
/// (or one column), each cell the mean over seeds with its 95% interval over seeds and examples. Cells are shaded by
/// their mean within the grid, so that a trend (or its absence) shows before the numbers are read.
public struct SweepGrid: Sendable {
    public struct Cell: Sendable {
        public var mean: Double
        public var lower: Double
        public var upper: Double
        public var seeds: Int

        public init(mean: Double, lower: Double, upper: Double, seeds: Int) {
            self.mean = mean
            self.lower = lower
            self.upper = upper
            self.seeds = seeds
        }
    }

    public var task: String
    public var method: String
    public var measure: String
    public var rowAxis: String
    public var rows: [String]
    /// Nil for a one-axis sweep.
    public var columnAxis: String?
    public var columns: [String]
    /// Keyed by row value and column value ("" for a one-axis sweep).
    public var cells: [String: [String: Cell]]

    public init(task: String, method: String, measure: String, rowAxis: String, rows: [String], columnAxis: String?, columns: [String],
                cells: [String: [String: Cell]]) {
        self.task = task
        self.method = method
        self.measure = measure
        self.rowAxis = rowAxis
        self.rows = rows
        self.columnAxis = columnAxis
        self.columns = columns
        self.cells = cells
    }

    func render() -> Node<HTML.BodyContext> {
        let means = cells.values.flatMap(\.values).map(\.mean).filter(\.isFinite)
        let low = means.min() ?? 0, high = means.max() ?? 0
        let columns = columnAxis == nil ? [""] : self.columns
        func shade(_ mean: Double) -> String {
            let t = high > low ? (mean - low) / (high - low) : 0.5
            // Light to saturated blue: readable in grey and by the colour-blind (one hue, varying lightness).
            return String(format: "background:hsl(210,70%%,%.0f%%)", 96 - 38 * t)
        }
        return .group(
            .h3(.untrusted("\(method): \(measure) over \(rowAxis)\(columnAxis.map { " × \($0)" } ?? "")")),
            .table(
                .tr(.th(.untrusted(columnAxis.map { "\(rowAxis) \\ \($0)" } ?? rowAxis)),
                    .forEach(columns) { .th(.untrusted(columnAxis == nil ? "mean [95% interval]" : $0)) }),
                .forEach(rows) { row in
                    .tr(.th(.untrusted(row)), .forEach(columns) { column in
                        guard let c = cells[row]?[column] else { return .td(.class("num"), .text("–")) }
                        return .td(.class("num"), .attribute(named: "style", value: shade(c.mean)),
                                   .text(Self.format(c.mean)),
                                   .span(.class("ci"), .text("[\(Self.format(c.lower)), \(Self.format(c.upper))] · \(c.seeds) seed\(c.seeds == 1 ? "" : "s")")))
                    })
                }
            ),
            .p(.class("muted"), .text("Darker is a larger mean within this grid; intervals resample seeds and examples together."))
        )
    }

    static func format(_ x: Double) -> String {
        guard x.isFinite else { return "–" }
        return abs(x) >= 100 ? String(format: "%.1f", x) : String(format: "%.3f", x)
    }
}
