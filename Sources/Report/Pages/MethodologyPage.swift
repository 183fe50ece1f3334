import Foundation
import Plot
import Results

/// `methodology.html`: what a reader needs to trust or reproduce the numbers — the model file and its sha256, every
/// data file (shipped or official) with its sha256, the budget, how learning rates were chosen, the seeds, the
/// statistics, every metric's signature, and the environment.
struct MethodologyPage: ReportPage {
    let data: ReportData
    var path: String { "methodology.html" }
    var title: String { "Methodology — peftbench report" }

    func body(_ site: Site) -> Node<HTML.BodyContext> {
        let runs = data.results
        let models = unique(runs.map { "\($0.model.name) · \($0.model.file ?? "built in") · sha256 \($0.model.sha256 ?? "–") · \(Formatting.count($0.model.parameters)) parameters" })
        let files = unique(runs.flatMap { r in r.data.map { "\(r.spec.task) · \($0.split) · \($0.origin) · \(($0.path as NSString).lastPathComponent) · sha256 \($0.sha256)" } })
        let budgets = unique(runs.map { r in
            var s = "\(r.spec.task): \(r.budget.steps) steps × \(r.budget.examplesPerStep) examples, ≤ \(r.budget.maxSequenceLength) tokens each"
            if let t = r.budget.targetTokens { s += " (from a budget of \(Formatting.count(t)) target tokens)" }
            if let w = r.budget.wallClockLimit { s += ", wall-clock limit \(Formatting.seconds(w))" }
            return s + "; evaluation: \(r.budget.evaluationExamples) examples of \(r.budget.evaluationSplit), \(r.budget.decoding)"
        })
        let seeds = Set(runs.map(\.spec.seed)).sorted().map(String.init).joined(separator: ", ")
        let metrics = unique(runs.flatMap { $0.metrics.map { "\($0.name)|\($0.scale)|\($0.reference ?? "")|\($0.signature)" } }).map { $0.components(separatedBy: "|") }
        let environments = unique(runs.map { e in
            let v = e.environment
            return "\(v.cpu) (\(v.cores) cores, \(v.simdFeatures.joined(separator: " "))) · OpenBLAS \(v.openblasVersion) \(v.openblasCore), \(v.openblasThreads) threads · Swift \(v.swiftVersion) · revision \(v.gitRevision)"
        })
        let orders = unique(runs.map { "\($0.spec.task) seed \($0.spec.seed): \($0.budget.orderDigest.prefix(16))…" })
        return .group(
            .h1("Methodology"),
            .h2("Model"), .ul(.forEach(models) { .li(.untrusted($0)) }),
            .h2("Data"), .ul(.forEach(files) { .li(.untrusted($0)) }),
            .p(.class("muted"), .text("shipped: the project's own generated data in each task's official format; official: the published files, checked against their sha256.")),
            .h2("Budget"),
            .p(.class("muted"), .text("Every method of a task trains the same steps on the same examples in the same order (the order's sha256 per task and seed below).")),
            .ul(.forEach(budgets) { .li(.untrusted($0)) }),
            .element(named: "details", nodes: [.element(named: "summary", nodes: [.text("example orders")]), .ul(.forEach(orders) { .li(.code(.untrusted($0))) })]),
            .h2("Learning rates"),
            learningRates(),
            .h2("Seeds"), .p(.untrusted("Seeds \(seeds): each seed sets the data order, the initialisations and dropout.")),
            .h2("Statistics"),
            .p(.untrusted(data.summary?.comparison.map { "Intervals and tests: \($0.method). A difference is called significant at α = \($0.alpha) after correction." }
                ?? "No suite comparison: each score's interval is its run's bootstrap over evaluation examples, and nothing is tested.")),
            .p(.class("muted"), .text("Rank: within a task, by the headline metric's mean over seeds (ties share the mean of their ranks); the mean rank averages over the tasks an entry ran.")),
            .h2("Metrics and their signatures"),
            .table(.thead(.tr(.th("metric"), .th("scale"), .th("equals"), .th("signature"))),
                   .tbody(.forEach(metrics) { m in .tr(.td(.untrusted(m[0])), .td(.untrusted(m[1])), .td(.untrusted(m[2])), .td(.code(.untrusted(m.dropFirst(3).joined(separator: "|"))))) })),
            .h2("Environment"), .ul(.forEach(environments) { .li(.untrusted($0)) }),
            .if(data.summary != nil, .group(
                .h2("Suite"),
                .p(.untrusted(data.summary.map { "\($0.suite) · \($0.file) · sha256 \($0.fileSHA256) · " + $0.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") } ?? ""))
            ))
        )
    }

    func learningRates() -> Node<HTML.BodyContext> {
        let chosen = unique(data.results.map { r in
            let c = r.method.learningRateChoice
            var s = "\(r.spec.task) × \(data.entry(r)): \(String(format: "%g", r.method.learningRate)) (\(c?.by.rawValue ?? "given")"
            if let source = c?.source { s += ": \(source)" }
            if c?.by == .selection { s += ", lowest held-out loss after \(c?.proxySteps ?? 0)-step proxies on \(c?.selectionData ?? "held-out data")" }
            if c?.atGridEdge == true { s += "; at the edge of the grid tried" }
            return s + ")"
        })
        return .group(
            .p(.class("muted"), .text("default: the method's rate from its paper or reference examples; given: set by the suite or run; selection: "
                + "the lowest held-out loss among the method's grid of rates in short proxy runs (never on the reported split).")),
            .ul(.forEach(chosen) { .li(.untrusted($0)) })
        )
    }

    func unique(_ values: [String]) -> [String] { values.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } } }
}
