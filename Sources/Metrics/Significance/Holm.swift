/// Holm's step-down correction (Holm, 1979) of a family of p-values: the i-th smallest is multiplied by (m − i + 1),
/// made monotone, and capped at 1. Rejecting where the adjusted value is below α holds the family-wise error rate
/// at α, whatever the dependence between the tests.
public enum Holm {
    public static func adjust(_ p: [Double]) -> [Double] {
        let m = p.count
        let order = p.indices.sorted { p[$0] < p[$1] }
        var adjusted = [Double](repeating: 1, count: m)
        var running = 0.0
        for (rank, index) in order.enumerated() {
            running = max(running, min(1, Double(m - rank) * p[index]))
            adjusted[index] = running
        }
        return adjusted
    }
}
