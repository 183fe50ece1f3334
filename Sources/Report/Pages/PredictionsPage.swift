import Foundation
import Plot
import Results

/// `predictions/<task>.html`: per evaluation example, the prompt, the references and every method's output side by
/// side with its per-example scores (one run per method: its lowest seed). Everything is on the page; the script
/// only filters — by method, to examples where methods disagree or where a method failed, and by searched text.
struct PredictionsPage: ReportPage {
    let data: ReportData
    let task: String
    var path: String { Site.predictionsPage(task) }
    var title: String { "\(task) predictions — peftbench report" }

    /// Longer texts are shown cut, the whole text one click away.
    static let cutAt = 400

    struct Shown {
        var entry: String
        var run: RunResult
        var byID: [String: Prediction]
    }

    var shown: [Shown] {
        data.entries.compactMap { entry in
            let runs = data.runs(task: task, entry: entry).filter { !(data.predictions[$0.runID] ?? []).isEmpty }
            guard let run = runs.first(where: { $0.status == .completed }) ?? runs.first else { return nil }
            let predictions = data.predictions[run.runID] ?? []
            return Shown(entry: entry, run: run, byID: Dictionary(predictions.map { ($0.id, $0) }) { a, _ in a })
        }
    }

    func body(_ site: Site) -> Node<HTML.BodyContext> {
        let shown = self.shown
        let headline = data.headline(task: task)?.name
        var ids: [String] = []
        for s in shown { for p in data.predictions[s.run.runID] ?? [] where !ids.contains(p.id) { ids.append(p.id) } }
        var values = Set<Double>()
        if let headline { for s in shown { for p in s.byID.values { if let v = p.scores[headline] { values.insert(v) } } } }
        let binary = values.count <= 2 && values.contains(0)
        let runs: String = shown.map { "\($0.entry): seed \($0.run.spec.seed)" }.joined(separator: ", ")
        let disagreement: String = binary ? "some were right and some wrong." : "their outputs differ (ignoring case and spacing)."
        let intro: String = "\(ids.count) examples × \(shown.count) methods, each method's run of its lowest seed (\(runs)). "
            + "A method failed an example when its \(headline ?? "headline") score there is 0 or its output is empty; methods disagree where "
            + disagreement
        let methodBoxes: [Node<HTML.BodyContext>] = shown.enumerated().map { i, s in
            .label(.input(.type(.checkbox), .attribute(named: "data-method", value: String(i)), .attribute(named: "checked", value: "checked")),
                   .text(" "), .untrusted(s.entry))
        }
        return .group(
            .h1(.untrusted("\(task): predictions")),
            .p(.class("muted"), .untrusted(intro)),
            .div(.id("prediction-filters"), .class("filters"), .attribute(named: "hidden", value: "hidden"),
                 .div(.text("Methods: "), .group(methodBoxes)),
                 .div(.label(.input(.type(.checkbox), .id("only-disagree")), .text(" only where methods disagree")),
                      .label(.text("only where "),
                             .raw("<select id=\"failed-by\"><option value=\"\">—</option><option value=\"*\">any shown method</option>"
                                  + shown.enumerated().map { "<option value=\"\($0.offset)\">\(HTMLEscape.text($0.element.entry))</option>" }.joined()
                                  + "</select>"),
                             .text(" failed")),
                      .label(.text("search "), .input(.type(.search), .id("search"), .attribute(named: "placeholder", value: "text in prompt, reference or output")))),
                 .p(.id("shown-count"), .class("muted"))),
            .forEach(ids) { id in example(id, shown: shown, headline: headline, binary: binary) }
        )
    }

    func example(_ id: String, shown: [Shown], headline: String?, binary: Bool) -> Node<HTML.BodyContext> {
        let present = shown.enumerated().compactMap { i, s in s.byID[id].map { (i, s, $0) } }
        guard let first = present.first?.2 else { return .empty }
        let failed = present.filter { _, _, p in
            (headline.flatMap { p.scores[$0] }.map { $0 == 0 } ?? false) || p.prediction.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }.map { String($0.0) }
        let disagree: Bool
        if binary, let headline {
            disagree = Set(present.compactMap { $0.2.scores[headline].map { $0 > 0 } }).count > 1
        } else {
            disagree = Set(present.map { $0.2.prediction.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ") }).count > 1
        }
        return .element(named: "section", nodes: [
            .class("example"), .id("example-" + HTMLEscape.fileName(id)), .attribute(named: "data-id", value: HTMLEscape.escape(id)),
            .attribute(named: "data-disagree", value: disagree ? "1" : "0"),
            .attribute(named: "data-failed", value: failed.joined(separator: " ")),
            .h3(.text("example "), .untrusted(id), .if(first.group != nil, .span(.class("muted"), .text(" · group "), .untrusted(first.group ?? "")))),
            .div(.strong("prompt "), Self.cut(first.prompt)),
            .div(.strong("references"), .ol(.forEach(first.references) { .li(Self.cut($0)) })),
            .table(
                .thead(.tr(.th("method"), .th("output"), .th("scores"), .th("confidence"))),
                .tbody(.forEach(present) { i, s, p in
                    .tr(.attribute(named: "data-method", value: String(i)),
                        .th(.a(.href("../" + Site.runPage(s.run.runID)), .untrusted(s.entry)), .if(failed.contains(String(i)), .span(.class("ci worse"), .text("failed")))),
                        .td(Self.cut(p.prediction), .if(p.finish != "stop" && p.finish != "eos", .span(.class("ci"), .untrusted("finished: \(p.finish)")))),
                        .td(.class("num"), .untrusted(p.scores.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.3g", $0.value))" }.joined(separator: " · "))),
                        .td(.class("num"), .text(String(format: "%.3f", p.confidence))))
                })
            ),
        ])
    }

    /// The text, or its first characters with the whole text one click away.
    static func cut(_ text: String) -> Node<HTML.BodyContext> {
        guard text.count > cutAt else { return .pre(.untrusted(text)) }
        return .element(named: "details", nodes: [
            .class("cut"),
            .element(named: "summary", nodes: [.pre(.untrusted(String(text.prefix(cutAt)) + "…")), .span(.class("muted"), .text("show all \(text.count) characters"))]),
            .pre(.untrusted(text)),
        ])
    }
}
