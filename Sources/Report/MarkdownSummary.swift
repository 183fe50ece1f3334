import Foundation

/// `summary.md`: the verdict and the leaderboard and cost tables in Markdown, for a paper or a README.
enum MarkdownSummary {
    static func render(data: ReportData, board: Leaderboard) -> String {
        var out = ["# Which PEFT method? — peftbench" + (data.summary.map { " suite `\($0.suite)`" } ?? ""), ""]
        let seeds = Set(data.results.map(\.spec.seed)).count
        out.append("\(data.results.count) runs of \(data.entries.count) method entries on \(data.tasks.count) tasks, \(seeds) seed\(seeds == 1 ? "" : "s").")
        out += ["", "## Verdict", ""]
        out += Verdict.sentences(board, fullEntry: data.fullEntry).map { "- " + escape($0) }
        out += ["", "## Leaderboard", "", "Headline metric per task (95% interval), difference from full fine-tuning (paired 95% interval), "
            + "Holm-corrected verdict; ★ marks each task's best.", ""]
        out.append(OverviewPage.table(board, data: data).markdown())
        out += ["", "## Cost", ""]
        out.append(TradeOffsPage.table(data).markdown())
        if let method = data.summary?.comparison?.method { out += ["", "Statistics: " + escape(method) + "."] }
        return out.joined(separator: "\n") + "\n"
    }

    /// Text that Markdown would otherwise read as markup or HTML.
    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            if ch == "<" { out += "&lt;"; continue }
            if "\\`*_[]>|#&".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out
    }
}
