import Foundation
import Plot

/// `index.html`: the answer first — the verdict in words, the method × task heatmap of differences from full
/// fine-tuning, and the leaderboard with intervals, significance and mean rank.
struct OverviewPage: ReportPage {
    let data: ReportData
    let board: Leaderboard
    var path: String { "index.html" }
    var title: String { "Which PEFT method? — peftbench report" + (data.summary.map { " (\($0.suite))" } ?? "") }

    func body(_ site: Site) -> Node<HTML.BodyContext> {
        let seeds = Set(data.results.map(\.spec.seed)).count
        return .group(
            .h1("Which PEFT method should I use?"),
            .p(.class("muted"), .untrusted("\(data.results.count) runs of \(data.entries.count) method entries on \(data.tasks.count) tasks, "
                + "\(seeds) seed\(seeds == 1 ? "" : "s")" + (data.summary.map { "; suite \($0.suite), updated \($0.updatedAt)" } ?? "") + ".")),
            .h2("Verdict"),
            .ul(.class("verdict"), .forEach(Verdict.sentences(board, fullEntry: data.fullEntry)) { .li(.untrusted($0)) }),
            .h2("Difference from full fine-tuning"),
            .p(.class("muted"), .text("Each task's headline metric, method minus full fine-tuning (mean over seeds); blue is better, orange worse, "
                + "shaded relative to the task's largest difference. ▲ / ▼: significantly better / worse after Holm correction; ★ the task's best.")),
            .raw(heatmap()),
            .h2("Leaderboard"),
            .p(.class("muted"), .text("Sorted by mean rank over the tasks (1 is best). Under each score its 95% interval; under each difference "
                + "its paired 95% interval and the corrected test's verdict. The intervals are each comparison's own; the verdict is corrected "
                + "for all the tests of the task (Holm), so an interval that excludes zero can still be no significant difference. "
                + "Click a header to sort.")),
            Self.table(board, data: data).html(linkPrefix: site.root),
            .h2("Tasks"),
            .ul(.forEach(data.tasks) { task in
                .li(.a(.href(site.link(Site.taskPage(task))), .untrusted(task)), .text(" · "),
                    .a(.href(site.link(Site.predictionsPage(task))), .text("predictions")))
            }),
            .if(!data.unreadable.isEmpty, .group(
                .h2("Unreadable run folders"),
                .ul(.forEach(data.unreadable) { .li(.untrusted("\(($0.folder as NSString).lastPathComponent): \($0.problem ?? "")")) })
            ))
        )
    }

    func heatmap() -> String {
        guard !board.columns.isEmpty else { return "<p>No completed run has a score yet.</p>" }
        let scale = Dictionary(uniqueKeysWithValues: board.columns.map { c in
            (c.task, board.rows.compactMap { $0.cells[c.task]?.delta }.map(abs).max() ?? 0)
        })
        let cells: [[Heatmap.Cell?]] = board.rows.map { row in
            board.columns.map { c in
                guard let cell = row.cells[c.task] else { return nil }
                let star = c.best == row.entry ? "★" : ""
                guard let delta = cell.delta else {
                    return Heatmap.Cell(shade: 0, text: (row.entry == data.fullEntry ? "full " : "") + Formatting.number(cell.mean, scale: c.scale) + star,
                                        detail: "\(row.entry) on \(c.task): \(c.metric) \(Formatting.number(cell.mean, scale: c.scale))")
                }
                let mark = cell.verdict == "better" ? "▲" : cell.verdict == "worse" ? "▼" : ""
                let signedDelta = c.higherIsBetter ? delta : -delta
                var detail = "\(row.entry) on \(c.task): \(c.metric) \(Formatting.number(cell.mean, scale: c.scale)), "
                    + "\(Formatting.signed(delta, scale: c.scale)) against full fine-tuning"
                if let ci = cell.deltaInterval { detail += " \(Formatting.signedRange(ci, scale: c.scale))" }
                if let v = cell.verdict { detail += ", \(v)" }
                return Heatmap.Cell(shade: scale[c.task]! > 0 ? signedDelta / scale[c.task]! : 0,
                                    text: Formatting.signed(delta, scale: c.scale) + mark + star, detail: detail)
            }
        }
        return Heatmap(title: "Headline metric minus full fine-tuning, per method and task",
                       description: "Rows are method entries sorted by mean rank; columns are tasks with their headline metric. "
                           + "Each cell is the method's mean minus full fine-tuning's; full fine-tuning's own row shows its score.",
                       rowAxis: "method", columnAxis: "task", rows: board.rows.map(\.entry),
                       columns: board.columns.map { "\($0.task) · \($0.metric)" }, cells: cells, colours: .diverging,
                       scaleLabels: ("worse than full fine-tuning", "better")).svg()
    }

    /// The leaderboard as a table (also a download and the Markdown summary's first table).
    static func table(_ board: Leaderboard, data: ReportData) -> ReportTable {
        var columns = [ReportTable.Column(name: "method"), ReportTable.Column(name: "mean rank", numeric: true)]
        for c in board.columns {
            columns.append(.init(name: "\(c.task) \(c.metric) (\(c.scale))", numeric: true))
            columns.append(.init(name: "\(c.task) Δ vs full", numeric: true))
            columns.append(.init(name: "\(c.task) vs full", fileOnly: true))
            columns.append(.init(name: "\(c.task) p (Holm) vs full", numeric: true, fileOnly: true))
        }
        let rows: [[ReportTable.Cell]] = board.rows.map { row in
            var cells = [ReportTable.Cell(row.entry), row.meanRank.map { ReportTable.Cell(String(format: "%.2f", $0), value: $0) } ?? .empty]
            for c in board.columns {
                guard let cell = row.cells[c.task] else { cells += [.empty, .empty, .empty, .empty]; continue }
                let star = c.best == row.entry ? " ★" : ""
                cells.append(.init(Formatting.number(cell.mean, scale: c.scale) + star, value: cell.mean, interval: cell.interval,
                                   note: cell.interval.map { Formatting.range($0, scale: c.scale) + " · \(cell.seeds) seed\(cell.seeds == 1 ? "" : "s")" }))
                let mark = cell.verdict == "better" ? " ▲" : cell.verdict == "worse" ? " ▼" : ""
                let css = cell.verdict == "better" ? "better" : cell.verdict == "worse" ? "worse" : nil
                if let delta = cell.delta {
                    let words = [cell.deltaInterval.map { Formatting.signedRange($0, scale: c.scale) },
                                 cell.verdict.map { $0 == "no significant difference" ? "n.s." : $0 },
                                 cell.adjustedP.map { String(format: "p %.3g", $0) }].compactMap { $0 }.joined(separator: " · ")
                    cells.append(.init(Formatting.signed(delta, scale: c.scale) + mark, value: delta, interval: cell.deltaInterval,
                                       note: words.isEmpty ? nil : words, cssClass: css))
                } else {
                    cells.append(row.entry == data.fullEntry ? .init("baseline") : .empty)
                }
                cells.append(.init(cell.verdict ?? (row.entry == data.fullEntry ? "baseline" : "untested")))
                cells.append(cell.adjustedP.map { .init(String(format: "%.3g", $0), value: $0) } ?? .empty)
            }
            return cells
        }
        return ReportTable(id: "leaderboard", caption: "Leaderboard: headline metric per task, difference from full fine-tuning, mean rank",
                           columns: columns, rows: rows)
    }
}
