import Foundation
import Plot
import Results

/// `tradeoffs.html`: per task, the headline metric against what each method cost — trainable parameters, peak
/// memory, training time, adapter size — with the Pareto frontier (no other method both cheaper and better) drawn
/// and its points filled; log axes where a cost spans decades.
struct TradeOffsPage: ReportPage {
    let data: ReportData
    let board: Leaderboard
    var path: String { "tradeoffs.html" }
    var title: String { "Trade-offs — peftbench report" }

    /// The cost figures, each read from a completed run (mean over seeds).
    static let costs: [(name: String, axis: String, value: @Sendable (RunResult) -> Double?, format: @Sendable (Double) -> String)] = [
        ("trainable parameters", "trainable parameters", { Double($0.cost.trainableParameters) }, NumberText.compact),
        ("peak memory", "peak RSS (MiB)", { $0.cost.peakRSSBytes.map { Double($0) / 1_048_576 } }, NumberText.compact),
        ("training time", "training time (s)", { $0.cost.trainingSeconds }, NumberText.compact),
        ("adapter size", "adapter file (KiB)", { $0.cost.adapterBytes.map { Double($0) / 1024 } }, NumberText.compact),
    ]

    func body(_ site: Site) -> Node<HTML.BodyContext> {
        .group(
            .h1("Quality against cost"),
            .p(.class("muted"), .text("Each point is a method entry: its headline score (mean over seeds, with its 95% interval) against a cost "
                + "(mean over seeds). Filled points and the dashed line are the Pareto frontier: no other method is both cheaper and better. "
                + "Full fine-tuning has no adapter file; its point is missing from the adapter-size chart.")),
            .forEach(board.columns) { column in
                .group(
                    .h2(.untrusted("\(column.task) · \(column.metric)")),
                    .div(.class("charts"), .forEach(Self.costs.indices) { k in .raw(chart(column, cost: k)) })
                )
            },
            .h2("Cost per method"),
            Self.table(data).html(linkPrefix: site.root)
        )
    }

    func chart(_ column: Leaderboard.Column, cost k: Int) -> String {
        let cost = Self.costs[k]
        var points: [ScatterChart.Point] = []
        for (i, entry) in data.entries.enumerated() {
            guard let cell = board.rows.first(where: { $0.entry == entry })?.cells[column.task] else { continue }
            let values = data.completed(task: column.task, entry: entry).compactMap(cost.value).filter(\.isFinite)
            guard !values.isEmpty else { continue }
            let x = values.reduce(0, +) / Double(values.count)
            points.append(.init(x: x, y: cell.mean, yInterval: cell.interval, series: i, label: entry,
                                detail: "\(entry): \(column.metric) \(Formatting.number(cell.mean, scale: column.scale)), \(cost.name) \(cost.format(x))"))
        }
        let xs = points.map(\.x)
        let frame = ChartFrame(
            title: "\(column.task): \(column.metric) against \(cost.name)",
            description: "One point per method entry; the Pareto frontier is dashed.",
            x: Axis(label: cost.axis, values: xs, log: Axis.spansDecades(xs), format: cost.format),
            y: Axis(label: "\(column.metric) (\(column.scale))", values: points.flatMap { [$0.y] + ($0.yInterval.map { [$0.0, $0.1] } ?? []) }),
            legend: ScatterChart.legend(points),
            width: 620, height: max(300, 40 + 15 * Double(points.count) + 42))
        let frontier = ScatterChart.paretoFrontier(points, higherIsBetter: column.higherIsBetter)
        return ScatterChart(frame: frame, points: points, frontier: frontier, labelled: Set(frontier)).svg()
    }

    static func table(_ data: ReportData) -> ReportTable {
        let columns = [ReportTable.Column(name: "task"), ReportTable.Column(name: "method")]
            + costs.map { ReportTable.Column(name: $0.axis, numeric: true) }
            + [ReportTable.Column(name: "tokens/s", numeric: true), ReportTable.Column(name: "runs", numeric: true)]
        var rows: [[ReportTable.Cell]] = []
        for task in data.tasks {
            for entry in data.entries {
                let runs = data.completed(task: task, entry: entry)
                guard !runs.isEmpty else { continue }
                func mean(_ f: (RunResult) -> Double?) -> ReportTable.Cell {
                    let v = runs.compactMap(f).filter(\.isFinite)
                    guard !v.isEmpty else { return .empty }
                    let m = v.reduce(0, +) / Double(v.count)
                    return .init(NumberText.compact(m), value: m)
                }
                rows.append([.init(task), .init(entry)] + costs.map { mean($0.value) } + [mean { $0.cost.tokensPerSecond }, .init(String(runs.count), value: Double(runs.count))])
            }
        }
        return ReportTable(id: "costs", caption: "What each method cost, mean over its completed runs", columns: columns, rows: rows)
    }
}
