import Foundation
import Results

extension Calibration {
    /// Calibration over 15 equal-width bins (and 10 equal-mass ones for `eceEqualMass`).
    public init(confidences: [Double], correct: [Bool], equalWidthBins: Int = 15, equalMassBins: Int = 10) {
        precondition(confidences.count == correct.count, "one correctness per confidence")
        let n = confidences.count
        let count = n
        let c = confidences.map { min(1, max(0, $0)) }
        let y = correct.map { $0 ? 1.0 : 0.0 }
        let accuracy = n > 0 ? y.reduce(0, +) / Double(n) : 0
        let meanConfidence = n > 0 ? c.reduce(0, +) / Double(n) : 0
        let brier = n > 0 ? zip(c, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(n) : 0

        var bins: [Bin] = []
        for b in 0..<equalWidthBins {
            let lo = Double(b) / Double(equalWidthBins), hi = Double(b + 1) / Double(equalWidthBins)
            let members = c.indices.filter { (c[$0] > lo || (b == 0 && c[$0] == 0)) && c[$0] <= hi }
            let conf = members.isEmpty ? 0 : members.reduce(0) { $0 + c[$1] } / Double(members.count)
            let acc = members.isEmpty ? 0 : members.reduce(0) { $0 + y[$1] } / Double(members.count)
            bins.append(Bin(lower: lo, upper: hi, count: members.count, meanConfidence: conf, accuracy: acc))
        }
        let ece = n > 0 ? bins.reduce(0) { $0 + Double($1.count) / Double(n) * abs($1.accuracy - $1.meanConfidence) } : 0
        let mce = bins.filter { $0.count > 0 }.map { abs($0.accuracy - $0.meanConfidence) }.max() ?? 0

        // Equal mass: sorted by confidence, split as numpy.array_split does (the first n mod k groups one larger).
        let order = c.indices.sorted { c[$0] < c[$1] || (c[$0] == c[$1] && $0 < $1) }
        var massECE = 0.0, start = 0
        let k = max(1, min(equalMassBins, n))
        for g in 0..<k where n > 0 {
            let size = n / k + (g < n % k ? 1 : 0)
            let group = order[start..<(start + size)]
            start += size
            let conf = group.reduce(0) { $0 + c[$1] } / Double(size), acc = group.reduce(0) { $0 + y[$1] } / Double(size)
            massECE += Double(size) / Double(n) * abs(acc - conf)
        }
        let eceEqualMass = massECE

        // AUROC by ranks (Mann–Whitney U with average ranks for ties).
        let positives = y.reduce(0, +), negatives = Double(n) - positives
        var auroc: Double?
        if positives > 0 && negatives > 0 {
            var rankSum = 0.0, i = 0
            while i < n {
                var j = i
                while j + 1 < n && c[order[j + 1]] == c[order[i]] { j += 1 }
                let averageRank = Double(i + j + 2) / 2
                for t in i...j where y[order[t]] == 1 { rankSum += averageRank }
                i = j + 1
            }
            auroc = (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
        }

        func selective(_ coverage: Double) -> Double {
            guard n > 0 else { return 0 }
            let keep = max(1, Int((coverage * Double(n)).rounded(.up)))
            let top = order.reversed().prefix(keep)
            return top.reduce(0) { $0 + y[$1] } / Double(keep)
        }
        let selectiveAccuracy10 = selective(0.1)
        let selectiveAccuracy50 = selective(0.5)
        self.init(ece: ece, eceEqualMass: eceEqualMass, mce: mce, brier: brier, auroc: auroc,
                  selectiveAccuracy10: selectiveAccuracy10, selectiveAccuracy50: selectiveAccuracy50, accuracy: accuracy,
                  meanConfidence: meanConfidence, count: count, bins: bins)
    }
}
