import Foundation
import Results

/// Where a task's learning rates are chosen: data held out from training that is never the reported (test) split.
/// Either a split of its own (E2E's and WebNLG's validation sets), or — for tasks whose official release has no
/// validation split apart from the reported one (GSM8K, CoQA) — a fixed, seeded slice of the training split that
/// no run of the task trains on.
public struct SelectionData: Sendable, Codable, Equatable {
    /// A split of the task's own (`validation`).
    public var split: String?
    /// How many documents of the training split to hold out (a CoQA story with all its turns is one document).
    public var holdout: Int?
    /// Which documents: the `holdout` whose seeded digests are lowest, so the slice does not depend on file order.
    public var seed: UInt64

    public init(split: String? = nil, holdout: Int? = nil, seed: UInt64 = 0) {
        self.split = split
        self.holdout = holdout
        self.seed = seed
    }

    enum CodingKeys: String, CodingKey { case split, holdout, seed }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        split = try c.decodeIfPresent(String.self, forKey: .split)
        holdout = try c.decodeIfPresent(Int.self, forKey: .holdout)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 0
    }

    /// The problem with it, if any, for the task file's one-line error.
    func problem(splits: Set<String>) -> String? {
        switch (split, holdout) {
        case (nil, nil), (.some, .some): return "give either split or holdout"
        case let (split?, nil):
            guard split != "test", split != "train" else { return "split must not be \(split): selection never reads the reported or the training split" }
            return splits.contains(split) ? nil : "split '\(split)' is not among the task's data"
        case let (nil, count?):
            return count >= 1 ? nil : "holdout must be at least 1"
        }
    }

    /// Says in one phrase what selection reads, for results and the report.
    public var summary: String {
        if let split { return "the \(split) split" }
        return "a fixed slice of the training split (\(holdout ?? 0) documents, seed \(seed)) that no run trains on"
    }

    /// The training examples runs train on, and those held out for selection (empty when selection has a split of
    /// its own). Both keep the file's order.
    public func partition(training examples: [TaskExample]) -> (train: [TaskExample], heldOut: [TaskExample]) {
        guard let holdout else { return (examples, []) }
        var documents: [String] = []
        var seen = Set<String>()
        for e in examples where seen.insert(e.document).inserted { documents.append(e.document) }
        let ranked = documents.map { (FileDigest.sha256(Data("\(seed)|\($0)".utf8)), $0) }.sorted { $0.0 < $1.0 }
        let held = Set(ranked.prefix(holdout).map(\.1))
        return (examples.filter { !held.contains($0.document) }, examples.filter { held.contains($0.document) })
    }
}

extension TaskExample {
    /// What an example belongs to that must not be split between training and held-out data: a CoQA story (ids
    /// `story#turn`); every other example is its own.
    public var document: String {
        guard let hash = id.firstIndex(of: "#") else { return id }
        return String(id[..<hash])
    }
}
