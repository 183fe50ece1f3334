import Foundation

/// The task definitions of a `tasks/` folder, in name order.
public struct TaskCatalog: Sendable {
    public var folder: String
    public var definitions: [TaskDefinition]

    /// The folder holding `tasks/`: paths in definitions are relative to it.
    public var root: String { (folder as NSString).deletingLastPathComponent }

    public init(folder: String) throws {
        self.folder = folder
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            throw TaskDataError(folder, "cannot list the task folder")
        }
        definitions = try names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map {
            try TaskDefinition.load((folder as NSString).appendingPathComponent($0))
        }
        var seen = Set<String>()
        for d in definitions where !seen.insert(d.name).inserted { throw TaskDataError(folder, "two definitions name the task '\(d.name)'") }
    }

    public func definition(_ name: String) throws -> TaskDefinition {
        guard let d = definitions.first(where: { $0.name == name }) else {
            throw TaskDataError(folder, "no task named '\(name)' (known: \(definitions.map(\.name).joined(separator: ", ")))")
        }
        return d
    }
}
