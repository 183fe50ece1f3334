import Foundation
import Metrics
import Yams

/// A task as `tasks/<name>.yaml` declares it, in the manner of lm-evaluation-harness task configs: where its data
/// is (per split, the official file first, then the shipped one), how an example becomes a prompt and a target,
/// how it is scored and how generation runs.
public struct TaskDefinition: Sendable, Codable, Equatable {
    public var name: String
    public var format: TaskFormat
    public var description: String?
    public var data: [String: SplitSources]
    public var prompt: PromptTemplate
    /// Rendered once per reference (with `{{reference}}` bound to it) for training.
    public var target: PromptTemplate
    public var trainOn: TrainOn
    public var metrics: [String]
    public var generation: Generation
    public var evalLimit: Int?
    public var chatTemplate: Bool
    public var options: TaskFormat.Options
    /// Where learning rates are chosen (`selection:`); nil reads the validation split.
    public var selection: SelectionData?

    /// Where learning rates are chosen: as declared, else the validation split.
    public var selectionData: SelectionData { selection ?? SelectionData(split: "validation") }

    public enum TrainOn: String, Sendable, Codable {
        /// One training example per reference (E2E, WebNLG: every verbalisation is a target).
        case everyReference = "every_reference"
        /// The first reference only (GSM8K's solution, CoQA's main answer).
        case firstReference = "first_reference"
    }

    /// Where a split's data may be: the official file (after `tasks download`) is preferred to the shipped one.
    public struct SplitSources: Sendable, Codable, Equatable {
        public var official: String?
        public var shipped: String?
    }

    public struct Generation: Sendable, Codable, Equatable {
        public var maxNewTokens: Int
        public var stop: [String]
        enum CodingKeys: String, CodingKey { case maxNewTokens = "max_new_tokens", stop }
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            maxNewTokens = try c.decode(Int.self, forKey: .maxNewTokens)
            stop = try c.decodeIfPresent([String].self, forKey: .stop) ?? []
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, format, description, data, prompt, target, metrics, generation, options, selection
        case trainOn = "train_on", evalLimit = "eval_limit", chatTemplate = "chat_template"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        format = try c.decode(TaskFormat.self, forKey: .format)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        data = try c.decode([String: SplitSources].self, forKey: .data)
        prompt = try c.decode(PromptTemplate.self, forKey: .prompt)
        target = try c.decode(PromptTemplate.self, forKey: .target)
        trainOn = try c.decodeIfPresent(TrainOn.self, forKey: .trainOn) ?? .firstReference
        metrics = try c.decode([String].self, forKey: .metrics)
        generation = try c.decode(Generation.self, forKey: .generation)
        evalLimit = try c.decodeIfPresent(Int.self, forKey: .evalLimit)
        chatTemplate = try c.decodeIfPresent(Bool.self, forKey: .chatTemplate) ?? false
        options = try c.decodeIfPresent(TaskFormat.Options.self, forKey: .options) ?? TaskFormat.Options()
        selection = try c.decodeIfPresent(SelectionData.self, forKey: .selection)
    }

    public static let splits = ["train", "validation", "test"]

    /// Reads and checks a definition file; every problem is one line naming the file and the key.
    public static func load(_ path: String) throws -> TaskDefinition {
        let text = try TextFile.read(path)
        let definition: TaskDefinition
        try YAMLExpansion.check(text, path: path)
        do { definition = try YAMLDecoder().decode(TaskDefinition.self, from: text) } catch let error as DecodingError {
            throw TaskDataError(path, DecodingErrorText.describe(error, format: "YAML"))
        } catch {
            throw TaskDataError(path, "not valid YAML (\(String(describing: error).split(separator: "\n").first ?? ""))")
        }
        for split in definition.data.keys where !splits.contains(split) {
            throw TaskDataError(path, "data.\(split)", "unknown split (expected \(splits.joined(separator: ", ")))")
        }
        for (split, sources) in definition.data where sources.official == nil && sources.shipped == nil {
            throw TaskDataError(path, "data.\(split)", "names neither an official nor a shipped file")
        }
        do {
            _ = try definition.prompt.fields()
            _ = try definition.target.fields()
        } catch { throw TaskDataError(path, "\(error)") }
        for (k, metric) in definition.metrics.enumerated() {
            do { _ = try MetricRegistry.definition(metric) } catch {
                throw TaskDataError(path, line: metricLine(text, index: k) ?? 1, "metrics[\(k)]: \(error)")
            }
        }
        if definition.generation.maxNewTokens < 1 { throw TaskDataError(path, "generation.max_new_tokens", "must be at least 1") }
        if let limit = definition.evalLimit, limit < 1 { throw TaskDataError(path, "eval_limit", "must be at least 1") }
        if let problem = definition.selectionData.problem(splits: Set(definition.data.keys)) { throw TaskDataError(path, "selection", problem) }
        return definition
    }

    /// The line of the k-th entry of `metrics` (1-based), from the YAML's own node marks.
    static func metricLine(_ text: String, index k: Int) -> Int? {
        guard let root = try? Yams.compose(yaml: text), let list = root["metrics"]?.sequence, k < list.count else { return nil }
        return list[k].mark.map { $0.line }
    }

    /// Which data the task reads: the official files when every split's official file is present (after
    /// `tasks download`, or placed by hand), otherwise the shipped files — never a mix of the two within a task.
    public func origin(root: String) -> ResolvedData.Origin {
        let official = data.values.map(\.official)
        let allPresent = official.allSatisfy { $0.map { FileManager.default.fileExists(atPath: absolute($0, root: root)) } ?? false }
        return allPresent ? .official : .shipped
    }

    /// Official files that are present while others are missing: the task falls back to shipped data, and says why.
    public func missingOfficialFiles(root: String) -> [String] {
        let paths = data.values.compactMap(\.official).map { absolute($0, root: root) }
        let present = paths.filter { FileManager.default.fileExists(atPath: $0) }
        return present.isEmpty ? [] : paths.filter { !FileManager.default.fileExists(atPath: $0) }.sorted()
    }

    func absolute(_ p: String, root: String) -> String { p.hasPrefix("/") ? p : (root as NSString).appendingPathComponent(p) }

    /// The file (or folder) a split reads, relative paths resolved against `root` (the folder holding `tasks/`).
    public func resolve(split: String, root: String) throws -> ResolvedData {
        guard let sources = data[split] else { throw TaskDataError("tasks/\(name).yaml", "data", "no '\(split)' split") }
        let origin = origin(root: root)
        guard let path = (origin == .official ? sources.official : sources.shipped).map({ absolute($0, root: root) }) else {
            throw TaskDataError("tasks/\(name).yaml", "data.\(split)", "no \(origin.rawValue) file named")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw TaskDataError("tasks/\(name).yaml", "data.\(split)", "\(origin.rawValue) data not found at \(path)")
        }
        return ResolvedData(path: path, origin: origin)
    }

    public struct ResolvedData: Sendable, Equatable {
        public enum Origin: String, Sendable, Codable { case official, shipped }
        public var path: String
        public var origin: Origin
        public init(path: String, origin: Origin) {
            self.path = path
            self.origin = origin
        }
    }

    /// The training pairs of one example under `train_on`: prompt and target text.
    public func trainingPairs(_ example: TaskExample) throws -> [(prompt: String, target: String)] {
        let prompt = try self.prompt.render(example.fields)
        let references = trainOn == .everyReference ? example.references : Array(example.references.prefix(1))
        return try references.map { reference in
            var fields = example.fields
            fields["reference"] = reference
            return (prompt, try target.render(fields))
        }
    }
}
