/// How a step's sequences become micro-batches. Every rule keeps the step's examples (the same examples, in the same
/// steps, for every method); the gradient is accumulated over the micro-batches and averaged over the step's target
/// tokens, so a rule changes only how much padding is computed and the order of floating-point sums.
public enum StepBatching: String, Codable, Sendable, CaseIterable {
    /// One right-padded batch per step: every sequence padded to the step's longest.
    case padded
    /// The step's sequences, longest first, in the fewest right-padded micro-batches of neighbouring lengths whose
    /// padding is at most `maxPaddingShare` of the positions computed.
    case lengthGrouped = "length-grouped"

    /// The padding a length-grouped step may compute, as a share of its positions.
    public static let maxPaddingShare = 0.05

    /// The groups of `widths` (positions each sequence fills) as indices into it.
    public func groups(widths: [Int]) -> [[Int]] {
        let order = widths.indices.sorted { widths[$0] != widths[$1] ? widths[$0] > widths[$1] : $0 < $1 }
        let n = order.count
        guard self == .lengthGrouped, n > 1 else { return n == 0 ? [] : [order] }
        let w = order.map { widths[$0] }
        let real = w.reduce(0, +)
        // cost[k][j]: the fewest positions computed for the first j sequences (longest first) in k groups; a group
        // i..<j is padded to w[i], its first and longest member.
        let unreachable = Int.max / 2
        var cost = [[Int]](repeating: [Int](repeating: unreachable, count: n + 1), count: n + 1)
        var cut = [[Int]](repeating: [Int](repeating: 0, count: n + 1), count: n + 1)
        cost[0][0] = 0
        for k in 1...n {
            for j in k...n {
                for i in (k - 1)..<j where cost[k - 1][i] < unreachable {
                    let c = cost[k - 1][i] + (j - i) * w[i]
                    if c < cost[k][j] { cost[k][j] = c; cut[k][j] = i }
                }
            }
            if Double(cost[k][n] - real) <= Self.maxPaddingShare * Double(cost[k][n]) {
                var groups: [[Int]] = []
                var j = n
                for level in stride(from: k, to: 0, by: -1) {
                    let i = cut[level][j]
                    groups.append(Array(order[i..<j]))
                    j = i
                }
                return groups.reversed()
            }
        }
        return [order]  // unreachable: n groups of one compute no padding
    }
}
