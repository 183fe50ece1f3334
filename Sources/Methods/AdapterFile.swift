import Checkpoints
import Engine
import Foundation
import Model
import Results

/// A trained method saved as PEFT saves adapters: `adapter_model.safetensors` (every parameter the method added, F32) and
/// `adapter_config.json` (the method and every option), in one folder. An AdaLoRA adapter whose ranks have been cut
/// is saved as PEFT saves it: `rank_pattern` in the config and only the kept triplets in the tensors.
public enum AdapterFile {
    public static let weightsName = "adapter_model.safetensors"
    public static let configName = "adapter_config.json"

    struct Config: Codable {
        var method: String
        var options: [String: String]
        var parameters: [String]
        var rankPattern: [String: [Bool]]?

        enum CodingKeys: String, CodingKey {
            case method, options, parameters
            case rankPattern = "rank_pattern"
        }
    }

    public static func save(_ applied: AppliedMethod, to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let pattern = applied.rankPattern()
        try SafetensorsWriter.write(applied.storedTensors(), metadata: ["format": "pt", "method": applied.name],
                                    to: (folder as NSString).appendingPathComponent(weightsName))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let config = Config(method: applied.name, options: applied.config, parameters: applied.added.map(\.name),
                            rankPattern: pattern)
        try AtomicFile.write(try encoder.encode(config), to: (folder as NSString).appendingPathComponent(configName))
    }

    /// `model.layers.0.self_attn.q_proj.lora_A.weight` → `model.layers.0.self_attn.q_proj`.
    public static func modulePath(of parameter: String) -> String {
        parameter.split(separator: ".").dropLast(2).joined(separator: ".")
    }

    /// Installs the saved method on `model` (a fresh base) and loads its trained values.
    @discardableResult
    public static func load(from folder: String, into model: LlamaModel, context: MethodContext = MethodContext()) throws -> AppliedMethod {
        let configPath = (folder as NSString).appendingPathComponent(configName)
        guard let data = FileManager.default.contents(atPath: configPath) else { throw MethodError("\(configPath): cannot read the file") }
        let config: Config
        do { config = try JSONDecoder().decode(Config.self, from: data) } catch {
            throw MethodError("\(configPath): not an adapter config (\(error))")
        }
        if config.rankPattern != nil && config.method != AdaLoRA.name {
            throw MethodError("\(configPath): rank_pattern is for adalora, the method is \(config.method)")
        }
        var context = context
        context.rankPattern = config.rankPattern
        let applied: AppliedMethod
        do { applied = try MethodRegistry.apply(config.method, to: model, overrides: config.options, context: context) } catch let e as MethodError {
            throw MethodError("\(configPath): \(e)")
        }
        let file = try SafetensorsFile(path: (folder as NSString).appendingPathComponent(weightsName))
        for p in applied.added {
            guard let info = file.tensors[p.name] else { throw MethodError("\(folder): \(weightsName) lacks '\(p.name)'") }
            guard info.shape == p.shape else {
                throw MethodError("\(folder): '\(p.name)' has shape \(info.shape), the method makes \(p.shape)")
            }
            try file.read(info, into: p.value.pointer)
            p.markModified()
        }
        return applied
    }
}

extension AppliedMethod {
    /// Every added parameter as an adapter file holds it: AdaLoRA's tensors cut to the triplets its rank pattern
    /// keeps, the rest as they are.
    public func storedTensors() -> [(name: String, shape: [Int], values: [Float])] {
        let pattern = rankPattern()
        return added.map { p in
            if let keep = pattern?[AdapterFile.modulePath(of: p.name)], let cut = AdaLoRA.cut(p, keep: keep) {
                return (p.name, cut.shape, cut.values)
            }
            return (p.name, p.shape, p.value.toArray())
        }
    }
}
