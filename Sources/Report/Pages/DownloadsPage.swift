import Foundation
import Plot

/// `downloads.html`: every table of the report as CSV and JSON (in `data/`), and the Markdown summary.
struct DownloadsPage: ReportPage {
    let tables: [ReportTable]
    var path: String { "downloads.html" }
    var title: String { "Downloads — peftbench report" }

    func body(_ site: Site) -> Node<HTML.BodyContext> {
        .group(
            .h1("Downloads"),
            .p(.class("muted"), .text("Numbers at full precision; an interval's bounds are columns of their own (`… 95% lower`, `… 95% upper`). "
                + "Each run's own files (result.json, predictions.jsonl, statistics.json) are in its run folder.")),
            .p(.a(.href(site.link("data/summary.md")), .text("summary.md")), .text(" — the verdict and the main tables in Markdown, for a paper or a README")),
            .table(
                .thead(.tr(.th("table"), .th("CSV"), .th("JSON"))),
                .tbody(.forEach(tables) { t in
                    .tr(.td(.untrusted(t.caption)),
                        .td(.a(.href(site.link("data/\(HTMLEscape.fileName(t.id)).csv")), .text("\(HTMLEscape.fileName(t.id)).csv"))),
                        .td(.a(.href(site.link("data/\(HTMLEscape.fileName(t.id)).json")), .text("\(HTMLEscape.fileName(t.id)).json"))))
                })
            )
        )
    }
}
