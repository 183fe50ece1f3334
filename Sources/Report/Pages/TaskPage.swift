import Foundation
import Plot
import Results

/// `tasks/<task>.html`: one task in depth — the headline metric per method with intervals, every measure's interval
/// and tests, learning curves, learning-rate sensitivity, reliability diagrams, forgetting against the score,
/// sweeps, and every run.
struct TaskPage: ReportPage {
    let data: ReportData
    let board: Leaderboard
    let task: String
    let grids: [SweepGrid]
    var path: String { Site.taskPage(task) }
    var title: String { "\(task) — peftbench report" }

    var column: Leaderboard.Column? { board.columns.first { $0.task == task } }

    func body(_ site: Site) -> Node<HTML.BodyContext> {
        let dataFiles = Set(data.runs(task: task).flatMap { $0.data.map { "\($0.split): \($0.origin), sha256 \($0.sha256.prefix(12))…" } }).sorted()
        let notes = Set(data.summary?.comparison?.tasks.filter { $0.task == task }.flatMap(\.notes) ?? []).sorted()
        return .group(
            .h1(.untrusted(task)),
            .p(.class("muted"), .untrusted(dataFiles.joined(separator: " · ")), .text(" · "),
               .a(.href(site.link(Site.predictionsPage(task))), .text("browse the predictions"))),
            .raw(headlineChart()),
            .h2("Every measure, with intervals and tests"),
            .p(.class("muted"), .text("Mean over seeds with its 95% interval (resampling seeds and examples together). ▲ / ▼: significantly "
                + "better / worse than full fine-tuning (paired by example and seed, Holm-corrected within the task); ★ the best on that "
                + "measure. Calibration errors (ECE) and forgetting (Δ NLL) are better when lower. Hover a cell for its test.")),
            Self.comparisonTable(data, task: task).html(linkPrefix: site.root),
            .element(named: "details", nodes: [.element(named: "summary", nodes: [.text("every paired test")]),
                                                Self.testsTable(data, task: task).html(linkPrefix: site.root)]),
            .h2("Learning curves"),
            .raw(learningCurves()),
            .if(!data.proxies.filter { $0.spec.task == task }.isEmpty, .group(
                .h2("Learning-rate sensitivity"),
                .p(.class("muted"), .text("Held-out loss after the short proxy runs at each method's learning rates (on held-out data, never the "
                    + "reported split); the ringed point is the rate the full runs trained with. Where the best rate was an edge of the "
                    + "grid, the grid widened past it as far as the suite allows.")),
                .raw(sensitivity())
            )),
            .h2("Calibration"),
            .p(.class("muted"), .text("Reliability diagrams, bins pooled over seeds: bars are accuracy per confidence bin, the shaded gap is "
                + "each bin's distance from its mean confidence, the dashed line perfect calibration.")),
            reliability(),
            .h2("Forgetting against the score"),
            .p(.class("muted"), .text("Does a method that learns less also forget less? Forgetting is the tuned model's mean NLL per token on "
                + "the probe texts minus the base model's, averaged over the probe sets (right is more forgetting).")),
            .raw(forgettingChart()),
            .if(!grids.isEmpty, .group(.h2("Sweeps"), .div(.class("charts"), .forEach(grids) { .raw($0.svg()) }))),
            .h2("Every run"),
            Self.runsTable(data, task: task).html(linkPrefix: site.root),
            .if(!notes.isEmpty, .group(.h3("Notes on the comparison"), .ul(.forEach(notes) { .li(.untrusted($0)) })))
        )
    }

    func headlineChart() -> String {
        guard let column else { return "<p>No completed run of this task has a score.</p>" }
        let bars = board.rows.compactMap { row -> BarChart.Bar? in
            guard let cell = row.cells[task] else { return nil }
            var detail = "\(row.entry): \(column.metric) \(Formatting.number(cell.mean, scale: column.scale))"
            if let ci = cell.interval { detail += " \(Formatting.range(ci, scale: column.scale))" }
            return BarChart.Bar(label: row.entry, value: cell.mean, interval: cell.interval,
                                colour: row.entry == data.fullEntry ? "#57606a" : Palette.categorical(0), detail: detail)
        }
        return BarChart(title: "\(task): \(column.metric) per method", description: "Mean over seeds with its 95% interval; full fine-tuning in grey.",
                        axisLabel: "\(column.metric) (\(column.scale))", bars: bars).svg()
    }

