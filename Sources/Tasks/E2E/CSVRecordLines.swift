/// The line on which each CSV record starts, and the structural errors a lenient parser would paper over.
///
/// CSV.swift parses the fields but keeps no line numbers and reads an unclosed quote to the end of the file
/// without complaint. This scan follows the same record rules (RFC 4180 quoting, CRLF, LF or CR line ends, a
/// blank line is a record) so that its record count equals the parser's, and rejects what the official files
/// never contain: a quoted field left open, or text after a closing quote.
enum CSVRecordLines {
    static func scan(_ text: String, path: String) throws -> [Int] {
        let bytes = Array(text.utf8)
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        var starts: [Int] = []
        var line = 1
        var i = 0
        var recordOpen = false, fieldStart = true
        while i < bytes.count {
            let b = bytes[i]
            if !recordOpen { starts.append(line); recordOpen = true; fieldStart = true }
            if fieldStart && b == quote {
                let openedOn = line
                i += 1
                var closed = false
                while i < bytes.count {
                    let c = bytes[i]
                    if c == quote {
                        if i + 1 < bytes.count && bytes[i + 1] == quote { i += 2; continue }
                        closed = true
                        i += 1
                        break
                    }
                    if c == lf || (c == cr && (i + 1 >= bytes.count || bytes[i + 1] != lf)) { line += 1 }
                    i += 1
                }
                guard closed else { throw TaskDataError(path, line: openedOn, "unbalanced quotes: a quoted field is never closed") }
                if i < bytes.count && bytes[i] != comma && bytes[i] != cr && bytes[i] != lf {
                    throw TaskDataError(path, line: line, "text after the closing quote of a field")
                }
                fieldStart = false
                continue
            }
            fieldStart = false
            if b == comma {
                fieldStart = true
            } else if b == cr || b == lf {
                if b == cr && i + 1 < bytes.count && bytes[i + 1] == lf { i += 1 }
                line += 1
                recordOpen = false
            }
            i += 1
        }
        return starts
    }
}
