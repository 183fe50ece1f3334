import Foundation
import Plot

/// One page of the report: where it goes and what it shows; `PageShell` gives every page the same head, navigation
/// and script. Adding a page is one type and one line in `ReportWriter.pages`.
protocol ReportPage {
    /// Relative to the report folder (`index.html`, `tasks/e2e.html`).
    var path: String { get }
    var title: String { get }
    func body(_ site: Site) -> Node<HTML.BodyContext>
}

/// What a page needs to link to the others, relative to where it is.
struct Site {
    let data: ReportData
    /// `../` per folder between the page and the report's root.
    let root: String

    init(data: ReportData, pagePath: String) {
        self.data = data
        root = String(repeating: "../", count: pagePath.split(separator: "/").count - 1)
    }

    func link(_ path: String) -> String { root + path }

    static func taskPage(_ task: String) -> String { "tasks/" + HTMLEscape.fileName(task) + ".html" }
    static func predictionsPage(_ task: String) -> String { "predictions/" + HTMLEscape.fileName(task) + ".html" }
    static func runPage(_ runID: String) -> String { "runs/" + HTMLEscape.fileName(runID) + ".html" }
}

enum PageShell {
    static func render(_ page: ReportPage, data: ReportData) -> String {
        let site = Site(data: data, pagePath: page.path)
        let html = HTML(
            .lang(.english),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                // Plot's .title would copy the title into social-media meta tags as well; one <title> is enough.
                .raw("<title>\(HTMLEscape.escape(page.title))</title>"),
                .style(ReportStyle.css)
            ),
            .body(
                .nav(.class("site"),
                     .a(.href(site.link("index.html")), "Overview"), .text(" · "),
                     .a(.href(site.link("tradeoffs.html")), "Trade-offs"), .text(" · tasks: "),
                     .forEach(data.tasks) { task in .group(.a(.href(site.link(Site.taskPage(task))), .untrusted(task)), .text(" ")) },
                     .text("· predictions: "),
                     .forEach(data.tasks) { task in .group(.a(.href(site.link(Site.predictionsPage(task))), .untrusted(task)), .text(" ")) },
                     .text("· "), .a(.href(site.link("methodology.html")), "Methodology"),
                     .text(" · "), .a(.href(site.link("downloads.html")), "Downloads")),
                .main(page.body(site)),
                .script(.raw(ReportScript.source))
            )
        )
        return "<!DOCTYPE html>\n" + html.render(indentedBy: .spaces(1)).replacingOccurrences(of: "<!DOCTYPE html>\n", with: "")
    }
}

/// The style every page shares, inline so the report is one folder with no external assets.
enum ReportStyle {
    static let css = """
    body{font:14px/1.45 system-ui,sans-serif;margin:0 24px 24px;color:#1b1f24;max-width:1400px}
    nav.site{position:sticky;top:0;background:#fff;border-bottom:1px solid #d0d7de;padding:8px 0;margin-bottom:8px;z-index:1}
    table{border-collapse:collapse;margin:8px 0 24px}th,td{border:1px solid #d0d7de;padding:4px 8px;vertical-align:top;text-align:left}
    caption{text-align:left;font-weight:600;padding:4px 0}
    th{background:#f6f8fa}table.sortable th{cursor:pointer}th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
    td.num{text-align:right;font-variant-numeric:tabular-nums}.ci{color:#57606a;font-size:12px;display:block}
    .status-completed{color:#1a7f37}.status-diverged,.status-failed{color:#cf222e}pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:0;max-width:520px}
    .muted{color:#57606a}code{font-size:12px}.better{color:#0a5fa8;font-weight:600}.worse{color:#b35900;font-weight:600}
    svg.chart{max-width:100%;height:auto;display:block;margin:8px 0 16px}.charts{display:flex;flex-wrap:wrap;gap:12px}
    .verdict li{margin:4px 0}.example{border-top:1px solid #d0d7de;padding:8px 0}.example h3{font-size:14px;margin:4px 0}
    .filters{background:#f6f8fa;border:1px solid #d0d7de;padding:8px;margin:8px 0}.filters label{margin-right:12px;white-space:nowrap}
    details.cut summary{cursor:pointer}[hidden]{display:none!important}
    """
}
