import Foundation
import Report
import Results

/// The report's sweep grids, from a suite's comparison: per task and method entry, each metric over the first sweep
/// axis (rows) and the second (columns), in the suite file's order of values.
enum SweepGrids {
    static func make(plan: SuitePlan, comparison: SuiteComparison?) -> [SweepGrid] {
        let axes = plan.file.sweep
        guard let comparison, let rowAxis = axes.first, axes.count <= 2 else { return [] }
        let columnAxis = axes.count == 2 ? axes[1] : nil
        var grids: [SweepGrid] = []
        for task in plan.file.tasks.map(\.name) {
            let points = comparison.tasks.filter { $0.task == task }
            for method in plan.file.methods.map(\.label) {
                var byMeasure: [String: [String: [String: SweepGrid.Cell]]] = [:], order: [String] = []
                for point in points {
                    guard let row = point.sweep[rowAxis.key] else { continue }
                    let column = columnAxis.flatMap { point.sweep[$0.key] } ?? ""
                    for interval in point.intervals[method] ?? [] where interval.kind == "metric" {
                        if byMeasure[interval.measure] == nil { order.append(interval.measure) }
                        byMeasure[interval.measure, default: [:]][row, default: [:]][column] =
                            .init(mean: interval.mean, lower: interval.lower, upper: interval.upper, seeds: interval.seeds)
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
}
