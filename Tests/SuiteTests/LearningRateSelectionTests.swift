import Engine
import Harness
import Methods
import Metrics
import Results
@testable import Suite
import Tasks
import TestSupport
import XCTest

/// Learning-rate selection: every method declares a grid holding its default; the chosen rate is the grid point with
/// the lowest held-out loss; proxy runs never score the reported split and keep the data order.
final class LearningRateSelectionTests: XCTestCase {
    func testEveryMethodDeclaresAGridAroundItsDefault() {
        for m in MethodRegistry.all {
            let rates = m.learningRates
            XCTAssertEqual(rates.grid.count, 5, m.name)
            XCTAssertTrue(rates.grid.contains(rates.defaultValue), m.name)
            XCTAssertEqual(rates.grid, rates.grid.sorted(), m.name)
            XCTAssertEqual(rates.grid.first! * 100, rates.defaultValue * 10, accuracy: rates.defaultValue * 0.01, m.name)
            XCTAssertFalse(rates.source.isEmpty, m.name)
        }
    }

    func testTheLowestHeldOutLossWins() {
        func c(_ rate: Float, _ status: String, _ loss: Double?) -> LearningRateChoice.Candidate {
            .init(learningRate: rate, runID: "r\(rate)", status: status, heldOutLoss: loss)
        }
        let candidates = [c(1e-5, "completed", 2.0), c(3e-5, "completed", 1.7), c(1e-4, "completed", 1.9), c(3e-4, "diverged", nil),
                          c(1e-3, "failed", nil)]
        for order in [candidates, candidates.reversed(), candidates.shuffled()] {
            let choice = LearningRateChoice.select(order, defaultRate: 1e-4, selectionData: "d", proxySteps: 3)
            XCTAssertEqual(choice?.value, 3e-5)
            XCTAssertEqual(choice?.by, .selection)
            XCTAssertEqual(choice?.candidates?.map(\.learningRate), [1e-5, 3e-5, 1e-4, 3e-4, 1e-3])
            XCTAssertEqual(choice?.atGridEdge, false)
        }
        let edge = LearningRateChoice.select([c(1e-5, "completed", 1.2), c(1e-4, "completed", 1.5)], defaultRate: 1e-4, selectionData: "d", proxySteps: 3)
        XCTAssertEqual(edge?.atGridEdge, true)
        // A tie goes to the rate nearer the default.
        let tie = LearningRateChoice.select([c(1e-5, "completed", 1), c(1e-4, "completed", 1), c(1e-3, "completed", 1.5)],
                                            defaultRate: 1e-4, selectionData: "d", proxySteps: 3)
        XCTAssertEqual(tie?.value, 1e-4)
        XCTAssertNil(LearningRateChoice.select([c(1e-4, "diverged", nil), c(1e-3, "failed", nil)], defaultRate: 1e-4, selectionData: "d", proxySteps: 3))
    }

    func testProxyRunsScoreTheSelectionDataWithAPartOfTheBudget() throws {
        var spec = RunSpec(task: "e2e", method: "lora")
        spec.steps = 40
        spec.seed = 2
        spec.learningRate = .select
        spec.warmupSteps = 4
        var settings = SuiteFile.Selection()
        settings.budgetFraction = 0.25
        settings.examples = 32
        let proxies = try LearningRateSelection.proxies(of: spec, settings: settings, seed: 0)
        XCTAssertEqual(proxies.compactMap { if case .value(let v)? = $0.learningRate { return v } else { return nil } }, LoRA.learningRates.grid)
        for p in proxies {
            XCTAssertEqual(p.evalSplit, "selection")
            XCTAssertNotEqual(p.evalSplit, spec.evalSplit)
            XCTAssertEqual(p.steps, 10)
            XCTAssertEqual(p.warmupSteps, 1)
            XCTAssertEqual(p.evalLimit, 32)
            XCTAssertEqual(p.seed, 0)
            XCTAssertEqual(p.forgettingExamples, 0)
            XCTAssertEqual(p.batch, spec.batch)
            XCTAssertEqual(p.task, spec.task)
            XCTAssertNoThrow(try p.validate())
        }
        XCTAssertEqual(Set(proxies.map(\.runID)).count, 5)
    }

