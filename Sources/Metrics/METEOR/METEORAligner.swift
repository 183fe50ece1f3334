/// METEOR 1.5's aligner: candidate matches from each module in turn (exact, stem, synonym, paraphrase), matches
/// that are the only ones for their words fixed first, then a left-to-right beam search (width 40) over the rest
/// that prefers more (module-weighted) matched words, then fewer chunks, then less distance. The search keeps the
/// reference tool's integer truncation of weighted match counts and its bookkeeping of distance on the parent path,
/// since both decide which alignment wins a tie and so the score.
struct METEORAligner {
    struct Match {
        var module: Int
        /// Position and length in the reference (line 2).
        var start: Int
        var length: Int
        /// Position and length in the hypothesis (line 1).
        var matchStart: Int
        var matchLength: Int
    }

    final class Path {
        var matches: [Match?]
        var matches1 = 0, matches2 = 0, chunks = 0, idx = 0, lastMatchEnd = -1, distance = 0
        var used1: [Bool], used2: [Bool]

        init(count1: Int, count2: Int) {
            matches = Array(repeating: nil, count: count2)
            used1 = Array(repeating: false, count: count1)
            used2 = Array(repeating: false, count: count2)
        }

        init(_ p: Path) {
            matches = p.matches
            matches1 = p.matches1; matches2 = p.matches2; chunks = p.chunks; idx = p.idx
            lastMatchEnd = p.lastMatchEnd; distance = p.distance
            used1 = p.used1; used2 = p.used2
        }

        func isUsed(_ m: Match) -> Bool {
            for k in 0..<m.length where used2[m.start + k] { return true }
            for k in 0..<m.matchLength where used1[m.matchStart + k] { return true }
            return false
        }

        func setUsed(_ m: Match) {
            for k in 0..<m.length { used2[m.start + k] = true }
            for k in 0..<m.matchLength { used1[m.matchStart + k] = true }
        }

        /// Adds a match's words to the running totals (weights truncated to integers, as the reference does).
        func count(_ m: Match, weight: Double) {
            matches1 = Int(Double(matches1) + Double(m.matchLength) * weight)
            matches2 = Int(Double(matches2) + Double(m.length) * weight)
            if lastMatchEnd != -1 && m.matchStart != lastMatchEnd { chunks += 1 }
            idx = m.start + m.length
            lastMatchEnd = m.matchStart + m.matchLength
        }
    }

    struct Result {
        var matches: [Match?]
        var chunks: Int
        /// Matched words per module: hypothesis content, reference content, hypothesis function, reference function.
        var content1: [Int], content2: [Int], function1: [Int], function2: [Int]
        var functionWords1: Int, functionWords2: Int
    }

    let resources: METEORResources
    let paraphrases: ParaphraseTable
    static let beamSize = 40
    /// The weights the search ranks partial alignments by (the scorer's own weights are separate).
    static let searchWeights = [1.0, 0.5, 0.5, 0.5]

