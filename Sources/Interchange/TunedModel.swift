import Checkpoints
import Foundation
import Methods
import Model
import Results

/// A finished run's tuned model rebuilt from its folder: the base its spec names, with the run's adapter installed
/// (or, for full fine-tuning, the `model.safetensors` the run saved).
public struct TunedModel {
    public let spec: RunSpec
    public let loaded: LoadedModel
    /// Nil for full fine-tuning.
    public let applied: AppliedMethod?

    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    public static func load(runFolder: String) throws -> TunedModel {
        let result = try RunFiles.readResult(folder: runFolder)
        guard result.status == .completed else {
            throw Missing(description: "\(runFolder): the run is \(result.status.rawValue), not completed; nothing trained to export")
        }
        let spec = result.spec
        let loaded = try ModelStore.load(spec.model, seed: spec.seed)
        if let digest = result.model.sha256, let file = loaded.file, try FileDigest.sha256(path: file) != digest {
            throw Missing(description: "\(file): not the model the run trained on (sha256 differs from \(runFolder)/result.json)")
        }
        if spec.method == FullFineTuning.name {
            let path = (runFolder as NSString).appendingPathComponent("model.safetensors")
            guard FileManager.default.fileExists(atPath: path) else {
                throw Missing(description: "\(runFolder): this full fine-tuning run kept no weights (run it with --save-model)")
            }
            let file = try SafetensorsFile(path: path)
            for p in loaded.model.parameters {
                guard let info = file.tensors[p.name], info.shape == p.shape else {
                    throw Missing(description: "\(path): lacks '\(p.name)' of shape \(p.shape)")
                }
                try file.read(info, into: p.value.pointer)
                p.markModified()
            }
            return TunedModel(spec: spec, loaded: loaded, applied: nil)
        }
        let adapter = (runFolder as NSString).appendingPathComponent("adapter")
        let tokenize = loaded.tokenizer.map { t in { (text: String) in t.encode(text) } }
        let applied = try AdapterFile.load(from: adapter, into: loaded.model, context: MethodContext(seed: spec.seed, tokenize: tokenize))
        return TunedModel(spec: spec, loaded: loaded, applied: applied)
    }
}
