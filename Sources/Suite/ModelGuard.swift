import Checkpoints
import Foundation
import Harness
import Results

/// A suite never mixes models: the model file's sha256 is taken when the suite starts, every kept record must have
/// been made with it, and every new record must still be (a file replaced while the suite runs is caught at the
/// first run that used it).
struct ModelGuard {
    /// Model spec → its file's sha256 when the suite started (nil for the built-in tiny model, which has no file).
    private var digests: [String: String?] = [:]

    struct Mixed: Error, CustomStringConvertible {
        let description: String
    }

    mutating func digest(of model: String) throws -> String? {
        if let known = digests[model] { return known }
        let digest: String?
        do { digest = try ModelStore.resolvePath(model).map { try FileDigest.sha256(path: $0) } } catch {
            throw SetupError("\(error)")
        }
        digests[model] = digest
        return digest
    }

    /// Throws when `record` was made with another model file than the one `model` names now.
    mutating func check(_ record: RunResult, folder: String) throws {
        guard let theirs = record.model.sha256, let ours = try digest(of: record.spec.model) else { return }
        guard theirs != ours else { return }
        throw Mixed(description: "\(folder)/result.json: made with model sha256 \(theirs.prefix(12))…, but \(record.model.file ?? record.spec.model) is now \(ours.prefix(12))…; a suite never mixes models (restore the model, or give the suite another --out)")
    }
}
