import Foundation
import Results

/// Every method entry's headline score on every task, as a difference from full fine-tuning with its paired interval
/// and the corrected test's verdict, its rank within the task, and its mean rank over the tasks.
struct Leaderboard {
    struct Cell {
        var mean: Double
        /// 95% interval over seeds and examples (the suite's comparison), or over examples for a single run.
        var interval: (Double, Double)?
        var seeds: Int
        /// Minus full fine-tuning's mean, with the paired interval and the Holm-corrected verdict when the suite tested it.
        var delta: Double?
        var deltaInterval: (Double, Double)?
        var verdict: String?
        var adjustedP: Double?
        /// Not significantly different from the task's best entry (true for the best itself); nil when untested.
        var tiedWithBest: Bool?
        var rank: Double
    }

    struct Column {
        var task: String
        var metric: String
        var scale: String
        var higherIsBetter: Bool
        /// The entry with the best mean, when no other shares it; `top` lists every entry at the best mean.
        var best: String?
        var top: [String]
        var fullMean: Double?
    }

    struct Row {
        var entry: String
        var cells: [String: Cell]
        var meanRank: Double?
    }

    let columns: [Column]
    let rows: [Row]

    init(_ data: ReportData) {
        var columns: [Column] = []
        var cells: [String: [String: Cell]] = [:]
        for task in data.tasks {
            guard let (metric, scale) = data.headline(task: task) else { continue }
            var means: [(String, Double, Int)] = []
            for entry in data.entries {
                let scores = data.completed(task: task, entry: entry).compactMap { $0.metrics.first { $0.name == metric }?.score }.filter(\.isFinite)
                if !scores.isEmpty { means.append((entry, scores.reduce(0, +) / Double(scores.count), scores.count)) }
            }
            guard !means.isEmpty else { continue }
            let tests = data.summary?.comparison?.tasks.filter { $0.task == task }.flatMap(\.tests).filter { $0.measure == metric } ?? []
            let higherIsBetter = tests.first?.higherIsBetter ?? true
            let ranks = Self.ranks(means.map(\.1), higherIsBetter: higherIsBetter)
            let full = data.fullEntry.flatMap { f in means.first { $0.0 == f }?.1 }
            for (k, (entry, mean, seeds)) in means.enumerated() {
                let comparison = data.comparison(task: task, entry: entry)
                let label = data.comparisonLabel(entry)
                let interval = comparison?.intervals[label]?.first { $0.measure == metric }.map { ($0.lower, $0.upper) }
                    ?? (seeds == 1 ? data.completed(task: task, entry: entry).first?.metrics.first { $0.name == metric }
                        .flatMap { $0.ci95.count == 2 ? ($0.ci95[0], $0.ci95[1]) : nil } : nil)
                let vsFull = comparison?.tests.first { $0.method == label && $0.against == "full" && $0.measure == metric }
                let vsBest = comparison?.tests.first { $0.method == label && $0.against == "best" && $0.measure == metric }
                let isBest = comparison?.tests.contains { $0.baseline == label && $0.against == "best" && $0.measure == metric } ?? false
                var cell = Cell(mean: mean, interval: interval, seeds: seeds, rank: ranks[k])
                if let full, entry != data.fullEntry {
                    cell.delta = vsFull?.delta ?? mean - full
                    cell.deltaInterval = vsFull.flatMap { t in t.deltaLower.flatMap { lo in t.deltaUpper.map { (lo, $0) } } }
                    cell.verdict = vsFull?.verdict
                    cell.adjustedP = vsFull?.adjustedP
                }
                cell.tiedWithBest = isBest ? true : vsBest.map { $0.verdict == "no significant difference" }
                cells[entry, default: [:]][task] = cell
            }
            let bestRank = ranks.min()!
            let top = means.indices.filter { ranks[$0] == bestRank }.map { means[$0].0 }
            columns.append(Column(task: task, metric: metric, scale: scale, higherIsBetter: higherIsBetter, best: top.count == 1 ? top[0] : nil,
                                  top: top, fullMean: full))
        }
        self.columns = columns
        rows = data.entries.compactMap { entry in
            guard let mine = cells[entry] else { return nil }
            let ranks = mine.values.map(\.rank)
            return Row(entry: entry, cells: mine, meanRank: ranks.isEmpty ? nil : ranks.reduce(0, +) / Double(ranks.count))
        }.sorted { ($0.meanRank ?? .infinity, $0.entry) < ($1.meanRank ?? .infinity, $1.entry) }
    }

    /// Ranks from 1 (best), ties sharing the mean of the ranks they span.
    static func ranks(_ values: [Double], higherIsBetter: Bool) -> [Double] {
        let order = values.indices.sorted { higherIsBetter ? values[$0] > values[$1] : values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
            for k in i...j { ranks[order[k]] = Double(i + j) / 2 + 1 }
            i = j + 1
        }
        return ranks
    }
}
