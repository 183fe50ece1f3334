import Foundation
import Harness
import Interchange
import Methods
import Results
import Tasks
import Yams

/// A suite file: tasks × methods × seeds (× sweep points) under one model, budget and evaluation, with the limits
/// every run is held to. Everything a run needs is run-spec keys (`RunSpecKey.all`), set in layers: the suite's
/// `budget`, `evaluation` and `run` sections, then a task's, a method's, the seed, the sweep point.
public struct SuiteFile {
    /// Run keys set by one layer, in file order (already checked against their types when the file was read).
    public struct Layer: Sendable {
        public var values: [(key: String, value: String)] = []
        public var params: [String: String] = [:]

        public init(values: [(key: String, value: String)] = [], params: [String: String] = [:]) {
            self.values = values
            self.params = params
        }

        func apply(to spec: inout RunSpec) throws {
            for (key, value) in values { try RunSpecKey.byName[key]!.parse(&spec, value) }
            for (k, v) in params { spec.params[k] = v }
        }
    }

    public struct Task: Sendable {
        public var name: String
        public var layer: Layer
        public var line: Int?
    }

    /// A method entry: its label in the suite (the method's name, or `name:` for a variant such as a Pfeiffer adapter).
    public struct Method: Sendable {
        public var label: String
        public var method: String
        public var layer: Layer
        public var line: Int?
    }

    /// How `learning_rate: select` is resolved: proxy runs of a part of the budget at every grid point of the
    /// method, scored by held-out loss on a number of the task's selection examples.
    public struct Selection: Sendable {
        /// The part of the budget (steps or target tokens) a proxy run trains for.
        public var budgetFraction = 0.25
        /// Held-out examples each proxy run is scored on.
        public var examples = 64
        /// Grid points a choice may add beyond the grid's edge, one at a time, while the best rate is the largest (or
        /// smallest) tried: a rate at the edge of what was tried is not a choice.
        public var widen = 2
        public init() {}
    }

    public struct Limits: Sendable {
        /// Seconds a run may take, from its process' start; the suite stops it after that.
        public var wallClock: Double?
        /// Bytes of resident memory a run's process may hold.
        public var memory: Int?
        /// Threads each run uses (and CPUs a Slurm task asks for).
        public var threads: Int?

        public init(wallClock: Double? = nil, memory: Int? = nil, threads: Int? = nil) {
            self.wallClock = wallClock
            self.memory = memory
            self.threads = threads
        }
    }

    public var path: String
    public var name: String
    public var description: String?
    public var sha256: String
    public var base: Layer
    public var tasks: [Task]
    public var methods: [Method]
    public var seeds: [UInt64]
    public var limits: Limits
    public var selection = Selection()
    /// Axes whose product multiplies the runs: run keys, or `params.NAME` for a method hyperparameter.
    public var sweep: [(key: String, values: [String])]

    static let budgetKeys: Set<String> = ["steps", "batch", "seq", "target_tokens", "train_examples", "learning_rate", "schedule",
                                          "warmup_steps", "weight_decay", "wall_clock_limit"]
    static let evaluationKeys: Set<String> = ["eval_limit", "eval_batch", "eval_split", "forgetting_examples", "forgetting_corpus"]
    static let topKeys = ["name", "description", "extends", "model", "tasks", "methods", "seeds", "budget", "evaluation", "run", "limits", "selection", "sweep"]

    /// A suite made on the command line (`compare`: one task, several methods).
    public init(name: String, tasks: [String], methods: [(label: String, method: String, layer: Layer)], base: Layer, seeds: [UInt64],
                limits: Limits = Limits()) {
        path = "(\(name))"
        self.name = name
        sha256 = ""
        self.base = base
        self.tasks = tasks.map { Task(name: $0, layer: Layer(), line: nil) }
        self.methods = methods.map { Method(label: $0.label, method: $0.method, layer: $0.layer, line: nil) }
        self.seeds = seeds
        self.limits = limits
        sweep = []
    }

