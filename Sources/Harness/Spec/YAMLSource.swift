import Foundation
import Results
import Tasks
import Yams

/// A YAML file read as nodes that keep their line, so that every problem is one line naming the file and the line.
public struct YAMLSource {
    public let path: String
    public let root: Node

    public init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else { throw RunError("\(path): cannot read the file") }
        guard let text = String(data: data, encoding: .utf8) else { throw RunError("\(path): not UTF-8") }
        do {
            try YAMLExpansion.check(text, path: path)
            guard let root = try Yams.compose(yaml: text) else { throw RunError("\(path): the file is empty") }
            self.root = root
        } catch let error as RunError {
            throw error
        } catch let error as YamlError {
            throw RunError("\(path): not valid YAML (\(Self.describe(error)))")
        } catch {
            throw RunError("\(path): not valid YAML (\(String(describing: error).split(separator: "\n").first ?? ""))")
        }
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return "line \(mark.line): \(problem)"
        default:
            return String(describing: error).split(separator: "\n").first.map(String.init) ?? "unreadable"
        }
    }

    public func error(_ node: Node?, _ message: String) -> RunError {
        if let line = node?.mark?.line { return RunError("\(path):\(line): \(message)") }
        return RunError("\(path): \(message)")
    }

    /// The entries of a mapping in file order, with string keys; `what` names it in errors.
    public func mapping(_ node: Node, _ what: String) throws -> [(key: String, keyNode: Node, value: Node)] {
        guard case let .mapping(map) = node else { throw error(node, "\(what) must be a mapping") }
        var seen = Set<String>()
        return try map.map { pair in
            guard case let .scalar(key) = pair.key else { throw error(pair.key, "\(what): keys must be names") }
            guard seen.insert(key.string).inserted else { throw error(pair.key, "\(what): '\(key.string)' is given twice") }
            return (key.string, pair.key, pair.value)
        }
    }

    public func scalar(_ node: Node, _ what: String) throws -> String {
        guard case let .scalar(s) = node else { throw error(node, "\(what) must be a single value") }
        return s.string
    }

    /// A sequence's items; a single scalar counts as a sequence of one.
    public func list(_ node: Node, _ what: String) throws -> [Node] {
        switch node {
        case let .sequence(items): return Array(items)
        case .scalar: return [node]
        case .mapping: throw error(node, "\(what) must be a list")
        case .alias: throw error(node, "\(what): aliases are not supported")
        }
    }

    public func integer(_ node: Node, _ what: String, atLeast minimum: Int) throws -> Int {
        let text = try scalar(node, what)
        guard let v = Int(text), v >= minimum else { throw error(node, "\(what) must be an integer of at least \(minimum), got '\(text)'") }
        return v
    }

    /// Seconds, as a number or with a unit: `90`, `90s`, `15m`, `2h`.
    public func duration(_ node: Node, _ what: String) throws -> Double {
        let text = try scalar(node, what).trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("h", 3600), ("m", 60), ("s", 1)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            if let v = Double(text.dropLast(suffix.count)), v > 0, v.isFinite { return v * factor }
        }
        if let v = Double(text), v > 0, v.isFinite { return v }
        throw error(node, "\(what) must be a positive duration such as 900, 15m or 2h, got '\(text)'")
    }

    /// Bytes, as a number or with a binary unit: `6GiB`, `512MiB`, `6G`.
    public func bytes(_ node: Node, _ what: String) throws -> Int {
        let text = try scalar(node, what).trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("GiB", 1_073_741_824), ("MiB", 1_048_576), ("KiB", 1024), ("G", 1_073_741_824), ("M", 1_048_576), ("K", 1024), ("B", 1)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            if let v = Double(text.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), v > 0, v.isFinite { return Int(v * factor) }
        }
        if let v = Int(text), v > 0 { return v }
        throw error(node, "\(what) must be a positive size such as 6GiB or 512MiB, got '\(text)'")
    }
}

extension RunSpec {
    /// Applies the run keys of a YAML mapping's entries (any key of `RunSpecKey.all`; `params` a mapping).
    public mutating func apply(_ entries: [(key: String, keyNode: Node, value: Node)], from source: YAMLSource, context: String) throws {
        for entry in entries {
            try apply(key: entry.key, keyNode: entry.keyNode, value: entry.value, from: source, context: context)
        }
    }

    public mutating func apply(key: String, keyNode: Node, value: Node, from source: YAMLSource, context: String) throws {
        guard let spec = RunSpecKey.byName[key] else {
            throw source.error(keyNode, "\(context): unknown key '\(key)' (run keys: \(RunSpecKey.all.map(\.name).joined(separator: ", ")))")
        }
        do {
            if key == "params" {
                for p in try source.mapping(value, "\(context).params") {
                    params[p.key] = try source.scalar(p.value, "\(context).params.\(p.key)")
                }
            } else {
                try spec.parse(&self, try source.scalar(value, "\(context).\(key)"))
            }
        } catch let e as RunError where !e.description.hasPrefix(source.path) {
            throw source.error(value, "\(context).\(e.description)")
        }
    }

    /// A YAML run config (the keys of `result.json`'s `spec`); unknown keys are errors naming their line.
    public static func load(yaml path: String) throws -> RunSpec {
        let source = try YAMLSource(path: path)
        var spec = RunSpec(task: "", method: "")
        try spec.apply(try source.mapping(source.root, "the run config"), from: source, context: "spec")
        return spec
    }
}
