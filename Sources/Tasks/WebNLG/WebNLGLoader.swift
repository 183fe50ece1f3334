import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// WebNLG benchmark XML: `benchmark/entries/entry` with `modifiedtripleset/mtriple` (`subject | property |
/// object`) and `lex` references. Reads the 2017 challenge files, release v2 and v3.0/2020 (English and Russian),
/// one file or a folder of files (searched recursively, in path order) as one split. `lex` elements of the chosen
/// language are the references. A `lex` without `lang` (2017, v2) or with `lang=""` (the v3.0 test files with
/// references) is in its file's language: Russian when the file name ends in `-ru` or `_ru`, English otherwise.
///
/// A folder never counts an entry twice. The v3.0 test folder holds the same entries with and without references,
/// and the semantic-parsing (text-to-RDF) files beside them: those files are the reverse task's and are skipped, and
/// an entry met again (same category, eid and triples) keeps the copy with references. Two copies that both have
/// references, differently, are refused with both files named.
public enum WebNLGLoader {
    public struct Triple: Sendable, Equatable {
        public var subject: String, property: String, object: String
        public var text: String { "\(subject) | \(property) | \(object)" }
        public init(subject: String, property: String, object: String) {
            self.subject = subject
            self.property = property
            self.object = object
        }
    }

    public struct Entry: Sendable {
        public var category: String
        public var eid: String
        public var triples: [Triple] = []
        public var lexicalisations: [String] = []
    }

