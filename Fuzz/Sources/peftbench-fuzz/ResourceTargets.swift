import Foundation
import Metrics

/// METEOR 1.5's resources as peftbench reads them: the jar (a zip archive of word lists) and the gzip'd
/// paraphrase table, then a score that uses both.
enum ResourceTargets {
    static let all = [meteor]

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
