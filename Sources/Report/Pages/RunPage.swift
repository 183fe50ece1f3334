import Foundation
import Plot
import Results

/// `runs/<run id>.html`: a run's configuration, budget, data, model and environment, its loss curve, metrics with
/// their signatures, calibration, forgetting, cost, and a sample of predictions beside their references.
struct RunPage: ReportPage {
    let result: RunResult
    let predictions: [Prediction]
    let entry: String
    static let sampleSize = 25

    var path: String { Site.runPage(result.runID) }
    var title: String { "\(result.runID) — peftbench report" }

    func body(_ site: Site) -> Node<HTML.BodyContext> {
        let r = result
        return .group(
            .p(.a(.href(site.link(Site.taskPage(r.spec.task))), .text("← "), .untrusted(r.spec.task))),
            .h1(.untrusted("\(entry) on \(r.spec.task), seed \(r.spec.seed)")),
            .p(.class("muted"), .untrusted(r.runID), .text(" · status "), .span(.class("status-\(r.status.rawValue)"), .text(r.status.rawValue)),
               .if(r.error != nil, .group(.text(": "), .untrusted(r.error ?? "")))),
            .h2("Configuration"),
            pairs([("method", r.method.name), ("learning rate", String(format: "%g", r.method.learningRate)),
                   ("schedule", "\(r.method.schedule), \(r.method.warmupSteps) warm-up steps"),
                   ("weight decay", String(format: "%g", r.method.weightDecay)),
                   ("adapted modules", String(r.method.targetedModules))]
                  + r.method.config.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }),
            .h2("Budget"),
            pairs([("steps", "\(r.budget.stepsRun) of \(r.budget.steps)\(r.budget.cutShort ? " (wall-clock limit)" : "")"),
                   ("examples per step", String(r.budget.examplesPerStep)), ("max sequence length", String(r.budget.maxSequenceLength)),
                   ("seed", String(r.budget.seed)), ("example order sha256", r.budget.orderDigest),
                   ("training sequences", "\(r.budget.trainingSequences) (\(r.budget.truncatedSequences) truncated)")]
                  + (r.budget.padding.map { p in
                      [("training batches", "\(p.rule): \(Formatting.count(p.positions)) positions computed, "
                        + String(format: "%.1f%% padding (%.1f%% as one batch per step)", 100 * p.share, 100 * p.oneBatchShare))]
                  } ?? [])
                  + [("evaluation", "\(r.budget.evaluationExamples) examples of \(r.budget.evaluationSplit), \(r.budget.decoding)")]),
            .h2("Data and model"),
            pairs(r.data.map { ("\($0.split) (\($0.origin))", "\($0.path) · sha256 \($0.sha256)") }
                  + [("model", "\(r.model.name) · \(Formatting.count(r.model.parameters)) parameters" + (r.model.sha256.map { " · sha256 \($0)" } ?? ""))]
                  + (r.adapter.map { a in [("started from adapter", "\(a.path) (\(a.layout) layout) · sha256 \(a.sha256)" + a.notes.map { " · \($0)" }.joined())] } ?? [])),
            .h2("Training loss"),
            .raw(lossCurve()),
            .h2("Metrics"),
            .table(
                .tr(.th("metric"), .th("score"), .th("95% interval"), .th("scale"), .th("equals"), .th("signature")),
                .forEach(r.metrics) { m in
                    .tr(.td(.untrusted(m.name)), .td(.class("num"), .text(Formatting.score(m))), .td(.class("num"), .text(Formatting.interval(m))),
                        .td(.untrusted(m.scale)), .td(.untrusted(m.reference ?? "")), .td(.code(.untrusted(m.signature))))
                }
            ),
            .h2("Calibration"),
            calibration("tokens under teacher forcing", r.calibration?.tokenLevel),
            calibration("answers (confidence: probability of the generated answer)", r.calibration?.answerLevel),
            .h2("Forgetting"),
            .table(
                .tr(.th("probe"), .th("base NLL"), .th("tuned NLL"), .th("Δ"), .th("tokens")),
                .forEach(r.forgetting) { f in
                    .tr(.td(.untrusted(f.probe)), .td(.class("num"), .text(String(format: "%.4f", f.baseNLL))),
                        .td(.class("num"), .text(String(format: "%.4f", f.tunedNLL))), .td(.class("num"), .text(Formatting.signed(f.delta))),
                        .td(.class("num"), .text(String(f.tokens))))
                }
            ),
            .h2("Cost"),
            pairs([("trainable parameters", "\(Formatting.count(r.cost.trainableParameters)) (\(String(format: "%.3f", r.cost.trainablePercent))% of the model)"),
                   ("peak RSS", Formatting.bytes(r.cost.peakRSSBytes)), ("training time", Formatting.seconds(r.cost.trainingSeconds)),
                   ("training tokens", Formatting.count(r.cost.trainingTokens)), ("tokens/s", String(format: "%.1f", r.cost.tokensPerSecond)),
                   ("training GFLOP (matrix products)", String(format: "%.1f", r.cost.trainingFLOPs / 1e9)),
                   ("adapter file", Formatting.bytes(r.cost.adapterBytes)), ("evaluation time", Formatting.seconds(r.cost.evaluationSeconds))]
                  + (r.cost.generatedTokens.flatMap { tokens in r.cost.generationSeconds.map { seconds in
                      [("evaluation generation", "\(Formatting.count(tokens)) tokens in \(Formatting.seconds(seconds)) ("
                        + String(format: "%.1f tokens/s", Double(tokens) / max(1e-9, seconds)) + ")")]
                  } } ?? [])),
            .if(r.cost.phases != nil, .h2("Time by phase")),
            .unwrap(r.cost.phases) { phases in
                .table(
                    .tr(.th("phase"), .th("seconds"), .th("share")),
                    .forEach(phases.named) { phase in
                        .tr(.td(.text(phase.name)), .td(.class("num"), .text(phase.seconds.map { String(format: "%.2f", $0) } ?? "–")),
                            .td(.class("num"), .text(phase.seconds.map { String(format: "%.0f%%", 100 * $0 / max(phases.total, 1e-9)) } ?? "–")))
                    }
                )
            },
            .h2("Environment"),
            pairs([("CPU", r.environment.cpu), ("threads", String(r.environment.openblasThreads)),
                   ("OpenBLAS", "\(r.environment.openblasVersion) (\(r.environment.openblasCore))"),
                   ("Swift", r.environment.swiftVersion), ("revision", r.environment.gitRevision),
                   ("started", r.startedAt), ("finished", r.finishedAt ?? "–")]),
            .h2("Predictions (first \(min(Self.sampleSize, predictions.count)) of \(predictions.count))"),
            .table(
                .tr(.th("id"), .th("prompt"), .th("prediction"), .th("references"), .th("scores"), .th("confidence")),
                .forEach(predictions.prefix(Self.sampleSize)) { p in
                    .tr(.td(.untrusted(p.id)), .td(PredictionsPage.cut(p.prompt)), .td(PredictionsPage.cut(p.prediction)),
                        .td(.ul(.forEach(p.references.prefix(6)) { .li(PredictionsPage.cut($0)) })),
                        .td(.untrusted(p.scores.sorted { $0.key < $1.key }.map { String(format: "%@ %.2f", $0.key, $0.value) }.joined(separator: ", "))),
                        .td(.class("num"), .text(String(format: "%.3f", p.confidence))))
                }
            ),
            .p(.a(.href(site.link(Site.predictionsPage(r.spec.task))), .text("every example, beside the other methods' outputs")))
        )
    }

    func lossCurve() -> String {
        let points = result.lossCurve.filter { $0.loss.isFinite }
        guard !points.isEmpty else { return "<p>No finite loss was recorded.</p>" }
        let frame = ChartFrame(title: "Training loss by step", description: "The training loss at each optimizer step of this run.",
                               x: Axis(label: "step", values: points.map { Double($0.step) }), y: Axis(label: "training loss", values: points.map(\.loss)),
                               width: 640, height: 260)
        return LineChart(frame: frame, series: [.init(name: entry, points: points.map { (x: Double($0.step), y: $0.loss) })],
                         pointText: { String(format: "step %.0f, loss %.4f", $0, $1) }).svg()
    }

    func pairs(_ rows: [(String, String)]) -> Node<HTML.BodyContext> {
        .table(.forEach(rows) { row in .tr(.th(.untrusted(row.0)), .td(.untrusted(row.1))) })
    }

    func calibration(_ title: String, _ c: Calibration?) -> Node<HTML.BodyContext> {
        guard let c else { return .p(.class("muted"), .untrusted("\(title): not measured for this task.")) }
        return .group(
            .h3(.untrusted(title)),
            .p(.text(String(format: "%d predictions · accuracy %.4f · mean confidence %.4f · ECE %.4f (15 bins), %.4f (10 equal-mass) · MCE %.4f · Brier %.4f",
                            c.count, c.accuracy, c.meanConfidence, c.ece, c.eceEqualMass, c.mce, c.brier)
                     + (c.auroc.map { String(format: " · AUROC %.4f", $0) } ?? ""))),
            .raw(ReliabilityDiagram(title: title, bins: c.bins, ece: c.ece).svg()),
            .table(
                .tr(.th("confidence bin"), .th("count"), .th("mean confidence"), .th("accuracy")),
                .forEach(c.bins.filter { $0.count > 0 }) { b in
                    .tr(.td(.text(String(format: "%.2f–%.2f", b.lower, b.upper))), .td(.class("num"), .text(String(b.count))),
                        .td(.class("num"), .text(String(format: "%.3f", b.meanConfidence))), .td(.class("num"), .text(String(format: "%.3f", b.accuracy))))
                }
            )
        )
    }
}