    func learningCurves() -> String {
        let series = data.entries.compactMap { entry -> LineChart.Series? in
            let curves = data.runs(task: task, entry: entry).map(\.lossCurve).filter { !$0.isEmpty }
            guard !curves.isEmpty else { return nil }
            var sums: [Int: (Double, Int)] = [:]
            for curve in curves { for p in curve where p.loss.isFinite { sums[p.step, default: (0, 0)].0 += p.loss; sums[p.step, default: (0, 0)].1 += 1 } }
            return LineChart.Series(name: entry, points: sums.keys.sorted().map { (x: Double($0), y: sums[$0]!.0 / Double(sums[$0]!.1)) })
        }
        guard !series.isEmpty else { return "<p>No run recorded a loss.</p>" }
        let points = series.flatMap(\.points)
        let frame = ChartFrame(title: "\(task): training loss by step, per method", description: "Mean over seeds of the training loss at each optimizer step.",
                               x: Axis(label: "step", values: points.map(\.x)), y: Axis(label: "training loss", values: points.map(\.y)),
                               legend: LineChart.legend(series),
                               width: 760, height: 320)
        return LineChart(frame: frame, series: series, pointText: { String(format: "step %.0f, loss %.4f", $0, $1) }).svg()
    }

    func sensitivity() -> String {
        let proxies = data.proxies.filter { $0.spec.task == task && $0.status == .completed }
        var byEntry: [String: [(x: Double, y: Double)]] = [:], order: [String] = []
        for r in proxies {
            guard let loss = r.heldOutLoss?.mean, loss.isFinite else { continue }
            let entry = data.entry(r)
            if byEntry[entry] == nil { order.append(entry) }
            byEntry[entry, default: []].append((x: Double(r.method.learningRate), y: loss))
        }
        let series = order.map { entry -> LineChart.Series in
            let points = byEntry[entry]!.sorted { $0.x < $1.x }
            let chosen = data.results.first { $0.spec.task == task && data.entry($0) == entry }?.method.learningRateChoice?.value
            return LineChart.Series(name: entry, points: points, ringed: chosen.map(Double.init) ?? points.min { $0.y < $1.y }?.x)
        }
        guard !series.isEmpty else { return "<p>No selection run has finished.</p>" }
        let points = series.flatMap(\.points)
        let frame = ChartFrame(title: "\(task): held-out loss against learning rate, per method",
                               description: "Held-out loss of each learning-rate proxy run; the ringed point is the rate chosen.",
                               x: Axis(label: "learning rate", values: points.map(\.x), log: true), y: Axis(label: "held-out loss", values: points.map(\.y)),
                               legend: LineChart.legend(series),
                               width: 760, height: 320)
        return LineChart(frame: frame, series: series, pointText: { String(format: "learning rate %g, held-out loss %.4f", $0, $1) }).svg()
    }

    func reliability() -> Node<HTML.BodyContext> {
        let diagrams = data.entries.flatMap { entry -> [String] in
            let runs = data.completed(task: task, entry: entry)
            let levels: [(String, (RunResult) -> Calibration?)] = [("tokens", { $0.calibration?.tokenLevel }), ("answers", { $0.calibration?.answerLevel })]
            return levels.compactMap { name, get in
                let all = runs.compactMap(get)
                guard let bins = Self.pooled(all) else { return nil }
                let ece = all.map(\.ece).reduce(0, +) / Double(all.count)
                return ReliabilityDiagram(title: "\(entry) · \(name)", bins: bins, ece: ece).svg()
            }
        }
        guard !diagrams.isEmpty else { return .p(.class("muted"), .text("No run of this task measured calibration.")) }
        return .div(.class("charts"), .forEach(diagrams) { .raw($0) })
    }

    /// Bins summed over runs: counts add, and mean confidence and accuracy are weighted by count.
    static func pooled(_ calibrations: [Calibration]) -> [Calibration.Bin]? {
        guard let first = calibrations.first, calibrations.allSatisfy({ $0.bins.count == first.bins.count }) else { return nil }
        return first.bins.indices.map { b in
            let bins = calibrations.map { $0.bins[b] }
            let count = bins.reduce(0) { $0 + $1.count }
            let weighted = { (f: (Calibration.Bin) -> Double) in count > 0 ? bins.reduce(0) { $0 + f($1) * Double($1.count) } / Double(count) : 0 }
            return Calibration.Bin(lower: first.bins[b].lower, upper: first.bins[b].upper, count: count,
                                   meanConfidence: weighted(\.meanConfidence), accuracy: weighted(\.accuracy))
        }
    }

