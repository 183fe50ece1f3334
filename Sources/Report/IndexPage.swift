import Foundation
import Plot
import Results

/// `index.html`: one table per task, a row per run, sorted by method.
struct IndexPage {
    let runs: [ReportWriter.LoadedRun]
    var labels: [String: String] = [:]
    var grids: [SweepGrid] = []

    func render() -> String {
        // Learning-rate proxy runs are not results of the comparison; they draw the sensitivity chart of their task.
        let all = runs.compactMap(\.result)
        let results = all.filter { !$0.spec.isSelectionRun }
        let proxies = all.filter(\.spec.isSelectionRun)
        let tasks = Set(results.map(\.spec.task)).sorted()
        let unreadable = runs.filter { $0.result == nil }
        let html = HTML(
            .head(.meta(.charset(.utf8)), .title("peftbench report"), .style(ReportStyle.css)),
            .body(
                .h1("PEFT methods compared"),
                .p(.class("muted"), .text("\(results.count) run\(results.count == 1 ? "" : "s") over \(tasks.count) task\(tasks.count == 1 ? "" : "s"). "
                    + "Scores are point estimates with bootstrap 95% intervals below them; each method trained under the budget in its row.")),
                .forEach(tasks) { task in
                    .group(
                        table(task: task, results: results.filter { $0.spec.task == task }.sorted { (labels[$0.runID] ?? $0.spec.method, $0.spec.seed, $0.runID) < (labels[$1.runID] ?? $1.spec.method, $1.spec.seed, $1.runID) }),
                        selection(task: task, proxies: proxies.filter { $0.spec.task == task }),
                        .if(grids.contains { $0.task == task }, .h3("Sweeps")),
                        .forEach(grids.filter { $0.task == task }) { $0.render() }
                    )
                },
                .if(!unreadable.isEmpty, .group(
                    .h2("Unreadable run folders"),
                    .ul(.forEach(unreadable) { .li(.untrusted("\(($0.folder as NSString).lastPathComponent): \($0.problem ?? "")")) })
                ))
            )
        )
        return html.render(indentedBy: .spaces(1))
    }

    func table(task: String, results: [RunResult]) -> Node<HTML.BodyContext> {
        let metricNames = results.flatMap { $0.metrics.map(\.name) }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        // Each column says its scale, as the run's own result file records it.
        let scales = Dictionary(results.flatMap { $0.metrics.map { ($0.name, $0.scale) } }, uniquingKeysWith: { a, _ in a })
        let probes = results.flatMap { $0.forgetting.map(\.probe) }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let data = Set(results.flatMap { $0.data.map { "\($0.origin) data (\($0.split): sha256 \($0.sha256.prefix(12))…)" } }).sorted()
        return .group(
            .h2(.untrusted(task)),
            .p(.class("muted"), .untrusted(data.joined(separator: "; "))),
            .table(
                .tr(
                    .th("method"), .th("status"),
                    .forEach(metricNames) { .th(.untrusted("\($0) (\(scales[$0] ?? "?"))")) },
                    .th("ECE (tokens)"), .th("ECE (answers)"),
                    .forEach(probes) { .th(.untrusted("Δ NLL \($0)")) },
                    .th("trainable"), .th("peak RSS"), .th("train time"), .th("tokens/s"), .th("steps"), .th("lr (chosen by)")
                ),
                .forEach(results) { r in row(r, metricNames: metricNames, probes: probes) }
            )
        )
    }

    /// Held-out loss against learning rate from the task's proxy runs, and how each rate was chosen.
    func selection(task: String, proxies: [RunResult]) -> Node<HTML.BodyContext> {
        guard !proxies.isEmpty else { return .empty }
        let data = proxies.compactMap { $0.heldOutLoss?.data }.first ?? "held-out data"
        let steps = proxies.map(\.budget.steps).max() ?? 0
        return .group(
            .h3("Learning-rate selection"),
            .p(.class("muted"), .untrusted("Held-out loss after \(steps)-step proxy runs at each method's grid of learning rates, on \(data) — "
                + "never the reported split. Where the best rate was the grid's largest or smallest, the grid widened past that "
                + "edge as far as the suite allows. The ringed point of each method is the rate its full runs trained with.")),
            .raw(LearningRateChart.svg(LearningRateChart.series(proxies, labels: labels)))
        )
    }

    func row(_ r: RunResult, metricNames: [String], probes: [String]) -> Node<HTML.TableContext> {
        .tr(
            .td(.a(.href("runs/" + RunPage.fileName(r.runID)), .untrusted(labels[r.runID] ?? r.spec.method))),
            .td(.class("status-\(r.status.rawValue)"), .text(r.status.rawValue), .if(r.budget.cutShort, .span(.class("ci"), .text("cut short")))),
            .forEach(metricNames) { name in
                if let m = r.metrics.first(where: { $0.name == name }) {
                    return .td(.class("num"), .text(Formatting.score(m)), .span(.class("ci"), .text(Formatting.interval(m))))
                }
                return .td(.class("num"), .text("–"))
            },
            .td(.class("num"), .text(r.calibration?.tokenLevel.map { String(format: "%.4f", $0.ece) } ?? "–")),
            .td(.class("num"), .text(r.calibration?.answerLevel.map { String(format: "%.4f", $0.ece) } ?? "–")),
            .forEach(probes) { probe in
                .td(.class("num"), .text(r.forgetting.first { $0.probe == probe }.map { Formatting.signed($0.delta) } ?? "–"))
            },
            .td(.class("num"), .text(Formatting.count(r.cost.trainableParameters)),
                .span(.class("ci"), .text(String(format: "%.3f%%", r.cost.trainablePercent)))),
            .td(.class("num"), .text(Formatting.bytes(r.cost.peakRSSBytes))),
            .td(.class("num"), .text(Formatting.seconds(r.cost.trainingSeconds))),
            .td(.class("num"), .text(String(format: "%.0f", r.cost.tokensPerSecond))),
            .td(.class("num"), .text("\(r.budget.stepsRun)/\(r.budget.steps)")),
            .td(.class("num"), .text(String(format: "%.3g", r.method.learningRate)),
                .span(.class("ci"), .text(r.method.learningRateChoice?.by.rawValue ?? "")),
                .if(r.method.learningRateChoice?.atGridEdge == true,
                    .span(.class("ci"), .attribute(named: "title", value: "the largest or smallest rate tried: a better one may lie beyond"),
                          .text("at the edge"))))
        )
    }
}