    /// A plan of one selecting run (two seeds) whose grid may widen `widen` points past each edge.
    func selectingPlan(widen: Int) throws -> (SuitePlan, SuiteRun) {
        var file = SuiteFile(name: "t", tasks: ["e2e"], methods: [("lora", "lora", .init())],
                             base: .init(values: [("steps", "8"), ("learning_rate", "select")]), seeds: [0, 1])
        file.selection.widen = widen
        let plan = try SuitePlan(file: file)
        return (plan, try XCTUnwrap(plan.comparisonRuns.first))
    }

    /// Records for the proxies: held-out loss as a function of the rate (nil: the proxy diverged).
    func record(_ run: SuiteRun, _ loss: (Float) -> Double?) -> RunResult {
        let rate = run.spec.learningRate!.fixed!
        var r = RunResult.unstarted(run.spec, status: loss(rate) == nil ? .diverged : .completed)
        r.heldOutLoss = loss(rate).map { HeldOutLoss(mean: $0, tokens: 10, examples: 2, data: "d") }
        return r
    }

    /// Resolves as the runner does: run what is needed (here: record it), until a choice is made.
    func resolveFully(_ plan: SuitePlan, _ run: SuiteRun, _ loss: (Float) -> Double?) -> (LearningRateChoice?, ran: [Float]) {
        var records: [String: RunResult] = [:], ran: [Float] = []
        for _ in 0..<20 {
            switch LearningRateSelection.resolve(run, plan: plan, records: records) {
            case .chosen(let c): return (c, ran)
            case .failed: return (nil, ran)
            case .needs(let proxies):
                for p in proxies { records[p.runID] = record(p, loss); ran.append(p.spec.learningRate!.fixed!) }
            }
        }
        XCTFail("selection did not settle")
        return (nil, ran)
    }

    func testTheGridWidensWhileTheBestRateIsAtItsEdge() throws {
        let (plan, run) = try selectingPlan(widen: 2)
        let grid = LoRA.learningRates.grid  // 2e-5 … 2e-3
        XCTAssertEqual(plan.runs.filter(\.isSelectionRun).count, 5, "the grid is the plan; the points past it are not")
        XCTAssertEqual(plan.widening.map { $0.spec.learningRate!.fixed! }.sorted(), [2e-6, 6.32e-6, 6.32e-3, 2e-2])
        XCTAssertEqual(Set(plan.comparisonRuns.map { $0.widening.above }).count, 1, "every seed shares the widening")

        // Lower is better all the way up: both points above the grid are tried, and the choice is still at the edge.
        var (choice, ran) = resolveFully(plan, run) { Double(-log($0)) }
        XCTAssertEqual(ran, grid + [6.32e-3, 2e-2])
        XCTAssertEqual(choice?.value, 2e-2)
        XCTAssertEqual(choice?.atGridEdge, true)
        XCTAssertEqual(choice?.candidates?.count, 7)

        // The best just past the top: one point further shows it is a minimum.
        (choice, ran) = resolveFully(plan, run) { Double(abs(log($0 / 6.32e-3))) }
        XCTAssertEqual(ran, grid + [6.32e-3, 2e-2])
        XCTAssertEqual(choice?.value, 6.32e-3)
        XCTAssertEqual(choice?.atGridEdge, false)

        // Best inside the grid: nothing more is run.
        (choice, ran) = resolveFully(plan, run) { Double(abs(log($0 / 2e-4))) }
        XCTAssertEqual(ran, grid)
        XCTAssertEqual(choice?.value, 2e-4)

        // Best at the bottom: widened downwards.
        (choice, ran) = resolveFully(plan, run) { Double(log($0)) }
        XCTAssertEqual(ran, grid + [6.32e-6, 2e-6])
        XCTAssertEqual(choice?.value, 2e-6)

        // The next rate up diverges: the grid's top is bounded, and chosen.
        (choice, ran) = resolveFully(plan, run) { $0 > 3e-3 ? nil : Double(-log($0)) }
        XCTAssertEqual(ran, grid + [6.32e-3])
        XCTAssertEqual(choice?.value, 2e-3)
        XCTAssertEqual(choice?.atGridEdge, false)

        // No widening: the grid alone, and the edge said.
        let (fixedPlan, fixedRun) = try selectingPlan(widen: 0)
        XCTAssertTrue(fixedPlan.widening.isEmpty)
        (choice, ran) = resolveFully(fixedPlan, fixedRun) { Double(-log($0)) }
        XCTAssertEqual(ran, grid)
        XCTAssertEqual(choice?.value, 2e-3)
        XCTAssertEqual(choice?.atGridEdge, true)

        // Every proxy diverged: no choice, and nothing past the grid is tried.
        (choice, ran) = resolveFully(plan, run) { _ in nil }
        XCTAssertNil(choice)
        XCTAssertEqual(ran, grid)
    }

