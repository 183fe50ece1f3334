import CSV
import Foundation
import Plot

/// A table of the report as data first: the page shows it (sortable), and the downloads give the same rows as CSV and
/// JSON with full-precision numbers and interval bounds in columns of their own, and Markdown for the summary.
struct ReportTable {
    struct Column {
        var name: String
        var numeric = false
        /// In the downloads only (what the page folds into another column's note).
        var fileOnly = false
    }

    struct Cell {
        var text: String
        var value: Double?
        var interval: (Double, Double)?
        /// A second line under the text (an interval, a marker's meaning).
        var note: String?
        var link: String?
        var cssClass: String?
        var title: String?

        init(_ text: String, value: Double? = nil, interval: (Double, Double)? = nil, note: String? = nil, link: String? = nil,
             cssClass: String? = nil, title: String? = nil) {
            self.text = text
            self.value = value
            self.interval = interval
            self.note = note
            self.link = link
            self.cssClass = cssClass
            self.title = title
        }

        static let empty = Cell("–")
    }

    /// The file stem of its downloads (`leaderboard` → `data/leaderboard.csv`).
    var id: String
    var caption: String
    var columns: [Column]
    var rows: [[Cell]]

    /// A sortable table: clicking a header sorts by its column (numbers by value); readable as it is without script.
    func html(linkPrefix: String = "") -> Node<HTML.BodyContext> {
        let shown = columns.indices.filter { !columns[$0].fileOnly }
        return .table(
            .class("sortable"), .id("table-" + HTMLEscape.fileName(id)),
            .caption(.untrusted(caption)),
            .thead(.tr(.forEach(shown) { i in .th(.attribute(named: "scope", value: "col"), .untrusted(columns[i].name)) })),
            .tbody(.forEach(rows) { row in
                .tr(.forEach(shown.map { (columns[$0], row[$0]) }) { column, cell in
                    .td(
                        .class([column.numeric ? "num" : nil, cell.cssClass].compactMap { $0 }.joined(separator: " ")),
                        .attribute(named: "data-sort", value: cell.value.map { String($0) } ?? HTMLEscape.escape(cell.text)),
                        .if(cell.title != nil, .attribute(named: "title", value: HTMLEscape.escape(cell.title ?? ""))),
                        cell.link.map { .a(.href(linkPrefix + $0), .untrusted(cell.text)) } ?? .untrusted(cell.text),
                        .if(cell.note != nil, .span(.class("ci"), .untrusted(cell.note ?? "")))
                    )
                })
            })
        )
    }

    /// The columns of the downloads: every column, and after a column with intervals its bounds.
    private var fileColumns: [(name: String, index: Int, part: Int)] {
        var out: [(String, Int, Int)] = []
        for (i, c) in columns.enumerated() {
            out.append((c.name, i, 0))
            if rows.contains(where: { $0[i].interval != nil }) {
                out.append(("\(c.name) 95% lower", i, 1))
                out.append(("\(c.name) 95% upper", i, 2))
            }
        }
        return out
    }

    private func fileValue(_ cell: Cell, part: Int) -> Any {
        switch part {
        case 1: return cell.interval.map { $0.0 as Any } ?? NSNull()
        case 2: return cell.interval.map { $0.1 as Any } ?? NSNull()
        default:
            if let v = cell.value { return v.isFinite ? v : (v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf")) }
            return cell.text == Cell.empty.text ? NSNull() : cell.text
        }
    }

    func csv() -> Data {
        let stream = OutputStream(toMemory: ())
        stream.open()
        let cols = fileColumns
        // Writing to memory cannot fail.
        let writer = try! CSVWriter(stream: stream)
        try! writer.write(row: cols.map(\.name))
        for row in rows {
            try! writer.write(row: cols.map { c -> String in
                switch fileValue(row[c.index], part: c.part) {
                case let d as Double: return String(d)
                case let s as String: return s
                default: return ""
                }
            })
        }
        writer.stream.close()
        var data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        data.append(contentsOf: "\r\n".utf8)
        return data
    }

    /// `{"table": id, "caption": …, "columns": [...], "rows": [{column: value}]}`; numbers as numbers, missing as null.
    func json() -> Data {
        let cols = fileColumns
        let object: [String: Any] = [
            "table": id, "caption": caption, "columns": cols.map(\.name),
            "rows": rows.map { row in Dictionary(uniqueKeysWithValues: cols.map { ($0.name, fileValue(row[$0.index], part: $0.part)) }) },
        ]
        // Every value is a string, a finite number or null, which JSONSerialization always accepts.
        return try! JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    func markdown() -> String {
        let shown = columns.indices.filter { !columns[$0].fileOnly }
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
                .replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "<", with: "&lt;")
        }
        var lines = ["| " + shown.map { escape(columns[$0].name) }.joined(separator: " | ") + " |",
                     "|" + shown.map { columns[$0].numeric ? "---:|" : "---|" }.joined()]
        for row in rows {
            lines.append("| " + shown.map { i in escape(row[i].text + (row[i].note.map { " \($0)" } ?? "")) }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}
