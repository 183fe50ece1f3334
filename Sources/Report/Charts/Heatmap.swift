import Foundation

/// A grid of labelled cells (methods × tasks, or a sweep's two axes), each filled by its value on a diverging or
/// sequential scale and printing its text; a missing cell is drawn empty and says so.
struct Heatmap {
    struct Cell {
        /// Position on the colour scale: −1…1 for diverging, 0…1 for sequential.
        var shade: Double
        var text: String
        var detail: String
        /// A second, smaller line under the text (an interval).
        var note: String? = nil
    }

    enum Colours { case diverging, sequential }

    var title: String
    var description: String
    var rowAxis: String
    var columnAxis: String
    var rows: [String]
    var columns: [String]
    /// rows × columns; nil where there is no value.
    var cells: [[Cell?]]
    var colours: Colours
    /// What the two ends of the scale mean, for the legend.
    var scaleLabels: (low: String, high: String)

    func svg() -> String {
        let hasNotes = cells.contains { $0.contains { $0?.note != nil } }
        let cellWidth = max(hasNotes ? 110 : 84, 7.0 * Double(columns.map { min($0.count, 20) }.max() ?? 6))
        let cellHeight = hasNotes ? 40.0 : 30.0
        let left = 20 + 6.5 * Double(rows.map { min($0.count, 28) }.max() ?? 6)
        let top = 34.0
        let width = left + cellWidth * Double(columns.count) + 20
        let height = top + cellHeight * Double(rows.count) + 52
        var out = [ChartFrame.open(title: title, description: description, width: width, height: height)]
        out.append("<text x=\"\(coord(left))\" y=\"12\" \(ChartFrame.font) fill=\"#57606a\">\(HTMLEscape.escape("\(rowAxis) ↓ · \(columnAxis) →"))</text>")
        for (j, column) in columns.enumerated() {
            out.append("<text x=\"\(coord(left + cellWidth * (Double(j) + 0.5)))\" y=\"\(coord(top - 6))\" text-anchor=\"middle\" \(ChartFrame.font)><title>\(HTMLEscape.escape(column))</title>\(HTMLEscape.escape(ChartFrame.cut(column, 20)))</text>")
        }
        for (i, row) in rows.enumerated() {
            let y = top + cellHeight * Double(i)
            out.append("<text x=\"\(coord(left - 6))\" y=\"\(coord(y + cellHeight / 2 + 4))\" text-anchor=\"end\" \(ChartFrame.font)><title>\(HTMLEscape.escape(row))</title>\(HTMLEscape.escape(ChartFrame.cut(row, 28)))</text>")
            for j in columns.indices {
                let x = left + cellWidth * Double(j)
                guard let cell = i < cells.count && j < cells[i].count ? cells[i][j] : nil else {
                    out.append("<rect x=\"\(coord(x + 1))\" y=\"\(coord(y + 1))\" width=\"\(coord(cellWidth - 2))\" height=\"\(coord(cellHeight - 2))\" fill=\"#f6f8fa\" stroke=\"#d0d7de\"><title>no result</title></rect>")
                    continue
                }
                let fill = colours == .diverging ? Palette.diverging(cell.shade) : Palette.sequential(cell.shade)
                out.append("<rect x=\"\(coord(x + 1))\" y=\"\(coord(y + 1))\" width=\"\(coord(cellWidth - 2))\" height=\"\(coord(cellHeight - 2))\" fill=\"\(fill)\"><title>\(HTMLEscape.escape(cell.detail))</title></rect>")
                let ink = Palette.textColour(on: fill)
                out.append("<text x=\"\(coord(x + cellWidth / 2))\" y=\"\(coord(y + cellHeight / 2 + (cell.note == nil ? 4 : -2)))\" text-anchor=\"middle\" \(ChartFrame.font) fill=\"\(ink)\" pointer-events=\"none\">\(HTMLEscape.escape(cell.text))</text>")
                if let note = cell.note {
                    out.append("<text x=\"\(coord(x + cellWidth / 2))\" y=\"\(coord(y + cellHeight / 2 + 12))\" text-anchor=\"middle\" font-size=\"9\" font-family=\"system-ui,sans-serif\" fill=\"\(ink)\" pointer-events=\"none\">\(HTMLEscape.escape(note))</text>")
                }
            }
        }
        // The colour scale, end to end, with what its ends mean.
        let scaleY = top + cellHeight * Double(rows.count) + 18, scaleWidth = min(240, width - left - 20)
        for k in 0..<24 {
            let t = Double(k) / 23
            let fill = colours == .diverging ? Palette.diverging(2 * t - 1) : Palette.sequential(t)
            out.append("<rect x=\"\(coord(left + scaleWidth * Double(k) / 24))\" y=\"\(coord(scaleY))\" width=\"\(coord(scaleWidth / 24 + 0.5))\" height=\"10\" fill=\"\(fill)\"/>")
        }
        out.append("<text x=\"\(coord(left))\" y=\"\(coord(scaleY + 24))\" \(ChartFrame.font) fill=\"#57606a\">\(HTMLEscape.escape(scaleLabels.low))</text>")
        out.append("<text x=\"\(coord(left + scaleWidth))\" y=\"\(coord(scaleY + 24))\" text-anchor=\"end\" \(ChartFrame.font) fill=\"#57606a\">\(HTMLEscape.escape(scaleLabels.high))</text>")
        out.append("</svg>")
        return out.joined(separator: "\n")
    }
}
