import Foundation

/// METEOR 1.5's English resources, read from the files its distribution ships: the jar (function words,
/// nonbreaking prefixes, the WordNet-derived synsets and their exception forms) and the paraphrase table.
/// `scripts/fetch-meteor.sh` places both in `$PEFTBENCH_CACHE/meteor-1.5` (from the PyPI package pycocoevalcap).
public final class METEORResources: @unchecked Sendable {
    public let folder: String
    let functionWords: Set<String>
    /// Nonbreaking prefixes: 1 = always, 2 = only before a number.
    let prefixes: [String: Int]
    let synsets: [String: [Int32]]
    /// Inflected form → its base forms (WordNet's exception lists).
    let bases: [String: [String]]

    public static var defaultFolder: String {
        let cache = ProcessInfo.processInfo.environment["PEFTBENCH_CACHE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() + "/.cache/peftbench")
        return ProcessInfo.processInfo.environment["PEFTBENCH_METEOR_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? cache + "/meteor-1.5"
    }

    var jarPath: String { folder + "/meteor-1.5.jar" }
    var paraphrasePath: String { folder + "/paraphrase-en.gz" }

    public init(folder: String = METEORResources.defaultFolder) throws {
        self.folder = folder
        guard FileManager.default.fileExists(atPath: folder + "/meteor-1.5.jar"),
              FileManager.default.fileExists(atPath: folder + "/paraphrase-en.gz") else {
            throw ResourceError(folder, "METEOR 1.5's resources are missing (run scripts/fetch-meteor.sh)")
        }
        let jar = try ZipArchive(path: folder + "/meteor-1.5.jar")
        func lines(_ name: String) throws -> [Substring] {
            String(decoding: try jar.read(name), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        }
        functionWords = Set(try lines("function/english.words").filter { !$0.isEmpty }.map(String.init))
        var prefixes: [String: Int] = [:]
        for line in try lines("nonbreaking/english.prefixes") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let first = fields.first, !first.hasPrefix("#") else { continue }
            prefixes[String(first)] = fields.count > 1 && fields[1] == "#NUMERIC_ONLY#" ? 2 : 1
        }
        self.prefixes = prefixes
        // Pairs of lines: a word, then its synset numbers.
        let synsetLines = try lines("synonym/english.synsets")
        var synsets: [String: [Int32]] = [:]
        synsets.reserveCapacity(synsetLines.count / 2)
        var i = 0
        while i + 1 < synsetLines.count {
            synsets[String(synsetLines[i])] = synsetLines[i + 1].split(separator: " ").compactMap { Int32($0) }
            i += 2
        }
        self.synsets = synsets
        // Pairs of lines: a base form, then the inflected forms that map to it.
        let exceptionLines = try lines("synonym/english.exceptions")
        var bases: [String: [String]] = [:]
        i = 0
        while i + 1 < exceptionLines.count {
            let base = String(exceptionLines[i])
            for form in exceptionLines[i + 1].split(whereSeparator: { $0 == " " || $0 == "\t" }) { bases[String(form), default: []].append(base) }
            i += 2
        }
        self.bases = bases
    }

    // MARK: Synonyms

    func synsetsOf(_ word: String) -> Set<Int32> { Set(synsets[word] ?? []) }

    /// The synsets of a word's base form: its exception bases if listed, else WordNet's suffix rules.
    func baseSynsets(_ word: String) -> Set<Int32> {
        if let list = bases[word] {
            var out = Set<Int32>()
            for b in list { out.formUnion(synsetsOf(b)) }
            return out
        }
        return synsetsOf(morph(word))
    }

    static let suffixes = ["s", "ses", "xes", "zes", "ches", "shes", "men", "ies", "s", "ies", "es", "es", "ed", "ed", "ing", "ing", "er", "est", "er", "est"]
    static let endings = ["", "s", "x", "z", "ch", "sh", "man", "y", "", "y", "e", "", "e", "", "e", "", "", "", "e", "e"]

    /// WordNet's morphological rules as METEOR applies them: the first rule whose result is a known word wins;
    /// a word ending in "ful" keeps that ending on the result (METEOR's reading of WordNet's rule).
    func morph(_ word: String) -> String {
        let end = word.hasSuffix("ful") ? "ful" : ""
        // Java's length counts UTF-16 units.
        if word.hasSuffix("ss") || word.utf16.count <= 2 { return word }
        for (suffix, ending) in zip(Self.suffixes, Self.endings) where word.hasSuffix(suffix) {
            let candidate = String(word.dropLast(suffix.count)) + ending
            if synsets[candidate] != nil { return candidate + end }
        }
        return ""
    }

    // MARK: Paraphrases

    /// The paraphrase table restricted to phrases made of `vocabulary`'s words — the only ones that can match
    /// within the corpus being scored — in the table's order.
    func paraphrases(for vocabulary: Set<String>) throws -> ParaphraseTable {
        var table = ParaphraseTable()
        // Word lookup straight from the bytes: FNV-1a hash, confirmed against the word's bytes.
        var byHash: [UInt64: [(bytes: [UInt8], id: Int32)]] = [:]
        for w in vocabulary {
            let b = Array(w.utf8)
            let id = Int32(table.vocabulary.count)
            table.vocabulary[w] = id
            byHash[Self.fnv(b), default: []].append((b, id))
        }
        // The ids of one line's tokens; nil when some token is not a corpus word.
        func phrase(_ bytes: UnsafeBufferPointer<UInt8>) -> [Int32]? {
            var ids: [Int32] = []
            var p = 0
            let n = bytes.count
            while p < n {
                while p < n && (bytes[p] == 32 || bytes[p] == 9 || bytes[p] == 13) { p += 1 }
                let start = p
                while p < n && bytes[p] != 32 && bytes[p] != 9 && bytes[p] != 13 { p += 1 }
                guard p > start else { continue }
                let token = UnsafeBufferPointer(rebasing: bytes[start..<p])
                guard let candidates = byHash[Self.fnv(token)], let hit = candidates.first(where: { $0.bytes.elementsEqual(token) }) else { return nil }
                ids.append(hit.id)
            }
            return ids
        }
        // Triples of lines: a probability (unused by METEOR), a phrase, its paraphrase.
        var lineNumber = 0
        var first: [Int32]?
        try Inflate.gzipLines(path: paraphrasePath) { line in
            switch lineNumber % 3 {
            case 1: first = phrase(line)
            case 2: if let f = first, !f.isEmpty, let second = phrase(line) { table.add(f, second) }
            default: break
            }
            lineNumber += 1
        }
        guard lineNumber % 3 == 0 else { throw ResourceError(paraphrasePath, "line \(lineNumber): the table ends inside an entry") }
        return table
    }

    static func fnv<C: Collection>(_ b: C) -> UInt64 where C.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for x in b { h = (h ^ UInt64(x)) &* 0x100_0000_01b3 }
        return h
    }
}

/// Paraphrase pairs as METEOR's transducer holds them: phrases of word ids; looking up the phrases that start a
/// word sequence returns them shortest first, each length in the table's order.
struct ParaphraseTable {
    var vocabulary: [String: Int32] = [:]
    var byPhrase: [[Int32]: [Int]] = [:]
    var targets: [[Int32]] = []
    var longest = 0

    mutating func add(_ phrase: [Int32], _ paraphrase: [Int32]) {
        byPhrase[phrase, default: []].append(targets.count)
        targets.append(paraphrase)
        longest = max(longest, phrase.count)
    }

    func id(_ word: String) -> Int32 { vocabulary[word] ?? -1 }

    /// (phrase length, paraphrase) for every phrase that starts `words` at `start`.
    func paths(_ words: [Int32], from start: Int) -> [(length: Int, words: [Int32])] {
        var out: [(Int, [Int32])] = []
        guard !byPhrase.isEmpty else { return out }
        var length = 1
        while start + length <= words.count && length <= longest {
            if words[start + length - 1] < 0 { break }
            if let list = byPhrase[Array(words[start..<(start + length)])] { for t in list { out.append((length, targets[t])) } }
            length += 1
        }
        return out
    }
}