    public static func load(_ path: String, language: String = "en") throws -> LoadedSplit {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw TaskDataError(path, "no such file or folder") }
        let files = isDirectory.boolValue ? try xmlFiles(in: path) : [path]
        guard !files.isEmpty else { throw TaskDataError(path, "no .xml files in the folder") }
        var kept: [(file: String, entry: Entry)] = []
        var seen: [EntryKey: Int] = [:]
        var skipped = 0, repeated = 0
        for file in files {
            if isDirectory.boolValue && isSemanticParsing(file) { skipped += 1; continue }
            for entry in try entries(file, language: language) {
                let key = EntryKey(entry)
                guard let k = seen[key] else {
                    seen[key] = kept.count
                    kept.append((file, entry))
                    continue
                }
                repeated += 1
                let earlier = kept[k]
                if earlier.entry.lexicalisations.isEmpty {
                    kept[k] = (file, entry)
                } else if !entry.lexicalisations.isEmpty && entry.lexicalisations != earlier.entry.lexicalisations {
                    throw TaskDataError(file, "entry eid \(entry.eid) (\(entry.category)) is also in \(earlier.file) with other references; keep one of the two files")
                }
            }
        }
        var examples: [TaskExample] = []
        var triples = 0, withoutReferences = 0
        var categories = Set<String>()
        for (file, entry) in kept {
            let stem = (file as NSString).lastPathComponent.replacingOccurrences(of: ".xml", with: "")
            triples += entry.triples.count
            categories.insert(entry.category)
            if entry.lexicalisations.isEmpty { withoutReferences += 1 }
            examples.append(TaskExample(
                id: "\(stem)/\(entry.eid)",
                fields: [
                    "triples": entry.triples.map(\.text).joined(separator: "\n"),
                    "triples_inline": entry.triples.map(\.text).joined(separator: " ; "),
                    "category": entry.category,
                ],
                references: entry.lexicalisations, group: entry.category))
        }
        guard !examples.isEmpty else { throw TaskDataError(path, "no entries") }
        var counts = ["files": files.count - skipped, "triples": triples, "categories": categories.count,
                      "entries_without_references": withoutReferences]
        if skipped > 0 { counts["semantic_parsing_files_skipped"] = skipped }
        if repeated > 0 { counts["repeated_entries_merged"] = repeated }
        return LoadedSplit(examples: examples, counts: counts)
    }

    /// What makes two entries of a release the same entry.
    struct EntryKey: Hashable {
        var category: String, eid: String, triples: [String]
        init(_ e: Entry) { (category, eid, triples) = (e.category, e.eid, e.triples.map(\.text)) }
    }

    /// The v3.0 release's text-to-RDF files (`semantic-parsing-test-data-*.xml`).
    static func isSemanticParsing(_ file: String) -> Bool {
        (file as NSString).lastPathComponent.lowercased().hasPrefix("semantic-parsing")
    }

    /// The language a `lex` without one is in: the v3.0 files name theirs at the end (`…-en.xml`, `…-ru.xml`).
    static func fileLanguage(_ path: String) -> String {
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension.lowercased()
        return stem.hasSuffix("-ru") || stem.hasSuffix("_ru") ? "ru" : "en"
    }

    static func xmlFiles(in folder: String) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { throw TaskDataError(folder, "cannot list the folder") }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            if relative.lowercased().hasSuffix(".xml") { found.append((folder as NSString).appendingPathComponent(relative)) }
        }
        return found.sorted()
    }

    /// The entries of one XML file.
    public static func entries(_ path: String, language: String = "en") throws -> [Entry] {
        let data = try TextFile.bytes(path)
        let text = try TextFile.decode(data, path: path)  // names the line of a non-UTF-8 byte before the XML parser does
        if let (offset, message) = refusedMarkup([UInt8](data)) {
            let line = data.prefix(offset).reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            throw TaskDataError(path, line: line, message)
        }
        // The bytes were checked as UTF-8 above; a declaration of another encoding would make libxml2 decode them
        // again as that (and its UTF-7 decoder crashes on malformed input).
        if let encoding = declaredEncoding(text), !["utf-8", "utf8", "us-ascii", "ascii"].contains(encoding.lowercased()) {
            throw TaskDataError(path, line: 1, "declares the encoding '\(encoding)'; WebNLG files are UTF-8, so it is refused")
        }
        let reader = EntryReader(path: path, language: language, fileLanguage: fileLanguage(path))
        let parser = XMLParser(data: data)
        parser.delegate = reader
        parser.shouldResolveExternalEntities = false
        let ok = parser.parse()
        if let error = reader.error { throw error }
        // Foundation's parser on Linux may report success after an error, and none for an element left open at
        // the end, so the delegate's own record decides.
        if let (code, line) = reader.syntaxError ?? (ok && parser.parserError == nil ? nil : (-1, parser.lineNumber)) {
            throw TaskDataError(path, line: max(1, line), "XML is not well formed (\(xmlErrorText(code)))")
        }
        if let open = reader.openElements.last {
            throw TaskDataError(path, line: max(1, parser.lineNumber), "XML is not well formed (<\(open)> is never closed)")
        }
        guard reader.sawBenchmark else { throw TaskDataError(path, "no <benchmark> root element") }
        return reader.entries
    }

    /// The first markup WebNLG files never hold, refused before libxml2 sees it: its byte offset and why.
    static func refusedMarkup(_ bytes: [UInt8]) -> (offset: Int, message: String)? {
        func find(_ pattern: String, from start: Int = 0) -> Int? {
            let p = Array(pattern.utf8)
            guard bytes.count - p.count >= start else { return nil }
            return (start...(bytes.count - p.count)).first { bytes[$0] == p[0] && bytes[$0..<($0 + p.count)].elementsEqual(p) }
        }
        let blank: Set<UInt8> = [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n")]
        // Entities: an external one would read another file (or the network) into the data, nested internal ones
        // can expand without bound.
        if let at = find("<!ENTITY") {
            let name = bytes[(at + 8)...].drop { blank.contains($0) }.prefix { !blank.contains($0) }
            return (at, "declares the entity '\(String(decoding: name, as: UTF8.self))'; WebNLG files declare none, so it is refused")
        }
        // XML allows no NUL character, and NUL bytes at the start would make libxml2 guess UTF-16 or UCS-4.
        if let at = bytes.firstIndex(of: 0) { return (at, "holds a NUL character, which XML does not allow") }
        // A document type: FoundationXML hands libxml2's declarations of one (notations, attribute lists) to
        // callbacks that trust every string in them.
        if let at = find("<!DOCTYPE") { return (at, "holds a document type declaration; WebNLG files hold none, so it is refused") }
        // A processing instruction (any `<?` but the declaration opening the file, `<?xml` and a blank): FoundationXML
        // crashes on one without data (`<?x?>`).
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        if bytes[start...].starts(with: Array("<?xml".utf8)), start + 5 < bytes.count, blank.contains(bytes[start + 5]) { start += 5 }
        if let at = find("<?", from: start) {
            return (at, "holds a processing instruction ('<?'); WebNLG files hold none, so it is refused")
        }
        return nil
    }

    /// The `encoding` that the XML declaration opening `text` names, read as leniently as libxml2 reads it: up to
    /// the first `>` (libxml2 takes the encoding before it finds the declaration unclosed), and to the end of that
    /// when the value's quote is never closed.
    static func declaredEncoding(_ text: String) -> String? {
        var rest = Substring(text)
        if rest.hasPrefix("\u{FEFF}") { rest = rest.dropFirst() }
        guard rest.hasPrefix("<?xml") else { return nil }
        let declaration = rest.prefix { $0 != ">" }
        guard let key = declaration.range(of: "encoding") else { return nil }
        let value = declaration[key.upperBound...].drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" || $0 == "=" }
        guard let quote = value.first, quote == "\"" || quote == "'" else { return nil }
        return String(value.dropFirst().prefix { $0 != quote })
    }

    /// libxml2's error numbers for what malformed files most often hold.
    static func xmlErrorText(_ code: Int) -> String {
        switch code {
        case 4: return "empty document"
        case 5: return "the document ends inside an element"
        case 9: return "invalid character"
        case 23: return "an entity reference has no ';'"
        case 26: return "undefined entity"
        case 38, 39, 40, 41: return "a bad attribute"
        case 73: return "'>' expected"
        case 76: return "mismatched closing tag"
        case 89: return "entity expansion loops or grows past libxml2's limit (a \"billion laughs\" file?)"
        case -1: return "parse error"
        default: return "libxml2 error \(code)"
        }
    }

    /// SAX delegate: collects entries and stops at the first structural error, with its line.
    final class EntryReader: NSObject, XMLParserDelegate {
        let path: String, language: String, fileLanguage: String
        var entries: [Entry] = []
        var error: TaskDataError?
        var sawBenchmark = false
        var syntaxError: (code: Int, line: Int)?
        var openElements: [String] = []
        private var entry: Entry?
        private var text = ""
        private var collecting: String?  // "mtriple" or "lex" while inside one
        private var lexLanguage: String?

        init(path: String, language: String, fileLanguage: String) {
            self.path = path
            self.language = language
            self.fileLanguage = fileLanguage
        }

        private func fail(_ parser: XMLParser, _ message: String) {
            guard error == nil else { return }
            let place = entry.map { "line \(parser.lineNumber), entry eid \($0.eid)" } ?? "line \(parser.lineNumber)"
            error = TaskDataError(path, place, message)
            parser.abortParsing()
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            openElements.append(name)
            switch name {
            case "benchmark": sawBenchmark = true
            case "entry":
                guard let eid = attributes["eid"], !eid.isEmpty else { return fail(parser, "<entry> without an eid attribute") }
                entry = Entry(category: attributes["category"] ?? "", eid: eid)
            case "mtriple", "lex":
                guard entry != nil else { return fail(parser, "<\(name)> outside an <entry>") }
                collecting = name
                lexLanguage = attributes["lang"]
                text = ""
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if collecting != nil { text += string }
        }

        func parser(_ parser: XMLParser, foundCDATA block: Data) {
            if collecting != nil { text += String(decoding: block, as: UTF8.self) }
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            if syntaxError == nil { syntaxError = ((parseError as NSError).code, parser.lineNumber) }
            parser.abortParsing()
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if openElements.last == name { openElements.removeLast() }
            switch name {
            case "mtriple":
                collecting = nil
                let parts = text.components(separatedBy: " | ")
                guard parts.count == 3, parts.allSatisfy({ !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
                    return fail(parser, "<mtriple> '\(text)' is not 'subject | property | object'")
                }
                entry?.triples.append(Triple(subject: parts[0].trimmingCharacters(in: .whitespaces),
                                             property: parts[1].trimmingCharacters(in: .whitespaces),
                                             object: parts[2].trimmingCharacters(in: .whitespaces)))
            case "lex":
                collecting = nil
                let lang = lexLanguage.flatMap { $0.isEmpty ? nil : $0 } ?? fileLanguage
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if lang == language && !trimmed.isEmpty { entry?.lexicalisations.append(trimmed) }
            case "entry":
                guard let done = entry else { return }
                guard !done.triples.isEmpty else { return fail(parser, "entry without triples (no <mtriple>)") }
                entries.append(done)
                entry = nil
            default: break
            }
        }
    }
}
