import Foundation
import Metrics

/// METEOR 1.5's resources as peftbench reads them — the jar (a zip archive of word lists) and the gzip'd
/// paraphrase table, then a score that uses both — and WordNet's database files, then synonym lookups.
enum ResourceTargets {
    static let all = [meteor, wordnet]

    /// Input: the jar and the paraphrase table (see `parts`).
    static let meteor = FuzzTarget(name: "meteor") { input, scratch in
        let files = parts(input, 2)
        let folder = try scratch.emptyFolder("meteor")
        _ = try scratch.write(files[0], as: "meteor/meteor-1.5.jar")
        _ = try scratch.write(files[1], as: "meteor/paraphrase-en.gz")
        guard let resources = try accepting(folder, { try METEORResources(folder: folder) }) else { return }
        let texts = ["the cat sat on the mat", "a cat was sitting on a mat", "dogs run quickly", "the dog is running fast"]
        guard let meteor = try accepting(folder, { try METEOR(resources: resources, texts: texts) }) else { return }
        let score = meteor.score(hypotheses: [texts[0], texts[2]], references: [[texts[1]], [texts[3]]])
        guard score.corpus.isFinite, (0...1).contains(score.corpus) else { throw Violation("METEOR score \(score.corpus) outside [0, 1]") }
    }
}

extension ResourceTargets {
    /// Input: `index.noun`, `data.noun` and `noun.exc` (see `parts`); the verb, adjective and adverb files hold a
    /// licence line and nothing else (not empty: Foundation loses 4 KB on every read of an empty file, which over a
    /// fuzzing run adds up to gigabytes).
    static let wordnet = FuzzTarget(name: "wordnet") { input, scratch in
        let files = parts(input, 3)
        let folder = try scratch.emptyFolder("wordnet")
        // An empty part becomes one newline, for the same reason as the licence lines below.
        for (name, data) in zip(["index.noun", "data.noun", "noun.exc"], files) {
            _ = try scratch.write(data.isEmpty ? Data("\n".utf8) : data, as: "wordnet/\(name)")
        }
        for part in ["verb", "adj", "adv"] {
            for name in ["index.\(part)", "data.\(part)", "\(part).exc"] { _ = try scratch.write(Data("  licence\n".utf8), as: "wordnet/\(name)") }
        }
        guard let wordnet = try accepting(folder, { try WordNet(folder: folder) }) else { return }
        // The index's own lemmas (and inflections of them) reach every synset line it names.
        let lemmas = String(decoding: files[0], as: UTF8.self).split(separator: "\n").prefix(40)
            .compactMap { $0.split(separator: " ").first.map(String.init) }
        for word in lemmas + lemmas.map { $0 + "s" } + ["dogs", "geese", "running"] { _ = wordnet.synonyms(word) }
    }
}
