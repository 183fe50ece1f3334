import Foundation
@testable import Report
import Results
import TestSupport
import XCTest

/// Hostile strings where a model or a dataset (or a user's suite) puts text: a prediction, a reference, a task name
/// and a method parameter. Each must appear as text wherever it is shown, and break no page.
final class ReportEscapingTests: XCTestCase {
    static let payloads = [
        "<script>window.__pwned=1;alert('p')</script>",
        "\"><img src=x onerror=\"window.__pwned=2\">",
        "javascript:window.__pwned=3",
        "</script><script>window.__pwned=4</script>",
        "'\u{202E}gnp.exe evil",
        "<svg onload=window.__pwned=5>",
        "{{7*7}} ${7*7} <!-- comment --> ]]> &amp; &lt;",
    ]
    static let longText = "1MB-START " + String(repeating: "long output ", count: 90_000) + " 1MB-END"

    func makeReport() throws -> (report: URL, files: [String: String]) {
        let runs = try temporaryFolder()
        var synthetic = SyntheticReport()
        // A task name is a file name (tasks/<name>.yaml), so it cannot hold a slash.
        synthetic.tasks = ["e2e", "<img src=x onerror=window.__pwned=6>\u{202E}task", "coqa"]
        synthetic.methods = ["full", "lora", "prompt"]
        synthetic.examples = 6
        synthetic.prediction = { i in i == 1 ? Self.longText : Self.payloads[i % Self.payloads.count] }
        synthetic.reference = { i in Self.payloads[(i + 3) % Self.payloads.count] }
        synthetic.parameter = "</script><script>window.__pwned=7</script>\"'"
        try synthetic.write(to: runs)
        let out = try temporaryFolder()
        try ReportWriter(runsFolder: runs.path, outFolder: out.path).write()
        var files: [String: String] = [:]
        let walker = FileManager.default.enumerator(atPath: out.path)!
        while let relative = walker.nextObject() as? String {
            guard relative.hasSuffix(".html") || relative.hasSuffix(".md") else { continue }
            files[relative] = try String(contentsOf: out.appendingPathComponent(relative), encoding: .utf8)
        }
        return (out, files)
    }

    /// The markup of a page as a browser's tokenizer reads it: each start tag with its attributes (quoted values
    /// skipped whole), and the text outside tags with whether it lies inside `<bdi>` and inside `<svg>`.
    struct Markup {
        var tags: [(name: String, attributes: [(String, String)])] = []
        var bidiOutsideIsolation: [String] = []

        init(_ html: String) {
            let s = Array(html.unicodeScalars)
            var i = 0, bdi = 0, svg = 0
            func isBidi(_ c: Unicode.Scalar) -> Bool { HTMLEscape.hasBidiControls(String(c)) }
            while i < s.count {
                if s[i] == "<", i + 1 < s.count, s[i + 1].properties.isAlphabetic || s[i + 1] == "/" {
                    let closing = s[i + 1] == "/"
                    var j = i + (closing ? 2 : 1), name = ""
                    while j < s.count, s[j].properties.isAlphabetic || ("0"..."9").contains(s[j]) { name.unicodeScalars.append(s[j]); j += 1 }
                    var attributes: [(String, String)] = []
                    while j < s.count, s[j] != ">" {
                        if s[j] == " " || s[j] == "\n" || s[j] == "/" { j += 1; continue }
                        var attribute = ""
                        while j < s.count, !" =>\n".unicodeScalars.contains(s[j]) { attribute.unicodeScalars.append(s[j]); j += 1 }
                        var value = ""
                        if j < s.count, s[j] == "=" {
                            j += 1
                            if j < s.count, s[j] == "\"" || s[j] == "'" {
                                let quote = s[j]; j += 1
                                while j < s.count, s[j] != quote { value.unicodeScalars.append(s[j]); j += 1 }
                                j += 1
                            } else {
                                while j < s.count, !" >".unicodeScalars.contains(s[j]) { value.unicodeScalars.append(s[j]); j += 1 }
                            }
                        }
                        attributes.append((attribute.lowercased(), value))
                    }
                    let lower = name.lowercased()
                    // Text in <svg> and <title> is laid out apart from the page's text, so it cannot reorder it.
                    if closing {
                        if lower == "bdi" { bdi -= 1 } else if lower == "svg" || lower == "title" { svg -= 1 }
                    } else {
                        tags.append((lower, attributes))
                        if lower == "bdi" { bdi += 1 } else if (lower == "svg" || lower == "title") && !(j > 0 && s[j - 1] == "/") { svg += 1 }
                    }
                    i = j + 1
                    continue
                }
                if isBidi(s[i]) && bdi == 0 && svg == 0 {
                    bidiOutsideIsolation.append(String(String.UnicodeScalarView(s[max(0, i - 40)..<min(s.count, i + 40)])))
                }
                i += 1
            }
        }
    }

    /// No payload survives as markup: each page has exactly the report's own script, no event-handler attribute,
    /// no `javascript:` link, and every bidi override in its text is isolated.
    func testHostileStringsAreTextInEveryPage() throws {
        let (_, files) = try makeReport()
        let pages = files.filter { $0.key.hasSuffix(".html") }
        XCTAssertGreaterThan(pages.count, 10)
        for (name, html) in pages {
            let markup = Markup(html)
            XCTAssertEqual(markup.tags.filter { $0.name == "script" }.count, 1, "\(name): a script element besides the report's own")
            XCTAssertEqual(markup.tags.filter { ["img", "iframe", "object", "embed", "link", "base", "form"].contains($0.name) }.map(\.name), [],
                           "\(name): an element no report page has")
            for tag in markup.tags {
                for (attribute, value) in tag.attributes {
                    XCTAssertFalse(attribute.hasPrefix("on"), "\(name): <\(tag.name) \(attribute)=…>")
                    if ["href", "src", "action", "xlink:href"].contains(attribute) {
                        XCTAssertFalse(value.lowercased().trimmingCharacters(in: .whitespaces).hasPrefix("javascript:"), "\(name): <\(tag.name) \(attribute)=\"\(value)\">")
                    }
                }
            }
            XCTAssertEqual(markup.bidiOutsideIsolation, [], "\(name): a bidi override outside <bdi>")
        }
        let predictions = try XCTUnwrap(pages.first { $0.key.hasPrefix("predictions/e2e") }?.value)
        XCTAssertTrue(predictions.contains("&lt;script&gt;window.__pwned=1"), "the payload should be shown as text")
        XCTAssertTrue(predictions.contains("show all \(Self.longText.count) characters"), "a long output is cut, the whole one click away")
        let markdown = try XCTUnwrap(files["data/summary.md"])
        XCTAssertFalse(markdown.contains("<img src=x"), "summary.md: raw HTML from a task name")
    }

    /// In a browser: no script of a payload runs (no dialog, `window.__pwned` unset), no page errs, the payloads
    /// read as text, and a 1 MB output does not break its page.
    func testHostileStringsBreakNoPageInChromium() throws {
        let (report, _) = try makeReport()
        let check = try BrowserCheck.run(report, expectText: ["window.__pwned=1", "javascript:window.__pwned=3", "onerror=window.__pwned=6", "1MB-START"],
                                         extraScript: "String(window.__pwned)")
        XCTAssertEqual(check.problems, [], "browser check")
        for (page, result) in check.pages {
            XCTAssertEqual(result["extra"] as? String, "undefined", "\(page): a payload's script ran")
        }
    }
}
