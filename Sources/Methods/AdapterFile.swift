import Checkpoints
import Engine
import Foundation
import Model

/// A trained method saved as PEFT saves adapters: `adapter_model.safetensors` (every parameter the method added, F32) and
/// `adapter_config.json` (the method and every option), in one folder.
public enum AdapterFile {
    public static let weightsName = "adapter_model.safetensors"
    public static let configName = "adapter_config.json"

    struct Config: Codable {
        var method: String
        var options: [String: String]
        var parameters: [String]
    }

    public static func save(_ applied: AppliedMethod, to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let tensors = applied.added.map { p in
            (name: p.name, shape: p.shape, values: UnsafeBufferPointer(start: p.value.pointer, count: p.count))
        }
        try SafetensorsWriter.write(tensors, metadata: ["format": "pt", "method": applied.name],
                                    to: (folder as NSString).appendingPathComponent(weightsName))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let config = Config(method: applied.name, options: applied.config, parameters: applied.added.map(\.name))
        try AtomicFile.write(try encoder.encode(config), to: (folder as NSString).appendingPathComponent(configName))
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
        let applied = try MethodRegistry.apply(config.method, to: model, overrides: config.options, context: context)
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
