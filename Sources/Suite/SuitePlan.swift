import Checkpoints
import Foundation
import Harness
import Methods
import Results
import Tasks

/// One run of a suite: its spec, the method entry it came from, and its sweep point.
public struct SuiteRun: Sendable {
    public var spec: RunSpec
    public var label: String
    public var sweepPoint: [String: String]
    public var runID: String
    /// For a run whose learning rate is selected: the run ids of its proxy runs, in grid order, and of those past
    /// each edge of the grid (nearest first), run only when the choice reaches that edge.
    public var proxies: [String] = []
    public var widening: (below: [String], above: [String]) = ([], [])

    /// A learning-rate proxy run rather than a result of the comparison.
    public var isSelectionRun: Bool { spec.isSelectionRun }

    /// How progress lines name it: `e2e × lora seed 0`, a proxy run with its rate.
    public var title: String {
        let proxy = isSelectionRun ? " learning-rate proxy \(spec.learningRate.map { "\($0)" } ?? "")" : ""
        return "\(spec.task) × \(label)\(proxy) seed \(spec.seed)"
    }
}

/// A suite expanded into its runs: the learning-rate proxy runs first, then the runs of the comparison in suite order
/// (task, method, seed, sweep point).
public struct SuitePlan {
    public let file: SuiteFile
    public let runs: [SuiteRun]
    /// The proxy runs past the grids' edges: not part of the plan until a choice reaches an edge.
    public let widening: [SuiteRun]
    private let byID: [String: SuiteRun]

    public init(file: SuiteFile) throws {
        self.file = file
        var runs: [SuiteRun] = [], proxies: [SuiteRun] = [], widening: [SuiteRun] = []
        var seen: [String: String] = [:]
        var proxyIDs = Set<String>()
        let points = Self.sweepPoints(file.sweep)
        for task in file.tasks {
            for method in file.methods {
                for seed in file.seeds {
                    for point in points {
                        var spec = RunSpec(task: task.name, method: method.method)
                        do {
                            try file.base.apply(to: &spec)
                            try task.layer.apply(to: &spec)
                            try method.layer.apply(to: &spec)
                            spec.seed = seed
                            for (key, value) in point {
                                if key.hasPrefix("params.") { spec.params[String(key.dropFirst(7))] = value } else { try RunSpecKey.byName[key]!.parse(&spec, value) }
                            }
                            try spec.validate()
                        } catch {
                            throw RunError("\(file.path): \(task.name) × \(method.label) × seed \(seed): \(error)")
                        }
                        let where_ = "\(task.name) × \(method.label) × seed \(seed)\(point.isEmpty ? "" : " × \(Self.describe(point))")"
                        if let other = seen[spec.runID] {
                            throw RunError("\(file.path): \(where_) is the same run as \(other)")
                        }
                        seen[spec.runID] = where_
                        var run = SuiteRun(spec: spec, label: method.label, sweepPoint: Dictionary(uniqueKeysWithValues: point), runID: spec.runID)
                        if spec.learningRate == .select {
                            let specs: [RunSpec], past: (below: [RunSpec], above: [RunSpec])
                            do {
                                specs = try LearningRateSelection.proxies(of: spec, settings: file.selection, seed: file.seeds[0])
                                past = try LearningRateSelection.widening(of: spec, settings: file.selection, seed: file.seeds[0])
                            } catch {
                                throw RunError("\(file.path): \(where_): \(error)")
                            }
                            func add(_ specs: [RunSpec], to list: inout [SuiteRun]) {
                                for proxy in specs where proxyIDs.insert(proxy.runID).inserted {
                                    list.append(SuiteRun(spec: proxy, label: method.label, sweepPoint: run.sweepPoint, runID: proxy.runID))
                                }
                            }
                            add(specs, to: &proxies)
                            add(past.below + past.above, to: &widening)
                            run.proxies = specs.map(\.runID)
                            run.widening = (past.below.map(\.runID), past.above.map(\.runID))
                        }
                        runs.append(run)
                    }
                }
            }
        }
        self.runs = proxies + runs
        self.widening = widening
        byID = Dictionary(uniqueKeysWithValues: (self.runs + widening).map { ($0.runID, $0) })
    }

    /// The runs of the comparison, without the learning-rate proxy runs.
    public var comparisonRuns: [SuiteRun] { runs.filter { !$0.isSelectionRun } }

    public func run(_ id: String) -> SuiteRun? { byID[id] }

    private static func sweepPoints(_ axes: [(key: String, values: [String])]) -> [[(String, String)]] {
        axes.reduce([[]]) { points, axis in points.flatMap { p in axis.values.map { p + [(axis.key, $0)] } } }
    }

    static func describe(_ point: [(String, String)]) -> String { point.map { "\($0.0)=\($0.1)" }.joined(separator: ", ") }

    /// Shard `index` of `count` (0-based): the runs whose position in run-id order is `index` modulo `count`. The
    /// shards are disjoint, their union is the suite, and the split depends on the run ids alone.
    public func shard(_ index: Int, of count: Int) -> [SuiteRun] {
        let mine = Set(runs.map(\.runID).sorted().enumerated().filter { $0.offset % count == index }.map(\.element))
        return runs.filter { mine.contains($0.runID) }
    }

    /// Everything that would fail every run alike, checked before the first run: the tasks and their data, the
    /// methods and their options, the models, the metrics' resources.
    public func preflight(tasksFolder: String) throws {
        let catalog: TaskCatalog
        do { catalog = try TaskCatalog(folder: tasksFolder) } catch { throw SetupError("\(error)") }
        var metrics = Set<String>()
        for task in file.tasks {
            let definition: TaskDefinition
            do { definition = try catalog.definition(task.name) } catch { throw SetupError("\(file.path):\(task.line.map(String.init) ?? "?"): \(error)") }
            metrics.formUnion(definition.metrics)
            let splits = Set(runs.filter { $0.spec.task == task.name }.map { run in
                run.isSelectionRun ? definition.selectionData.split ?? "train" : run.spec.evalSplit
            }).union(["train"])
            for split in splits.sorted() {
                do {
                    let data = try definition.resolve(split: split, root: catalog.root)
                    _ = try definition.format.load(data.path, options: definition.options)
                } catch { throw SetupError("\(task.name) (\(split)): \(error)") }
            }
        }
        // Options are checked by installing each method, as configured, on the built-in tiny model: the same checks
        // a run makes, in milliseconds.
        for method in file.methods {
            var checked = Set<String>()
            for run in runs where run.label == method.label && checked.insert("\(run.spec.params.sorted { $0.key < $1.key })").inserted {
                do {
                    let tiny = try ModelStore.load("tiny")
                    let tokenizer = tiny.tokenizer
                    let overrides = try MethodRegistry.withRunLength(run.spec.params, method: method.method, steps: run.spec.steps)
                    _ = try MethodRegistry.apply(method.method, to: tiny.model, overrides: overrides,
                                                 context: MethodContext(seed: 0, tokenize: { tokenizer?.encode($0) ?? [] }))
                } catch {
                    throw SetupError("\(file.path):\(method.line.map(String.init) ?? "?"): methods: \(method.label): \(error)")
                }
            }
        }
        for model in Set(runs.map(\.spec.model)).sorted() {
            do { _ = try ModelStore.resolvePath(model) } catch { throw SetupError("\(error)") }
        }
        do { _ = try TaskScoring.resources(for: metrics.sorted()) } catch { throw SetupError("\(error)") }
    }
}
