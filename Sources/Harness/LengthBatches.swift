/// Teacher-forced passes (forgetting, held-out loss, token calibration) over many sequences: sequences of similar
/// length share a right-padded batch of about `tokens` positions. Padding after a sequence cannot change its causal
/// log-probabilities, and one sequence at a time leaves the products too thin to use the machine.
enum LengthBatches {
    /// Indices of the sequences of each batch, longest first, so that a batch's first member sets its padded width;
    /// sequences with fewer than two tokens (nothing to predict) are left out.
    static func groups(lengths: [Int], tokens: Int) -> [[Int]] {
        let order = lengths.indices.filter { lengths[$0] >= 2 }
            .sorted { lengths[$0] != lengths[$1] ? lengths[$0] > lengths[$1] : $0 < $1 }
        var out: [[Int]] = []
        var start = 0
        while start < order.count {
            let width = lengths[order[start]] - 1
            let end = min(order.count, start + max(1, tokens / max(1, width)))
            out.append(Array(order[start..<end]))
            start = end
        }
        return out
    }
}
