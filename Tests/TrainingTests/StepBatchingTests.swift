import Engine
import Training
import XCTest

/// A step's length-grouped micro-batches: each sequence exactly once, at most 5% padding, and no split into fewer
/// micro-batches (of any membership) that would reach it.
final class StepBatchingTests: XCTestCase {
    func positions(_ groups: [[Int]], _ widths: [Int]) -> Int {
        groups.reduce(0) { $0 + $1.count * ($1.map { widths[$0] }.max() ?? 0) }
    }

    /// The fewest groups over every partition of the set (not only runs of the sorted order) within the share.
    func fewestGroups(_ widths: [Int]) -> Int {
        let real = widths.reduce(0, +)
        var best = widths.count
        func place(_ i: Int, _ groups: inout [[Int]]) {
            if groups.count >= best { return }
            if i == widths.count {
                if Double(positions(groups, widths) - real) <= StepBatching.maxPaddingShare * Double(positions(groups, widths)) {
                    best = groups.count
                }
                return
            }
            for g in groups.indices {
                groups[g].append(i)
                place(i + 1, &groups)
                groups[g].removeLast()
            }
            groups.append([i])
            place(i + 1, &groups)
            groups.removeLast()
        }
        var groups: [[Int]] = []
        place(0, &groups)
        return best
    }

    func testLengthGroupsAreAPartitionWithinTheShareAndAsFewAsAnyPartitionCanBe() {
        var rng = RandomGenerator(seed: 17)
        var splits = 0
        for trial in 0..<3000 {
            let n = 1 + Int(rng.next() % (trial < 2000 ? 7 : 32))
            let spread = 1 + Int(rng.next() % 127)
            let base = 1 + Int(rng.next() % 64)
            let widths = (0..<n).map { _ in base + Int(rng.next() % UInt64(spread)) }
            let groups = StepBatching.lengthGrouped.groups(widths: widths)
            XCTAssertEqual(groups.flatMap { $0 }.sorted(), Array(0..<n), "\(widths)")
            let computed = positions(groups, widths), real = widths.reduce(0, +)
            XCTAssertLessThanOrEqual(Double(computed - real), 0.05 * Double(computed), "\(widths) → \(groups)")
            for g in groups {
                XCTAssertEqual(g.map { widths[$0] }, g.map { widths[$0] }.sorted(by: >), "longest first: \(widths) → \(groups)")
            }
            if n <= 7 { XCTAssertEqual(groups.count, fewestGroups(widths), "\(widths) → \(groups)") }
            if groups.count > 1 { splits += 1 }
        }
        XCTAssertGreaterThan(splits, 1000, "the cases must exercise splitting")
    }

    func testPaddedIsOneBatchAndEqualLengthsNeedNoSplit() {
        XCTAssertEqual(StepBatching.padded.groups(widths: [3, 90, 40]), [[1, 2, 0]])
        XCTAssertEqual(StepBatching.lengthGrouped.groups(widths: [50, 50, 50, 50]), [[0, 1, 2, 3]])
        XCTAssertEqual(StepBatching.lengthGrouped.groups(widths: [10, 100, 98, 11]), [[1, 2], [3, 0]])
        XCTAssertEqual(StepBatching.lengthGrouped.groups(widths: []), [])
    }
}
