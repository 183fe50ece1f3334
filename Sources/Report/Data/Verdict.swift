import Foundation

/// The overview's answer in words, computed from the leaderboard: per task the best entry and how it stands against
/// full fine-tuning, which entries the tests separate from full fine-tuning and from the best; then the entry with
/// the lowest mean rank. Only what the numbers say; "significant" only where the corrected test says so.
enum Verdict {
    static func sentences(_ board: Leaderboard, fullEntry: String?) -> [String] {
        var out: [String] = []
        guard !board.columns.isEmpty else { return ["No completed run has a score yet."] }
        for column in board.columns {
            let scored = board.rows.filter { $0.cells[column.task] != nil }.count
            guard let first = column.top.first, let cell = board.rows.first(where: { $0.entry == first })?.cells[column.task] else { continue }
            let value = Formatting.number(cell.mean, scale: column.scale)
            if column.top.count == scored && scored > 1 {
                out.append("\(column.task) (\(column.metric), \(column.scale)): every entry scores \(value); the task does not separate them.")
                continue
            }
            var s = "\(column.task) (\(column.metric), \(column.scale)): "
                + (column.top.count == 1 ? "best is \(first) at \(value)" : "\(list(column.top)) tie for best at \(value)")
            if let (lo, hi) = cell.interval { s += " (95% interval \(Formatting.number(lo, scale: column.scale))–\(Formatting.number(hi, scale: column.scale)))" }
            if let full = column.fullMean, let fullEntry {
                if column.top.contains(fullEntry) {
                    s += column.top.count == 1 ? ", which is full fine-tuning itself." : "."
                } else {
                    s += "; full fine-tuning \(Formatting.number(full, scale: column.scale))"
                    if let verdict = cell.verdict {
                        s += verdict == "no significant difference"
                            ? ", not significantly different" : ", significantly \(verdict)"
                        if let p = cell.adjustedP { s += String(format: " (Holm-adjusted p = %.3g)", p) }
                        s += "."
                    } else {
                        s += " (untested)."
                    }
                }
            } else {
                s += "; no full fine-tuning run to compare with."
            }
            let tested = board.rows.compactMap { row in row.cells[column.task].map { (row.entry, $0) } }
            let better = tested.filter { $0.1.verdict == "better" }.map(\.0)
            let worse = tested.filter { $0.1.verdict == "worse" }.map(\.0)
            let tied = tested.filter { !column.top.contains($0.0) && $0.1.tiedWithBest == true }.map(\.0)
            if !better.isEmpty { s += " Significantly better than full fine-tuning: \(list(better))." }
            if !worse.isEmpty { s += " Significantly worse than full fine-tuning: \(list(worse))." }
            if tested.contains(where: { $0.1.tiedWithBest != nil }) {
                s += tied.isEmpty ? " No other entry is statistically tied with the best." : " Statistically tied with the best: \(list(tied))."
            }
            out.append(s)
        }
        let ranked = board.rows.filter { $0.meanRank != nil }
        if let top = ranked.first, let rank = top.meanRank {
            let tasks = top.cells.count
            var s = String(format: "Overall: the lowest mean rank is %@'s, %.2f over %d task%@", top.entry, rank, tasks, tasks == 1 ? "" : "s")
            if ranked.count > 1, let second = ranked[1].meanRank { s += String(format: " (next: %@, %.2f)", ranked[1].entry, second) }
            s += "."
            let everywhere = board.rows.filter { row in
                !board.columns.isEmpty && board.columns.allSatisfy { row.cells[$0.task]?.verdict == "better" }
            }.map(\.entry)
            let notWorse = board.rows.filter { row in
                board.columns.allSatisfy { c in row.cells[c.task].map { $0.verdict != nil && $0.verdict != "worse" } ?? false }
            }.map(\.entry)
            if !everywhere.isEmpty { s += " Significantly better than full fine-tuning on every task: \(list(everywhere))." }
            if !notWorse.isEmpty && notWorse != everywhere { s += " Never significantly worse than full fine-tuning: \(list(notWorse))." }
            out.append(s)
        }
        let seeds = Set(board.rows.flatMap { $0.cells.values.map(\.seeds) })
        if seeds == [1] {
            out.append("Each entry ran one seed: its intervals cover the evaluation examples, not training randomness.")
        }
        if !board.rows.contains(where: { $0.cells.values.contains { $0.verdict != nil } }) {
            out.append("No paired tests were run (a suite writes them when its invocation ends), so no difference is called significant.")
        }
        return out
    }

    static func list(_ names: [String]) -> String {
        names.count <= 1 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
    }
}
