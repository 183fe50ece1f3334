import ArgumentParser
import Foundation
import Results
import Tasks

struct TasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks", abstract: "Task definitions and task data: list, inspect, show, synthesize, download.",
        subcommands: [TasksListCommand.self, TasksInspectCommand.self, TasksShowCommand.self, TasksSynthCommand.self,
                      TasksDownloadCommand.self])
}

extension HomeOptions {
    /// The task definitions; relative data paths in them resolve against the folder's parent.
    func catalog() throws -> TaskCatalog { try TaskCatalog(folder: try tasksFolder()) }
}

extension TaskFormat: ExpressibleByArgument {}

struct TasksListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The defined tasks and which data each split would read.")
    @OptionGroup var folder: HomeOptions
    @Flag(help: "Print JSON.") var json = false

    struct Row: Encodable {
        var name: String, format: String, description: String?, splits: [String: Split]
        var missingOfficial: [String]
    }
    struct Split: Encodable { var path: String?; var origin: String?; var missing: String? }

    func run() throws {
        let catalog = try folder.catalog()
        var rows: [Row] = []
        for d in catalog.definitions {
            var splits: [String: Split] = [:]
            for split in TaskDefinition.splits where d.data[split] != nil {
                do {
                    let r = try d.resolve(split: split, root: catalog.root)
                    splits[split] = Split(path: r.path, origin: r.origin.rawValue, missing: nil)
                } catch { splits[split] = Split(path: nil, origin: nil, missing: "\(error)") }
            }
            rows.append(Row(name: d.name, format: d.format.rawValue, description: d.description, splits: splits,
                            missingOfficial: d.missingOfficialFiles(root: catalog.root)))
        }
        if json { return print(try JSONOutput.string(rows)) }
        for row in rows {
            print("\(row.name)  (\(row.format))\(row.description.map { "  \($0)" } ?? "")")
            for split in TaskDefinition.splits {
                guard let s = row.splits[split] else { continue }
                let place = s.path.map { "\(s.origin!)  \($0)" } ?? "missing: \(s.missing!)"
                print("  \(split.padding(toLength: 11, withPad: " ", startingAt: 0)) \(place)")
            }
            if !row.missingOfficial.isEmpty {
                print("  official data incomplete, so the shipped data is used; missing: \(row.missingOfficial.joined(separator: ", "))")
            }
        }
    }
}

struct TasksInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Load any official or shipped task file (or WebNLG folder) and count what is in it.")
    @Option(help: "e2e, webnlg, gsm8k or coqa.") var format: TaskFormat
    @Argument(help: "The file (a folder of XML files for webnlg).") var path: String
    @Option(help: "webnlg: the lex language to read.") var lang = "en"
    @Flag(help: "gsm8k: remove calculator annotations.") var stripCalculator = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let split = try format.load(path, options: .init(stripCalculator: stripCalculator, language: lang))
        var counts: [String: InspectValue] = split.counts.mapValues { .int($0) }
        counts["sha256"] = .string(try FileDigest.sha256(path: path))
        if json { return print(try JSONOutput.string(counts)) }
        for key in counts.keys.sorted() { print("\(key): \(counts[key]!)") }
    }
}

/// A JSON value of either kind that `inspect` prints.
enum InspectValue: Encodable, CustomStringConvertible {
    case int(Int), string(String)
    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .int(let i): try c.encode(i)
        case .string(let s): try c.encode(s)
        }
    }
    var description: String {
        switch self {
        case .int(let i): return String(i)
        case .string(let s): return s
        }
    }
}

struct TasksShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print a task's examples as the model sees them: prompt, target and references.")
    @OptionGroup var folder: HomeOptions
    @Argument(help: "The task name.") var task: String
    @Option(help: "train, validation or test.") var split = "validation"
    @Option(help: "How many examples.") var limit = 3

    func validate() throws {
        guard TaskDefinition.splits.contains(split) else { throw ValidationError("--split must be train, validation or test, got '\(split)'") }
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1, got \(limit)") }
    }

    func run() throws {
        let catalog = try folder.catalog()
        let definition = try catalog.definition(task)
        let data = try definition.resolve(split: split, root: catalog.root)
        let loaded = try definition.format.load(data.path, options: definition.options)
        print("# \(definition.name) \(split): \(data.origin.rawValue) data, \(data.path), \(loaded.examples.count) examples")
        for example in loaded.examples.prefix(limit) {
            print("\n## \(example.id)\(example.group.map { " [\($0)]" } ?? "")")
            print("--- prompt\n\(try definition.prompt.render(example.fields))")
            for (_, target) in try definition.trainingPairs(example).prefix(1) { print("--- target\n\(target)") }
            print("--- references (\(example.references.count))")
            for r in example.references { print("  \(r)") }
        }
    }
}

