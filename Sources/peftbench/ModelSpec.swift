import Foundation
import Model

/// Resolves a `--model` value to a decoder shape.
enum ModelSpec {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func config(_ spec: String) throws -> LlamaConfig {
        if spec == "tiny" { return .tiny }
        guard spec.hasSuffix(".json") else {
            throw Failure(description: "unknown model '\(spec)'; expected 'tiny' or a path to a config.json")
        }
        guard let data = FileManager.default.contents(atPath: spec) else {
            throw Failure(description: "\(spec): cannot read the file")
        }
        do {
            return try JSONDecoder().decode(LlamaConfig.self, from: data)
        } catch let error as LlamaConfig.Invalid {
            throw Failure(description: "\(spec): \(error.description)")
        } catch let DecodingError.keyNotFound(key, _) {
            throw Failure(description: "\(spec): missing field '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw Failure(description: "\(spec): field '\(path)' has the wrong type")
        } catch {
            throw Failure(description: "\(spec): not a valid JSON config")
        }
    }
}