    func forgettingChart() -> String {
        guard let column else { return "<p>No completed run of this task has a score.</p>" }
        var points: [ScatterChart.Point] = []
        for (i, entry) in data.entries.enumerated() {
            guard let cell = board.rows.first(where: { $0.entry == entry })?.cells[task] else { continue }
            let deltas = data.completed(task: task, entry: entry).compactMap { r -> Double? in
                let d = r.forgetting.map(\.delta).filter(\.isFinite)
                return d.isEmpty ? nil : d.reduce(0, +) / Double(d.count)
            }
            guard !deltas.isEmpty else { continue }
            let x = deltas.reduce(0, +) / Double(deltas.count)
            points.append(.init(x: x, y: cell.mean, yInterval: cell.interval, series: i, label: entry,
                                detail: String(format: "%@: forgetting %+.4f nats/token, %@ %@", entry, x, column.metric, Formatting.number(cell.mean, scale: column.scale))))
        }
        guard !points.isEmpty else { return "<p>No run of this task measured forgetting.</p>" }
        let frame = ChartFrame(title: "\(task): \(column.metric) against forgetting", description: "One point per method entry; the dashed line is the frontier of least forgetting for the score.",
                               x: Axis(label: "forgetting: Δ NLL per token on the probes", values: points.map(\.x), includeZero: true),
                               y: Axis(label: "\(column.metric) (\(column.scale))", values: points.flatMap { [$0.y] + ($0.yInterval.map { [$0.0, $0.1] } ?? []) }),
                               legend: ScatterChart.legend(points),
                               width: 760, height: max(320, 40 + 15 * Double(points.count) + 42))
        let frontier = ScatterChart.paretoFrontier(points, higherIsBetter: column.higherIsBetter)
        return ScatterChart(frame: frame, points: points, frontier: frontier, labelled: Set(frontier)).svg()
    }

    /// Per entry, every measure's mean with its interval over seeds and examples, marked where the corrected test
    /// against full fine-tuning found a difference (▲ better, ▼ worse) and where the entry is the task's best (★).
    static func comparisonTable(_ data: ReportData, task: String) -> ReportTable {
        // Metrics first, then calibration, then forgetting, each by name.
        let kinds = ["metric", "calibration", "forgetting"]
        let measures = data.entries.flatMap { e in data.comparison(task: task, entry: e)?.intervals[data.comparisonLabel(e)] ?? [] }
            .reduce(into: [SuiteComparison.Interval]()) { all, i in if !all.contains(where: { $0.measure == i.measure }) { all.append(i) } }
            .sorted { (kinds.firstIndex(of: $0.kind) ?? 3, $0.measure) < (kinds.firstIndex(of: $1.kind) ?? 3, $1.measure) }
            .map(\.measure)
        let columns = [ReportTable.Column(name: "method")] + measures.map { ReportTable.Column(name: $0, numeric: true) }
        var rows: [[ReportTable.Cell]] = []
        for entry in data.entries {
            guard let comparison = data.comparison(task: task, entry: entry) else { continue }
            let label = data.comparisonLabel(entry)
            let intervals = comparison.intervals[label] ?? []
            guard !intervals.isEmpty else { continue }
            rows.append([.init(entry)] + measures.map { measure in
                guard let i = intervals.first(where: { $0.measure == measure }) else { return .empty }
                let full = comparison.tests.first { $0.method == label && $0.against == "full" && $0.measure == measure }
                let isBest = comparison.tests.contains { $0.baseline == label && $0.against == "best" && $0.measure == measure }
                let mark = (full?.verdict == "better" ? " ▲" : full?.verdict == "worse" ? " ▼" : "") + (isBest ? " ★" : "")
                var title = String(format: "%@, %@: %.4g [%.4g, %.4g] over %d seed%@ × %d examples", entry, measure, i.mean, i.lower, i.upper,
                                   i.seeds, i.seeds == 1 ? "" : "s", i.examples)
                if let full { title += String(format: "; %+.4g against full fine-tuning, %@ (p Holm %.3g)", full.delta, full.verdict, full.adjustedP) }
                return .init(String(format: "%.4g", i.mean) + mark, value: i.mean, interval: (i.lower, i.upper),
                             note: String(format: "[%.4g, %.4g]", i.lower, i.upper),
                             cssClass: full?.verdict == "better" ? "better" : full?.verdict == "worse" ? "worse" : nil, title: title)
            })
        }
        return ReportTable(id: "measures-" + HTMLEscape.fileName(task), caption: "\(task): every measure per method (mean over seeds, 95% interval)",
                           columns: columns, rows: rows)
    }