struct TasksSynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth", abstract: "Regenerate the shipped task data (seeded; the committed files are its output).")
    @Option(help: "e2e, webnlg, gsm8k or coqa (default: all four).") var format: TaskFormat?
    @Option(help: "Folder to write <format>/{train,validation,test}.* into.") var out = "tasks/data"
    @Option(help: "The seed the shipped data was made with.") var seed: UInt64 = TasksSynthCommand.shippedSeed
    @Option(help: "Examples in train (E2E: MRs, WebNLG: entries, CoQA: stories); default per format.") var train: Int?
    @Option(help: "Examples in validation.") var validation: Int?
    @Option(help: "Examples in test.") var test: Int?

    static let shippedSeed: UInt64 = 20_241_122

    func validate() throws {
        for (name, value) in [("train", train), ("validation", validation), ("test", test)] {
            if let value, value < 1 { throw ValidationError("--\(name) must be at least 1, got \(value)") }
        }
    }

    func run() throws {
        for format in format.map({ [$0] }) ?? TaskFormat.allCases {
            let defaults = TaskSynthesizer.defaultSizes(format)
            let sizes = TaskSynthesizer.Sizes(train: train ?? defaults.train, validation: validation ?? defaults.validation,
                                              test: test ?? defaults.test)
            let folder = (out as NSString).appendingPathComponent(format.rawValue)
            let asked = [sizes.train, sizes.validation, sizes.test]
            for (path, wanted) in zip(try TaskSynthesizer.write(format, to: folder, sizes: sizes, seed: seed), asked) {
                // Read back with the loader users' files go through: the shipped data is held to the official format.
                let counts = try format.load(path).counts
                print("\(path): " + counts.keys.sorted().map { "\($0) \(counts[$0]!)" }.joined(separator: ", "))
                let made = counts[format == .coqa ? "stories" : "examples"] ?? 0
                if made < wanted { print("  only \(made) distinct items of \(wanted) asked for exist for this generator and seed") }
            }
        }
    }
}

struct TasksDownloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download", abstract: "Fetch a task's official files, verify their sha256 and place them where the task definitions look first.")
    @Argument(help: "e2e, gsm8k or coqa.") var task: String
    @Option(help: "Data folder; files go to <dir>/<task>/.") var dir = "data"
    @Option(help: "Fetch from this base URL instead of the files' homes (a local mirror), same file names.") var mirror: String?
    @Flag(help: "Also fetch files without a pinned checksum (their sha256 is printed).") var allowUnpinned = false

    func run() throws {
        if task == "webnlg" {
            throw ValidationError("webnlg: no release file has a pinned sha256 in this version; place a release's XML folders under \(dir)/webnlg/{train,dev,test}/ by hand")
        }
        let files = OfficialFiles.files(task: task)
        guard !files.isEmpty else { throw ValidationError("unknown task '\(task)' (downloadable: e2e, gsm8k, coqa)") }
        if let mirror, URL(string: mirror)?.scheme == nil { throw ValidationError("--mirror '\(mirror)' is not a URL") }
        for file in files {
            if file.sha256 == nil && !allowUnpinned {
                print("skipped \(file.name): no pinned sha256 (pass --allow-unpinned to fetch it anyway)")
                continue
            }
            let source = mirror.map { URL(string: $0.hasSuffix("/") ? $0 : $0 + "/")!.appendingPathComponent(file.name) } ?? URL(string: file.url)!
            let destination = ((dir as NSString).appendingPathComponent(task) as NSString).appendingPathComponent(file.name)
            let digest = try Downloader.fetch(source, to: destination, sha256: file.sha256)
            print("\(destination)  sha256 \(digest)\(file.sha256 == nil ? " (not pinned)" : " (verified)")")
        }
    }
}
