import Foundation

/// WordNet 3.0 from its database files (Debian's `wordnet-base` puts them in `/usr/share/wordnet`), read the way
/// nltk's corpus reader reads them: the index maps a lemma and part of speech to synset offsets, the data files
/// hold each synset's lemma names, and lookups go through nltk's `morphy` (exception lists, else one round of
/// suffix rules). Only what nltk's METEOR needs: the lemma names of every synset of a word.
public final class WordNet: @unchecked Sendable {
    /// `$PEFTBENCH_WORDNET_DIR`, else where Debian's `wordnet-base` puts it.
    public static var defaultFolder: String {
        ProcessInfo.processInfo.environment["PEFTBENCH_WORDNET_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/share/wordnet"
    }
    static let parts: [(pos: String, file: String)] = [("n", "noun"), ("v", "verb"), ("a", "adj"), ("r", "adv")]
    static let substitutions: [String: [(String, String)]] = [
        "n": [("s", ""), ("ses", "s"), ("ves", "f"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"), ("ies", "y")],
        "v": [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")],
        "a": [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
        "r": [],
    ]

    public let folder: String
    /// lemma → part of speech → synset offsets.
    var index: [String: [String: [Int]]] = [:]
    var exceptions: [String: [String: [String]]] = [:]
    var data: [String: Data] = [:]
    private var namesCache: [String: Set<String>] = [:]
    private let lock = NSLock()

    public init(folder: String = WordNet.defaultFolder) throws {
        self.folder = folder
        for (pos, file) in Self.parts {
            let indexPath = "\(folder)/index.\(file)", dataPath = "\(folder)/data.\(file)", excPath = "\(folder)/\(file).exc"
            guard let indexData = FileManager.default.contents(atPath: indexPath), let body = FileManager.default.contents(atPath: dataPath),
                  let exc = FileManager.default.contents(atPath: excPath) else {
                throw ResourceError(folder, "WordNet 3.0's \(file) files are missing (install the Debian package wordnet-base)")
            }
            data[pos] = body
            for (n, line) in String(decoding: indexData, as: UTF8.self).split(separator: "\n").enumerated() where !line.hasPrefix(" ") {
                let t = line.split(separator: " ")
                guard t.count >= 6, let synsets = Int(t[2]), let pointers = Int(t[3]), synsets >= 0, pointers >= 0,
                      t.count >= 6 + pointers + synsets else {
                    throw ResourceError(indexPath, "line \(n + 1): malformed index entry")
                }
                let offsets = t[(6 + pointers)..<(6 + pointers + synsets)].compactMap { Int($0) }
                // Each offset must start a line of the data file that begins with that offset; a cut or mismatched
                // data file would otherwise give fewer synonyms without a word.
                for offset in offsets where !Self.startsSynset(body, at: offset) {
                    throw ResourceError(dataPath, "holds no synset at offset \(offset), which index.\(file) line \(n + 1) names (a cut or mismatched WordNet)")
                }
                index[String(t[0]), default: [:]][String(t[1])] = offsets
            }
            var map: [String: [String]] = [:]
            for line in String(decoding: exc, as: UTF8.self).split(separator: "\n") {
                let t = line.split(separator: " ").map(String.init)
                if let first = t.first { map[first] = Array(t.dropFirst()) }
            }
            exceptions[pos] = map
        }
    }

    static func startsSynset(_ body: Data, at offset: Int) -> Bool {
        let digits = Array(String(format: "%08d ", offset).utf8)
        guard offset >= 0, offset + digits.count <= body.count, offset == 0 || body[body.startIndex + offset - 1] == 10 else { return false }
        return body[(body.startIndex + offset)..<(body.startIndex + offset + digits.count)].elementsEqual(digits)
    }

    /// nltk's `_morphy`: the word and its exception bases, or the word and one round of suffix rules, kept when
    /// the index lists them for this part of speech.
    func morphy(_ form: String, _ pos: String) -> [String] {
        var forms = [form]
        if let bases = exceptions[pos]?[form] {
            forms += bases
        } else {
            for f in [form] { for (old, new) in Self.substitutions[pos]! where f.hasSuffix(old) { forms.append(String(f.dropLast(old.count)) + new) } }
        }
        var seen = Set<String>(), out: [String] = []
        for f in forms where index[f]?[pos] != nil && seen.insert(f).inserted { out.append(f) }
        return out
    }

    /// The lemma names of the synset at `offset` in the data file of `pos`.
    func lemmaNames(_ pos: String, _ offset: Int) -> [String] {
        guard let body = data[pos], offset < body.count else { return [] }
        var end = offset
        body.withUnsafeBytes { raw in
            let b = raw.bindMemory(to: UInt8.self)
            while end < b.count && b[end] != 10 { end += 1 }
        }
        let line = String(decoding: body[(body.startIndex + offset)..<(body.startIndex + end)], as: UTF8.self)
        let columns = line.split(separator: "|", maxSplits: 1).first ?? ""
        let t = columns.split(separator: " ")
        guard t.count > 4, let count = Int(t[3], radix: 16), count >= 0, t.count >= 4 + 2 * count else { return [] }
        return (0..<count).map { k in
            // Adjectives carry a syntactic marker such as "(a)" or "(ip)", which is not part of the name.
            let name = t[4 + 2 * k]
            if name.hasSuffix(")"), let open = name.firstIndex(of: "(") { return String(name[..<open]) }
            return String(name)
        }
    }

    /// Every lemma name of every synset of `word` (lower-cased first), over nouns, verbs, adjectives and adverbs.
    public func synonyms(_ word: String) -> Set<String> {
        let lemma = word.lowercased()
        lock.lock()
        defer { lock.unlock() }
        if let cached = namesCache[lemma] { return cached }
        var names = Set<String>()
        for (pos, _) in Self.parts {
            for form in morphy(lemma, pos) {
                for offset in index[form]?[pos] ?? [] { names.formUnion(lemmaNames(pos, offset)) }
            }
        }
        namesCache[lemma] = names
        return names
    }
}
