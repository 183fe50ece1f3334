import Foundation
@testable import Report
import Results
import TestSupport
import XCTest

final class LeaderboardTests: XCTestCase {
    func load(_ synthetic: SyntheticReport) throws -> ReportData {
        let runs = try temporaryFolder()
        try synthetic.write(to: runs)
        return try ReportWriter(runsFolder: runs.path, outFolder: try temporaryFolder().path).load()
    }

    /// The board's figures are the runs' and the suite's: means over seeds, the tests' verdicts and intervals, ranks
    /// by mean; and the verdict's sentences name exactly the entries the tests call better or worse.
    func testTheBoardAndTheVerdictFollowTheNumbers() throws {
        var synthetic = SyntheticReport()
        synthetic.seeds = [0, 1, 2]
        let data = try load(synthetic)
        let board = Leaderboard(data)
        XCTAssertEqual(board.columns.map(\.task), synthetic.tasks)
        XCTAssertEqual(board.columns.map(\.metric), ["e2e-bleu", "e2e-bleu", "gsm8k-strict", "f1"])
        let tests = try XCTUnwrap(data.summary?.comparison?.tasks)
        for column in board.columns {
            let cells = board.rows.compactMap { row in row.cells[column.task].map { (row.entry, $0) } }
            XCTAssertEqual(cells.count, synthetic.methods.count)
            for (entry, cell) in cells {
                let scores = data.completed(task: column.task, entry: entry).map { $0.metrics.first { $0.name == column.metric }!.score }
                XCTAssertEqual(cell.mean, scores.reduce(0, +) / Double(scores.count), accuracy: 1e-12)
                XCTAssertEqual(cell.seeds, 3)
                let test = tests.first { $0.task == column.task }?.tests.first { $0.method == entry && $0.measure == column.metric }
                XCTAssertEqual(cell.verdict, test?.verdict, "\(column.task) × \(entry)")
                XCTAssertEqual(cell.deltaInterval?.0, test?.deltaLower)
                // Rank 1 is the largest mean.
                XCTAssertEqual(cell.rank, Double(cells.filter { $0.1.mean > cell.mean }.count) + 1, "\(column.task) × \(entry)")
            }
            XCTAssertEqual(column.best, cells.max { $0.1.mean < $1.1.mean }?.0)
        }
        XCTAssertEqual(board.rows.map(\.meanRank), board.rows.map(\.meanRank).sorted { ($0 ?? 99) < ($1 ?? 99) })
        let sentences = Verdict.sentences(board, fullEntry: data.fullEntry)
        XCTAssertEqual(sentences.count, synthetic.tasks.count + 1)
        for (column, sentence) in zip(board.columns, sentences) {
            XCTAssertTrue(sentence.hasPrefix("\(column.task) (\(column.metric), \(column.scale)): best is \(column.best!)"), sentence)
            let worse = board.rows.filter { $0.cells[column.task]?.verdict == "worse" }.map(\.entry)
            if worse.isEmpty {
                XCTAssertFalse(sentence.contains("Significantly worse"), sentence)
            } else {
                XCTAssertTrue(sentence.contains("Significantly worse than full fine-tuning: \(Verdict.list(worse))."), sentence)
            }
        }
        XCTAssertTrue(sentences.last!.hasPrefix("Overall: the lowest mean rank is \(board.rows[0].entry)'s"), sentences.last!)
    }

    /// A task on which every entry scores the same names no best and stars no one.
    func testATaskThatSeparatesNothingNamesNoBest() throws {
        var synthetic = SyntheticReport()
        synthetic.flat = ["gsm8k": 0]
        let data = try load(synthetic)
        let board = Leaderboard(data)
        let gsm8k = try XCTUnwrap(board.columns.first { $0.task == "gsm8k" })
        XCTAssertNil(gsm8k.best)
        XCTAssertEqual(gsm8k.top.count, synthetic.methods.count)
        XCTAssertTrue(board.rows.allSatisfy { $0.cells["gsm8k"]?.rank == gsm8k.top.count.asRank })
        let sentences = Verdict.sentences(board, fullEntry: data.fullEntry)
        XCTAssertTrue(sentences.contains("gsm8k (gsm8k-strict, 0-100): every entry scores 0.00; the task does not separate them."), "\(sentences)")
        XCTAssertFalse(OverviewPage.table(board, data: data).rows.contains { $0.contains { $0.text.contains("0.00 ★") } })
    }

    /// Without a suite's tests nothing is called significant, and one seed says what its intervals cover.
    func testWithoutTestsNothingIsSignificant() throws {
        let runs = try temporaryFolder()
        try SyntheticReport().write(to: runs)
        try FileManager.default.removeItem(at: runs.appendingPathComponent("suite.json"))
        let data = try ReportWriter(runsFolder: runs.path, outFolder: try temporaryFolder().path).load()
        let board = Leaderboard(data)
        XCTAssertFalse(board.rows.contains { $0.cells.values.contains { $0.verdict != nil } })
        let sentences = Verdict.sentences(board, fullEntry: data.fullEntry).joined(separator: "\n")
        XCTAssertFalse(sentences.contains("ignificantly"), sentences)
        XCTAssertTrue(sentences.contains("No paired tests were run"), sentences)
        XCTAssertTrue(sentences.contains("Each entry ran one seed"), sentences)
    }
}

private extension Int {
    /// The rank every one of n tied entries shares.
    var asRank: Double { Double(self + 1) / 2 }
}
