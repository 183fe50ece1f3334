import CSV

/// The E2E NLG Challenge CSV files: `mr,ref` with one row per reference, the rows of one meaning representation
/// consecutive (grouped here into one example with all its references, as the official scorer groups them), or the
/// reference-less test file with a single `MR` column. Header names are matched without regard to case.
public enum E2ELoader {
    public static func load(_ path: String) throws -> LoadedSplit {
        let text = try TextFile.read(path)
        let lines = try CSVRecordLines.scan(text, path: path)
        let reader: CSVReader
        do { reader = try CSVReader(string: text, hasHeaderRow: false) } catch {
            throw TaskDataError(path, "cannot parse as CSV (\(error))")
        }
        var rows: [[String]] = []
        while let row = reader.next() { rows.append(row) }
        if let error = reader.error { throw TaskDataError(path, "cannot parse as CSV (\(error))") }
        func line(_ record: Int) -> Int { record < lines.count ? lines[record] : record + 1 }

        guard let header = rows.first else { throw TaskDataError(path, "empty file") }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let mrColumn = names.firstIndex(of: "mr") else {
            throw TaskDataError(path, line: line(0), "missing column 'mr' (header: \(header.joined(separator: ",")))")
        }
        let refColumn = names.firstIndex(of: "ref")
        if refColumn == nil && names.count > 1 {
            throw TaskDataError(path, line: line(0), "missing column 'ref' (header: \(header.joined(separator: ",")))")
        }

        var examples: [TaskExample] = []
        var rowCount = 0
        var current: (mr: String, refs: [String], line: Int)?
        func flush() {
            guard let c = current else { return }
            examples.append(TaskExample(id: "mr\(examples.count + 1)", fields: ["mr": c.mr], references: c.refs))
        }
        for (index, row) in rows.enumerated().dropFirst() {
            if row.count == 1 && row[0].isEmpty { continue }  // a blank line
            guard row.count == header.count else {
                throw TaskDataError(path, line: line(index), "\(row.count) field\(row.count == 1 ? "" : "s"), the header has \(header.count)")
            }
            let mr = row[mrColumn]
            if case .failure(let e) = MeaningRepresentation.parse(mr) {
                throw TaskDataError(path, line: line(index), "bad meaning representation: \(e.message)")
            }
            rowCount += 1
            let ref = refColumn.map { row[$0] }
            if let ref, ref.trimmingCharacters(in: .whitespaces).isEmpty {
                throw TaskDataError(path, line: line(index), "empty reference")
            }
            if current?.mr == mr, let ref {
                current!.refs.append(ref)
            } else {
                flush()
                current = (mr, ref.map { [$0] } ?? [], line(index))
            }
        }
        flush()
        guard !examples.isEmpty else { throw TaskDataError(path, "no rows after the header") }
        let perMR = examples.map(\.references.count)
        return LoadedSplit(examples: examples, counts: [
            "rows": rowCount, "min_references": perMR.min() ?? 0, "max_references": perMR.max() ?? 0,
        ])
    }
}