    /// Every paired test of the task: against full fine-tuning and against the best, per measure.
    static func testsTable(_ data: ReportData, task: String) -> ReportTable {
        let names = ["method", "against", "baseline", "measure", "Δ", "p", "p (Holm)", "verdict", "seeds", "examples"]
        let columns = names.enumerated().map { ReportTable.Column(name: $0.element, numeric: [4, 5, 6, 8, 9].contains($0.offset)) }
        let tasks = data.summary?.comparison?.tasks.filter { $0.task == task } ?? []
        let rows: [[ReportTable.Cell]] = tasks.flatMap(\.tests).map { t in
            let range = t.deltaLower.flatMap { lo in t.deltaUpper.map { (lo, $0) } }
            return [.init(t.method), .init(t.against), .init(t.baseline), .init(t.measure),
                    .init(String(format: "%+.4g", t.delta), value: t.delta, interval: range, note: range.map { String(format: "[%+.4g, %+.4g]", $0.0, $0.1) }),
                    .init(String(format: "%.3g", t.pValue), value: t.pValue), .init(String(format: "%.3g", t.adjustedP), value: t.adjustedP),
                    .init(t.verdict, cssClass: t.verdict == "better" ? "better" : t.verdict == "worse" ? "worse" : nil),
                    .init(String(t.seeds.count), value: Double(t.seeds.count)), .init(String(t.examples), value: Double(t.examples))]
        }
        return ReportTable(id: "tests-" + HTMLEscape.fileName(task), caption: "\(task): every paired test", columns: columns, rows: rows)
    }

    /// Every run of the task, with its metrics, calibration, forgetting and cost.
    static func runsTable(_ data: ReportData, task: String) -> ReportTable {
        let runs = data.entries.flatMap { data.runs(task: task, entry: $0) }
        let metrics = data.metrics(task: task)
        let scales = Dictionary(runs.flatMap { $0.metrics.map { ($0.name, $0.scale) } }, uniquingKeysWith: { a, _ in a })
        let probes = runs.flatMap { $0.forgetting.map(\.probe) }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        var columns = [ReportTable.Column(name: "method"), .init(name: "seed", numeric: true), .init(name: "status")]
        columns += metrics.map { .init(name: "\($0) (\(scales[$0] ?? "?"))", numeric: true) }
        columns += [.init(name: "ECE tokens", numeric: true), .init(name: "ECE answers", numeric: true)]
        columns += probes.map { .init(name: "Δ NLL \($0)", numeric: true) }
        columns += ["trainable", "peak RSS (MiB)", "train time (s)", "tokens/s", "steps", "learning rate"].map { .init(name: $0, numeric: true) }
        columns += [.init(name: "chosen by"), .init(name: "run id")]
        let rows: [[ReportTable.Cell]] = runs.map { r in
            var cells: [ReportTable.Cell] = [.init(data.entry(r), link: Site.runPage(r.runID)), .init(String(r.spec.seed), value: Double(r.spec.seed)),
                                             .init(r.status.rawValue, note: r.budget.cutShort ? "cut short" : r.error, cssClass: "status-\(r.status.rawValue)")]
            for name in metrics {
                if let m = r.metrics.first(where: { $0.name == name }) {
                    cells.append(.init(Formatting.score(m), value: m.score, interval: m.ci95.count == 2 ? (m.ci95[0], m.ci95[1]) : nil, note: Formatting.interval(m)))
                } else { cells.append(.empty) }
            }
            for c in [r.calibration?.tokenLevel, r.calibration?.answerLevel] {
                cells.append(c.map { .init(String(format: "%.4f", $0.ece), value: $0.ece) } ?? .empty)
            }
            for probe in probes {
                cells.append(r.forgetting.first { $0.probe == probe }.map { .init(Formatting.signed($0.delta), value: $0.delta) } ?? .empty)
            }
            let rss = r.cost.peakRSSBytes.map { Double($0) / 1_048_576 }
            cells += [
                .init(Formatting.count(r.cost.trainableParameters), value: Double(r.cost.trainableParameters), note: String(format: "%.3f%%", r.cost.trainablePercent)),
                rss.map { .init(String(format: "%.0f", $0), value: $0) } ?? .empty,
                .init(String(format: "%.1f", r.cost.trainingSeconds), value: r.cost.trainingSeconds),
                .init(String(format: "%.0f", r.cost.tokensPerSecond), value: r.cost.tokensPerSecond),
                .init("\(r.budget.stepsRun)/\(r.budget.steps)", value: Double(r.budget.stepsRun)),
                .init(String(format: "%.3g", r.method.learningRate), value: Double(r.method.learningRate)),
                .init(r.method.learningRateChoice?.by.rawValue ?? "", note: r.method.learningRateChoice?.atGridEdge == true ? "at the edge of the grid" : nil),
                .init(r.runID),
            ]
            return cells
        }
        return ReportTable(id: "runs-" + HTMLEscape.fileName(task), caption: "\(task): every run", columns: columns, rows: rows)
    }
}
