import Foundation
import Harness
import Results
import Metrics

/// Comparing a suite's runs from their per-example statistics.
extension SuiteComparison {
    public static let method = "paired approximate randomisation over (example, seed) pairs, \(PairedRandomization.defaultTrials) shuffles (exact when every assignment can be enumerated); Holm-corrected within a task for each baseline; intervals: 95% percentile bootstrap resampling seeds and examples, \(Bootstrap.defaultSamples) resamples"

    /// One measure of a run: a metric, a calibration error or a forgetting delta, with its direction and scoring.
    public struct Measure: Sendable {
        public var name: String
        public var kind: String
        public var higherIsBetter: Bool
        let table: @Sendable (ExampleStatistics) -> ExampleStatistics.Table?
        let score: CorpusScore
    }

    /// Every measure a run's statistics may hold, for the task's metrics.
    static func measures(metrics: [String], probes: [String]) -> [Measure] {
        var out: [Measure] = []
        for name in metrics {
            guard let d = try? MetricRegistry.definition(name) else { continue }
            out.append(Measure(name: name, kind: "metric", higherIsBetter: d.higherIsBetter, table: { $0.metrics[name] }, score: d.corpusFromSums))
        }
        for name in ["answer-ece", "token-ece"] {
            out.append(Measure(name: name, kind: "calibration", higherIsBetter: false, table: { $0.calibration[name] },
                               score: ExampleStatistics.calibrationError))
        }
        for probe in probes {
            out.append(Measure(name: "forgetting:\(probe)", kind: "forgetting", higherIsBetter: false, table: { $0.forgetting[probe] },
                               score: ExampleStatistics.forgettingDelta))
        }
        return out
    }

    /// The runs of one comparison: per method entry, its completed runs' seeds and statistics.
    public struct Entry {
        public var label: String
        public var methodName: String
        public var runs: [(seed: UInt64, statistics: ExampleStatistics)]
    }

    public static func compare(task: String, sweep: [String: String], entries: [Entry], metrics: [String],
                               trials: Int = PairedRandomization.defaultTrials) -> Task {
        var notes: [String] = []
        let probes = Array(Set(entries.flatMap { $0.runs.flatMap { $0.statistics.forgetting.keys } })).sorted()
        let measures = self.measures(metrics: metrics, probes: probes)
        // Per measure and method: the seed runs, when every run of the method scored the same examples.
        var byMeasure: [String: [String: SeedRuns]] = [:]
        // Per method: the examples its runs scored (the same for every seed), which a paired test needs equal.
        var scoredExamples: [String: [String]] = [:]
        for measure in measures {
            var runs: [String: SeedRuns] = [:]
            for entry in entries where !entry.runs.isEmpty {
                let tables = entry.runs.compactMap { run in measure.table(run.statistics).map { (run.seed, $0, run.statistics.examples) } }
                guard tables.count == entry.runs.count else { continue }
                guard Set(tables.map { $0.1.values.count }).count == 1, Set(tables.map { $0.1.width }).count == 1,
                      measure.kind == "forgetting" || Set(tables.map(\.2)).count == 1 else {
                    notes.append("\(entry.label): \(measure.name): the seeds' runs scored different examples; no interval or test")
                    continue
                }
                runs[entry.label] = SeedRuns(seeds: tables.map(\.0), statistics: tables.map(\.1.segments))
                scoredExamples[entry.label] = tables[0].2
            }
            byMeasure[measure.name] = runs
        }
        var intervals: [String: [Interval]] = [:]
        for measure in measures {
            for (label, runs) in byMeasure[measure.name] ?? [:] {
                let ci = SeedsAndSegments.interval(runs, score: measure.score)
                intervals[label, default: []].append(Interval(measure: measure.name, kind: measure.kind, mean: runs.score(measure.score),
                                                              lower: ci.lower, upper: ci.upper, seeds: runs.seeds.count, examples: runs.segments))
            }
        }
        for label in intervals.keys { intervals[label]!.sort { $0.measure < $1.measure } }

        var tests: [Test] = []
        let full = entries.first { $0.methodName == "full" && !$0.runs.isEmpty }?.label
        for against in ["full", "best"] {
            var family: [Test] = []
            for measure in measures {
                guard let runs = byMeasure[measure.name], !runs.isEmpty else { continue }
                let baseline: String?
                if against == "full" {
                    baseline = full
                } else {
                    // In suite order, so that a tie goes to the same method every time.
                    let scored = entries.compactMap { e in runs[e.label].map { (e.label, $0.score(measure.score)) } }
                    baseline = (measure.higherIsBetter ? scored.max { $0.1 < $1.1 } : scored.min { $0.1 < $1.1 })?.0
                }
                guard let baseline, let base = runs[baseline] else { continue }
                for entry in entries where entry.label != baseline {
                    guard let mine = runs[entry.label], mine.segments == base.segments else { continue }
                    guard measure.kind == "forgetting" || scoredExamples[entry.label] == scoredExamples[baseline] else {
                        notes.append("\(entry.label) vs \(baseline): \(measure.name): different evaluation examples; no test")
                        continue
                    }
                    let seeds = mine.seeds.filter(base.seeds.contains).sorted()
                    guard !seeds.isEmpty else {
                        notes.append("\(entry.label) vs \(baseline): \(measure.name): no seed in common")
                        continue
                    }
                    let (system, reference) = (mine.restricted(to: seeds), base.restricted(to: seeds))
                    let r = PairedRandomization.test(system: system, baseline: reference, trials: trials, score: measure.score)
                    let ci = SeedsAndSegments.differenceInterval(system: system, baseline: reference, score: measure.score)
                    family.append(Test(method: entry.label, baseline: baseline, against: against, measure: measure.name, kind: measure.kind,
                                       higherIsBetter: measure.higherIsBetter, delta: r.delta, deltaLower: ci.lower, deltaUpper: ci.upper,
                                       pValue: r.pValue, adjustedP: r.pValue,
                                       verdict: "", seeds: seeds, examples: mine.segments, exact: r.exact))
                }
            }
            let adjusted = Holm.adjust(family.map(\.pValue))
            for i in family.indices {
                family[i].adjustedP = adjusted[i]
                let improves = family[i].higherIsBetter ? family[i].delta > 0 : family[i].delta < 0
                family[i].verdict = adjusted[i] < alpha && family[i].delta != 0 ? (improves ? "better" : "worse") : "no significant difference"
            }
            tests += family
        }
        return Task(task: task, sweep: sweep, intervals: intervals, tests: tests, notes: notes)
    }
}
