import Foundation
import Results

/// One measure of one method entry over a suite's sweep: the first sweep axis down, the second across (or one
/// column), each cell the mean over seeds with its 95% interval over seeds and examples, drawn as a heatmap shaded
/// by mean within the grid, so that a trend (or its absence) shows before the numbers are read.
struct SweepGrid {
    struct Cell {
        var mean: Double
        var lower: Double
        var upper: Double
        var seeds: Int
    }

    var task: String
    var method: String
    var measure: String
    var rowAxis: String
    var rows: [String]
    /// Nil for a one-axis sweep.
    var columnAxis: String?
    var columns: [String]
    /// Keyed by row value and column value ("" for a one-axis sweep).
    var cells: [String: [String: Cell]]

    /// Every grid of a suite's summary: per task and method entry, each metric over its sweep axes in the suite
    /// file's order of values; none when the suite sweeps nothing (or more than two axes).
    static func grids(_ summary: SuiteSummary?) -> [SweepGrid] {
        guard let summary, let comparison = summary.comparison, let axes = summary.sweepAxes, let rowAxis = axes.first, axes.count <= 2 else {
            return []
        }
        let columnAxis = axes.count == 2 ? axes[1] : nil
        var tasks: [String] = [], methods: [String] = []
        for g in summary.groups {
            if !tasks.contains(g.task) { tasks.append(g.task) }
            if !methods.contains(g.method) { methods.append(g.method) }
        }
        var grids: [SweepGrid] = []
        for task in tasks {
            let points = comparison.tasks.filter { $0.task == task }
            for method in methods {
                var byMeasure: [String: [String: [String: Cell]]] = [:], order: [String] = []
                for point in points {
                    guard let row = point.sweep[rowAxis.key] else { continue }
                    let column = columnAxis.flatMap { point.sweep[$0.key] } ?? ""
                    for interval in point.intervals[method] ?? [] where interval.kind == "metric" {
                        if byMeasure[interval.measure] == nil { order.append(interval.measure) }
                        byMeasure[interval.measure, default: [:]][row, default: [:]][column] =
                            Cell(mean: interval.mean, lower: interval.lower, upper: interval.upper, seeds: interval.seeds)
                    }
                }
                for measure in order {
                    grids.append(SweepGrid(task: task, method: method, measure: measure, rowAxis: rowAxis.key, rows: rowAxis.values,
                                           columnAxis: columnAxis?.key, columns: columnAxis?.values ?? [], cells: byMeasure[measure]!))
                }
            }
        }
        return grids
    }

    func svg() -> String {
        let means = cells.values.flatMap(\.values).map(\.mean).filter(\.isFinite)
        let low = means.min() ?? 0, high = means.max() ?? 0
        let columns = columnAxis == nil ? [""] : self.columns
        let grid: [[Heatmap.Cell?]] = rows.map { row in
            columns.map { column in
                cells[row]?[column].map { c in
                    let where_ = "\(rowAxis)=\(row)" + (columnAxis.map { ", \($0)=\(column)" } ?? "")
                    return Heatmap.Cell(shade: high > low ? (c.mean - low) / (high - low) : 0.5, text: Self.format(c.mean),
                                        detail: "\(method), \(where_): \(measure) \(Self.format(c.mean)) [\(Self.format(c.lower)), \(Self.format(c.upper))], \(c.seeds) seed\(c.seeds == 1 ? "" : "s")",
                                        note: "[\(Self.format(c.lower)), \(Self.format(c.upper))]")
                }
            }
        }
        return Heatmap(title: "\(method): \(measure) over \(rowAxis)\(columnAxis.map { " × \($0)" } ?? "")",
                       description: "Mean over seeds of \(measure) at each sweep point, with its 95% interval over seeds and examples; darker is larger within this grid.",
                       rowAxis: rowAxis, columnAxis: columnAxis ?? "mean [95% interval]", rows: rows,
                       columns: columnAxis == nil ? [measure] : columns, cells: grid, colours: .sequential,
                       scaleLabels: (Self.format(low), Self.format(high))).svg()
    }

    static func format(_ x: Double) -> String {
        guard x.isFinite else { return "–" }
        return abs(x) >= 100 ? String(format: "%.1f", x) : String(format: "%.3f", x)
    }
}