    /// Reads a suite file. `extends: OTHER` (a suite file beside it, or a path) starts from that suite: its keys are
    /// kept unless this file sets them, and this file's `budget`, `evaluation` and `run` settings are applied after
    /// the other's.
    public init(path: String, depth: Int = 0) throws {
        let source = try YAMLSource(path: path)
        self.path = path
        name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        base = Layer()
        tasks = []
        methods = []
        seeds = [0]
        limits = Limits()
        sweep = []
        var sawTasks = false, sawMethods = false
        sha256 = (try? FileDigest.sha256(path: path)) ?? ""
        let entries = try source.mapping(source.root, "the suite")
        if let parent = entries.first(where: { $0.key == "extends" }) {
            let other = try source.scalar(parent.value, "extends")
            guard depth < 8 else { throw source.error(parent.value, "extends: suites extend each other too deeply (a cycle?)") }
            let folder = (path as NSString).deletingLastPathComponent
            var target = other.hasPrefix("/") ? other : (folder as NSString).appendingPathComponent(other)
            if (target as NSString).pathExtension.isEmpty { target += ".yaml" }
            guard FileManager.default.fileExists(atPath: target) else { throw source.error(parent.value, "extends: no suite file \(target)") }
            let inherited = try SuiteFile(path: target, depth: depth + 1)
            (description, base, tasks, methods, seeds, limits, selection, sweep) =
                (inherited.description, inherited.base, inherited.tasks, inherited.methods, inherited.seeds, inherited.limits,
                 inherited.selection, inherited.sweep)
            (sawTasks, sawMethods) = (true, true)
            // The digest covers what the suite is made of: this file and the ones it extends.
            sha256 = FileDigest.sha256(Data("\(sha256)|\(inherited.sha256)".utf8))
        }
        for entry in entries {
            let (key, node) = (entry.key, entry.value)
            switch key {
            case "extends": continue
            case "name": name = try source.scalar(node, "name")
            case "description": description = try source.scalar(node, "description")
            case "model": base.values.append(("model", try source.scalar(node, "model")))
            case "tasks":
                sawTasks = true
                tasks = try source.list(node, "tasks").map { try Self.task($0, source) }
            case "methods":
                sawMethods = true
                methods = try source.list(node, "methods").map { try Self.method($0, source) }
            case "seeds":
                seeds = try source.list(node, "seeds").map { item in
                    let text = try source.scalar(item, "seeds")
                    guard let seed = UInt64(text) else { throw source.error(item, "seeds: '\(text)' is not a non-negative integer") }
                    return seed
                }
                guard !seeds.isEmpty, Set(seeds).count == seeds.count else { throw source.error(node, "seeds must be distinct and at least one") }
            case "budget": try Self.section(node, source, "budget", allowed: Self.budgetKeys, into: &base)
            case "evaluation": try Self.section(node, source, "evaluation", allowed: Self.evaluationKeys, into: &base)
            case "run": try Self.section(node, source, "run", allowed: nil, into: &base)
            case "limits": limits = try Self.limits(node, source)
            case "selection": selection = try Self.selection(node, source, over: selection)
            case "sweep": sweep = try Self.sweep(node, source)
            default:
                throw source.error(entry.keyNode, "unknown key '\(key)' (suite keys: \(Self.topKeys.joined(separator: ", ")))")
            }
        }
        guard sawTasks, !tasks.isEmpty else { throw source.error(source.root, "tasks: the suite names no task") }
        guard sawMethods, !methods.isEmpty else { throw source.error(source.root, "methods: the suite names no method") }
        for (list, what) in [(tasks.map(\.name), "task"), (methods.map(\.label), "method")] {
            var seen = Set<String>()
            if let twice = list.first(where: { !seen.insert($0).inserted }) {
                throw RunError("\(path): the \(what) '\(twice)' is listed twice (give a variant its own name:)")
            }
        }
    }

    private static func task(_ node: Node, _ source: YAMLSource) throws -> Task {
        if case .scalar = node { return Task(name: try source.scalar(node, "tasks"), layer: Layer(), line: node.mark?.line) }
        var name: String?
        var layer = Layer()
        for e in try source.mapping(node, "tasks[]") {
            if e.key == "name" { name = try source.scalar(e.value, "tasks[].name"); continue }
            guard e.key != "task", e.key != "method" else { throw source.error(e.keyNode, "tasks[]: '\(e.key)' cannot be set here") }
            try add(e, source, "tasks[]", into: &layer)
        }
        guard let name else { throw source.error(node, "tasks[]: an entry with settings needs name:") }
        return Task(name: name, layer: layer, line: node.mark?.line)
    }

    private static func method(_ node: Node, _ source: YAMLSource) throws -> Method {
        if case .scalar = node {
            let name = try source.scalar(node, "methods")
            return Method(label: name, method: name, layer: Layer(), line: node.mark?.line)
        }
        var label: String?, method: String?
        var layer = Layer()
        for e in try source.mapping(node, "methods[]") {
            switch e.key {
            case "name": label = try source.scalar(e.value, "methods[].name")
            case "method": method = try source.scalar(e.value, "methods[].method")
            case "task": throw source.error(e.keyNode, "methods[]: 'task' cannot be set here")
            default: try add(e, source, "methods[]", into: &layer)
            }
        }
        // An adapter entry (`adapter: DIR`, often with `steps: 0`) takes its method from the adapter's config.
        if method == nil, let adapter = layer.values.first(where: { $0.0 == "adapter" })?.1 {
            do { method = try PEFTAdapter.methodName(adapter) } catch { throw source.error(node, "methods[].adapter: \(error)") }
        }
        guard let label = label ?? method else { throw source.error(node, "methods[]: an entry needs name:, method: or adapter:") }
        return Method(label: label, method: method ?? label, layer: layer, line: node.mark?.line)
    }