    /// Aligns hypothesis words (line 1) with reference words (line 2).
    func align(_ words1: [String], _ words2: [String], stems: (String) -> String) -> Result {
        var candidates: [[Match]] = Array(repeating: [], count: words2.count)
        var coverage1 = [Int](repeating: 0, count: words1.count), coverage2 = [Int](repeating: 0, count: words2.count)
        // Coverage counts every word a candidate spans (a word covered twice is not certain).
        func add(_ m: Match) {
            candidates[m.start].append(m)
            for k in 0..<m.matchLength { coverage1[m.matchStart + k] += 1 }
            for k in 0..<m.length { coverage2[m.start + k] += 1 }
        }
        let identical = words1 == words2
        // Exact.
        for j in words2.indices { for i in words1.indices where words1[i] == words2[j] { add(Match(module: 0, start: j, length: 1, matchStart: i, matchLength: 1)) } }
        if !identical {
            // Stem.
            let stems1 = words1.map(stems), stems2 = words2.map(stems)
            for j in words2.indices {
                for i in words1.indices where stems1[i] == stems2[j] && words1[i] != words2[j] {
                    add(Match(module: 1, start: j, length: 1, matchStart: i, matchLength: 1))
                }
            }
            // Synonym: shared synsets of the words or of their base forms.
            let syn1 = words1.map { resources.synsetsOf($0).union(resources.baseSynsets($0)) }
            let syn2 = words2.map { resources.synsetsOf($0).union(resources.baseSynsets($0)) }
            for j in words2.indices {
                for i in words1.indices where !syn2[j].isDisjoint(with: syn1[i]) && words1[i] != words2[j] {
                    add(Match(module: 2, start: j, length: 1, matchStart: i, matchLength: 1))
                }
            }
            // Paraphrase, both directions.
            let ids1 = words1.map(paraphrases.id), ids2 = words2.map(paraphrases.id)
            func occurs(_ phrase: [Int32], in line: [Int32], at start: Int) -> Bool {
                for k in phrase.indices where start + k == line.count || line[start + k] != phrase[k] { return false }
                return true
            }
            for j in ids2.indices {
                for (length, phrase) in paraphrases.paths(ids2, from: j) {
                    for i in ids1.indices where occurs(phrase, in: ids1, at: i) {
                        add(Match(module: 3, start: j, length: length, matchStart: i, matchLength: phrase.count))
                    }
                }
            }
            for i in ids1.indices {
                for (length, phrase) in paraphrases.paths(ids1, from: i) {
                    for j in ids2.indices where occurs(phrase, in: ids2, at: j) {
                        add(Match(module: 3, start: j, length: phrase.count, matchStart: i, matchLength: length))
                    }
                }
            }
        }

        // A match that is the only candidate for all of its words is certain.
        let initial = Path(count1: words1.count, count2: words2.count)
        for j in candidates.indices where candidates[j].count == 1 {
            let m = candidates[j][0]
            var overlap = false
            for k in 0..<m.length where coverage2[j + k] != 1 { overlap = true }
            for k in 0..<m.matchLength where coverage1[m.matchStart + k] != 1 { overlap = true }
            if !overlap {
                initial.matches[j] = m
                initial.setUsed(m)
            }
        }
        let best = search(candidates, initial)

        // Totals by module and word kind.
        let isFunction1 = words1.map { resources.functionWords.contains($0.lowercased()) }
        let isFunction2 = words2.map { resources.functionWords.contains($0.lowercased()) }
        var r = Result(matches: best.matches, chunks: 0, content1: [0, 0, 0, 0], content2: [0, 0, 0, 0], function1: [0, 0, 0, 0],
                       function2: [0, 0, 0, 0], functionWords1: isFunction1.filter { $0 }.count, functionWords2: isFunction2.filter { $0 }.count)
        for case let m? in best.matches {
            for k in 0..<m.matchLength { if isFunction1[m.matchStart + k] { r.function1[m.module] += 1 } else { r.content1[m.module] += 1 } }
            for k in 0..<m.length { if isFunction2[m.start + k] { r.function2[m.module] += 1 } else { r.content2[m.module] += 1 } }
        }
        r.chunks = Self.chunks(best.matches)
        return r
    }

    /// Orders paths best first: more weighted matches, then fewer chunks, then less distance.
    static func before(_ a: Path, _ b: Path) -> Bool {
        let ta = a.matches1 + a.matches2, tb = b.matches1 + b.matches2
        if ta != tb { return ta > tb }
        if a.chunks != b.chunks { return a.chunks < b.chunks }
        return a.distance < b.distance
    }

    /// A stable sort (the reference sorts with Java's stable merge sort, and ties are common).
    static func sorted(_ paths: [Path]) -> [Path] {
        paths.enumerated().sorted { x, y in
            if before(x.element, y.element) { return true }
            if before(y.element, x.element) { return false }
            return x.offset < y.offset
        }.map(\.element)
    }

    func search(_ candidates: [[Match]], _ start: Path) -> Path {
        var next = [start]
        for current in 0...candidates.count {
            let paths = Self.sorted(next)
            next = []
            for path in paths.prefix(Self.beamSize) {
                if current == candidates.count {
                    if path.lastMatchEnd != -1 { path.chunks += 1 }
                    next.append(path)
                    continue
                }
                if path.used2[current] {
                    if current < path.idx {
                        next.append(path)
                    } else if let m = path.matches[path.idx] {
                        path.count(m, weight: Self.searchWeights[m.module])
                        path.distance += abs(m.start - m.matchStart)
                        next.append(path)
                    }
                    continue
                }
                for m in candidates[current] where !path.isUsed(m) {
                    let branch = Path(path)
                    branch.setUsed(m)
                    branch.matches[current] = m
                    branch.count(m, weight: Self.searchWeights[m.module])
                    // The reference adds this distance to the parent, not the branch; later branches inherit it.
                    path.distance += abs(m.start - m.matchStart)
                    next.append(branch)
                }
                // Or leave this word unmatched.
                if path.lastMatchEnd != -1 {
                    path.chunks += 1
                    path.lastMatchEnd = -1
                }
                path.idx += 1
                next.append(path)
            }
            if next.isEmpty { next.append(paths[0]) }
        }
        return Self.sorted(next)[0]
    }

    /// Chunks of a finished alignment: runs of matches contiguous in both lines.
    static func chunks(_ matches: [Match?]) -> Int {
        var chunks = 0, idx = 0, lastMatchEnd = -1
        while idx < matches.count {
            if let m = matches[idx] {
                if lastMatchEnd != -1 && m.matchStart != lastMatchEnd { chunks += 1 }
                idx = m.start + m.length
                lastMatchEnd = m.matchStart + m.matchLength
            } else {
                if lastMatchEnd != -1 {
                    chunks += 1
                    lastMatchEnd = -1
                }
                idx += 1
            }
        }
        if lastMatchEnd != -1 { chunks += 1 }
        return chunks
    }
}