    /// The shipped tasks: selection never reads the split that is reported, nor (on either the shipped or the
    /// official data) a file that is the reported split's file; a hold-out is disjoint from what runs train on.
    func testSelectionNeverReadsTheReportedSplit() throws {
        let catalog = try TaskCatalog(folder: repositoryRoot.appendingPathComponent("tasks").path)
        for definition in catalog.definitions {
            let selection = definition.selectionData
            XCTAssertNotEqual(selection.split, "test", definition.name)
            if let split = selection.split {
                let mine = definition.data[split]!, test = definition.data["test"]!
                XCTAssertNotEqual(mine.official, test.official, "\(definition.name): its \(split) split is the test set on official data")
                XCTAssertNotEqual(mine.shipped, test.shipped, definition.name)
            } else {
                let train = try definition.format.load(try definition.resolve(split: "train", root: catalog.root).path, options: definition.options)
                let (kept, held) = selection.partition(training: train.examples)
                XCTAssertFalse(held.isEmpty, definition.name)
                XCTAssertEqual(kept.count + held.count, train.examples.count)
                XCTAssertTrue(Set(kept.map(\.document)).isDisjoint(with: held.map(\.document)), "\(definition.name): a document on both sides")
                XCTAssertEqual(Set(held.map(\.document)).count, selection.holdout, definition.name)
                // The slice depends on the documents, not on their order in the file.
                XCTAssertEqual(Set(selection.partition(training: train.examples.reversed()).heldOut.map(\.id)), Set(held.map(\.id)))
            }
        }
        XCTAssertEqual(try catalog.definition("gsm8k").selectionData.holdout, 200)
        XCTAssertEqual(try catalog.definition("coqa").selectionData.holdout, 30)
    }

    func testFixedTrainingSubsetsNest() {
        let examples = (0..<300).map { TaskExample(id: "e\($0)", fields: [:], references: ["x"]) }
        let small = TrainingSet.fixedSubset(examples, count: 20), large = TrainingSet.fixedSubset(examples, count: 120)
        XCTAssertEqual(small.count, 20)
        XCTAssertEqual(large.count, 120)
        XCTAssertTrue(Set(small.map(\.id)).isSubset(of: large.map(\.id)))
        XCTAssertEqual(TrainingSet.fixedSubset(examples.reversed(), count: 20).map(\.id).sorted(), small.map(\.id).sorted())
        XCTAssertNotEqual(small.map(\.id), Array(examples.prefix(20)).map(\.id), "a fixed shuffle, not the file's first lines")
        XCTAssertEqual(TrainingSet.fixedSubset(examples, count: 500).count, 300)
    }

    /// Calibration error from summed per-example rows equals `Calibration`'s on the pooled pairs, on generated inputs.
    func testCalibrationRowsSumToTheDirectError() {
        var rng = RandomGenerator(seed: 11)
        for trial in 0..<2000 {
            let examples = 1 + Int(rng.next() % 12)
            var perExample: [[(confidence: Double, correct: Bool)]] = []
            for _ in 0..<examples {
                let count = Int(rng.next() % 5)
                perExample.append((0..<count).map { _ in
                    // Bin edges and the ends included on purpose.
                    let c = trial % 7 == 0 ? Double(rng.next() % 16) / 15 : rng.nextUniform()
                    return (c, rng.nextUniform() < c)
                })
            }
            let pooled = perExample.flatMap { $0 }
            guard !pooled.isEmpty else { continue }
            var table = SegmentStatistics(width: 45)
            for pairs in perExample { table.append(ExampleStatistics.calibrationRow(pairs)) }
            let direct = Calibration(confidences: pooled.map(\.confidence), correct: pooled.map(\.correct)).ece
            XCTAssertEqual(table.corpus(ExampleStatistics.calibrationError), direct, accuracy: 1e-12, "trial \(trial)")
        }
    }
}