    private static func section(_ node: Node, _ source: YAMLSource, _ what: String, allowed: Set<String>?, into layer: inout Layer) throws {
        for e in try source.mapping(node, what) {
            if let allowed, !allowed.contains(e.key) {
                let hint = RunSpecKey.byName[e.key] != nil ? " (a run key; it belongs under run:)" : " (\(what) keys: \(allowed.sorted().joined(separator: ", ")))"
                throw source.error(e.keyNode, "\(what): unknown key '\(e.key)'\(hint)")
            }
            guard e.key != "task", e.key != "method" else { throw source.error(e.keyNode, "\(what): '\(e.key)' is given by tasks: and methods:") }
            try add(e, source, what, into: &layer)
        }
    }

    /// Checks the value against its key's type now, so a bad value is reported with its line, not at run time.
    private static func add(_ e: (key: String, keyNode: Node, value: Node), _ source: YAMLSource, _ what: String, into layer: inout Layer) throws {
        var probe = RunSpec(task: "", method: "")
        try probe.apply(key: e.key, keyNode: e.keyNode, value: e.value, from: source, context: what)
        if e.key == "params" {
            layer.params.merge(probe.params) { $1 }
        } else {
            layer.values.append((e.key, try source.scalar(e.value, "\(what).\(e.key)")))
        }
    }

    private static func limits(_ node: Node, _ source: YAMLSource) throws -> Limits {
        var limits = Limits()
        for e in try source.mapping(node, "limits") {
            switch e.key {
            case "wall_clock": limits.wallClock = try source.duration(e.value, "limits.wall_clock")
            case "memory": limits.memory = try source.bytes(e.value, "limits.memory")
            case "threads": limits.threads = try source.integer(e.value, "limits.threads", atLeast: 1)
            default: throw source.error(e.keyNode, "limits: unknown key '\(e.key)' (limits keys: wall_clock, memory, threads)")
            }
        }
        return limits
    }

    /// Keys given override those of the suite this one extends, one by one.
    private static func selection(_ node: Node, _ source: YAMLSource, over inherited: Selection) throws -> Selection {
        var selection = inherited
        for e in try source.mapping(node, "selection") {
            switch e.key {
            case "budget_fraction":
                let text = try source.scalar(e.value, "selection.budget_fraction")
                guard let f = Double(text), f > 0, f <= 1 else { throw source.error(e.value, "selection.budget_fraction must be in (0, 1], got '\(text)'") }
                selection.budgetFraction = f
            case "examples": selection.examples = try source.integer(e.value, "selection.examples", atLeast: 1)
            case "widen":
                selection.widen = try source.integer(e.value, "selection.widen", atLeast: 0)
                guard selection.widen <= 4 else { throw source.error(e.value, "selection.widen must be at most 4 (two decades past the grid), got \(selection.widen)") }
            default: throw source.error(e.keyNode, "selection: unknown key '\(e.key)' (selection keys: budget_fraction, examples, widen)")
            }
        }
        return selection
    }

    private static func sweep(_ node: Node, _ source: YAMLSource) throws -> [(key: String, values: [String])] {
        try source.mapping(node, "sweep").map { e in
            let values = try source.list(e.value, "sweep.\(e.key)").map { try source.scalar($0, "sweep.\(e.key)") }
            guard !values.isEmpty, Set(values).count == values.count else { throw source.error(e.value, "sweep.\(e.key): give distinct values") }
            if e.key.hasPrefix("params.") {
                guard e.key.count > 7 else { throw source.error(e.keyNode, "sweep: 'params.' needs a hyperparameter name") }
            } else {
                guard let key = RunSpecKey.byName[e.key], !["task", "method", "params", "seed"].contains(e.key) else {
                    throw source.error(e.keyNode, "sweep: '\(e.key)' is not a run key to sweep (run keys, or params.NAME)")
                }
                var probe = RunSpec(task: "", method: "")
                for v in values {
                    do { try key.parse(&probe, v) } catch { throw source.error(e.value, "sweep.\(error)") }
                }
            }
            return (e.key, values)
        }
    }
}
