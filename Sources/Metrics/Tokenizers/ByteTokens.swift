/// The fast path of the whitespace and 13a tokenizers: UTF-8 bytes in, small per-segment token ids out, with no
/// String or Character work. It applies the same rewrites as `Tokenizer13a` (every rule's classes are ASCII, so a
/// multi-byte character behaves as the run of "other" bytes it is) and declines — returning false, so the caller
/// takes the Unicode path — for what only that path handles: entities, `<skipped>`, newlines, non-ASCII
/// whitespace, and non-ASCII text that must be lower-cased.
struct ByteTokens {
    /// Growable raw byte storage (the rewrites run over raw pointers: no bounds or uniqueness checks per byte).
    final class Scratch {
        var p: UnsafeMutablePointer<UInt8>
        var capacity: Int
        var count = 0
        init() { capacity = 256; p = .allocate(capacity: capacity) }
        deinit { p.deallocate() }
        func reserve(_ n: Int) {
            guard n > capacity else { return }
            let q = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
            q.update(from: p, count: count)
            p.deallocate()
            p = q
            capacity = n
        }
        @inline(__always) func append(_ c: UInt8) { p[count] = c; count += 1 }
    }

    /// Scratch for one line's rewritten bytes.
    private var a = Scratch(), b = Scratch()
    /// Interning table for the current segment: open addressing over (hash → slot), slots hold token bytes.
    private var keys: [UInt64] = Array(repeating: 0, count: 1024)
    private var ids: [Int32] = Array(repeating: -1, count: 1024)
    private var spans: [(start: Int, count: Int)] = []
    private var arena: [UInt8] = []
    private var used: [Int] = []

    /// Forget the current segment's tokens (ids restart at 0).
    mutating func reset() {
        for slot in used { ids[slot] = -1 }
        used.removeAll(keepingCapacity: true)
        spans.removeAll(keepingCapacity: true)
        arena.removeAll(keepingCapacity: true)
    }

    var vocabularySize: Int { spans.count }

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    @inline(__always) static func isPeriodOrComma(_ c: UInt8) -> Bool { c == 0x2E || c == 0x2C }
    /// Python's `str.split()` whitespace within ASCII.
    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) }
    /// 13a's rule-1 class: { | } ~ [ \ ] ^ _ ` space ! " # $ % & ( ) * + : ; < = > ? @ /
    @inline(__always) static func isSymbol(_ c: UInt8) -> Bool {
        (c >= 0x7B && c <= 0x7E) || (c >= 0x5B && c <= 0x60) || (c >= 0x20 && c <= 0x26) || (c >= 0x28 && c <= 0x2B) || (c >= 0x3A && c <= 0x40) || c == 0x2F
    }

    /// Whether a line can take the byte path.
    static func eligible(_ s: UnsafeBufferPointer<UInt8>, lowercase: Bool) -> Bool {
        var i = 0
        while i < s.count {
            let c = s[i]
            if c == 0x26 || c == 0x3C || c == 0x0A { return false }  // & (entities), < (<skipped>), newline
            if c >= 0x80 {
                if lowercase { return false }
                // Non-ASCII whitespace: U+0085, U+00A0 (C2 85/A0), U+1680 (E1 9A 80), U+2000–U+200A, U+2028,
                // U+2029, U+202F, U+205F (E2 80/81 …), U+3000 (E3 80 80).
                if c == 0xC2, i + 1 < s.count, s[i + 1] == 0x85 || s[i + 1] == 0xA0 { return false }
                if c == 0xE1 || c == 0xE2 || c == 0xE3 { return false }
            }
            i += 1
        }
        return true
    }

    /// Tokenizes `line` (13a rules when `thirteenA`, else whitespace only) into ids appended to `out`.
    /// Returns false when the line needs the Unicode path.
    mutating func tokenize(_ line: String, thirteenA: Bool, lowercase: Bool, into out: inout [Int32]) -> Bool {
        var line = line
        return line.withUTF8 { s -> Bool in
            guard Self.eligible(s, lowercase: lowercase) else { return false }
            // rstrip, then (for 13a) pad with spaces as the rules expect.
            var end = s.count
            while end > 0 && Self.isSpace(s[end - 1]) { end -= 1 }
            // Rule 1 at most triples a line and each later rule adds at most two bytes per two.
            a.count = 0
            a.reserve(8 * end + 16)
            b.reserve(8 * end + 16)
            if thirteenA { a.append(0x20) }
            for i in 0..<end {
                var c = s[i]
                if lowercase && c >= 0x41 && c <= 0x5A { c += 32 }
                a.append(c)
            }
            if thirteenA {
                a.append(0x20)
                rewrite()
            }
            split(into: &out)
            return true
        }
    }

    /// rouge-score's tokenizer: lower-case, runs of [a-z0-9]; every other character separates. Only two
    /// characters lower-case into ASCII letters (U+0130 İ → i̇, U+212A Kelvin → k); text with them takes the
    /// Unicode path (false).
    mutating func tokenizeROUGE(_ line: String, into out: inout [Int32]) -> Bool {
        var line = line
        return line.withUTF8 { s -> Bool in
            a.count = 0
            a.reserve(s.count + 1)
            for (i, c) in s.enumerated() {
                if c == 0xC4, i + 1 < s.count, s[i + 1] == 0xB0 { return false }
                if c == 0xE2, i + 2 < s.count, s[i + 1] == 0x84, s[i + 2] == 0xAA { return false }
                let l = c >= 0x41 && c <= 0x5A ? c + 32 : c
                a.append((l >= 0x61 && l <= 0x7A) || Self.isDigit(l) ? l : 0x20)
            }
            split(into: &out)
            return true
        }
    }

    /// The four 13a rewrites, each a left-to-right scan without overlaps (as `re.sub`), between the two buffers.
    private mutating func rewrite() {
        let src = a.p, dst = b.p
        var o = 0
        for i in 0..<a.count {
            let c = src[i]
            if Self.isSymbol(c) { dst[o] = 0x20; dst[o + 1] = c; dst[o + 2] = 0x20; o += 3 } else { dst[o] = c; o += 1 }
        }
        b.count = o
        swap(&a, &b)
        pairRule { !Self.isDigit($0) && Self.isPeriodOrComma($1) } emit: { x, y, d, o in d[o] = x; d[o + 1] = 0x20; d[o + 2] = y; d[o + 3] = 0x20; o += 4 }
        pairRule { Self.isPeriodOrComma($0) && !Self.isDigit($1) } emit: { x, y, d, o in d[o] = 0x20; d[o + 1] = x; d[o + 2] = 0x20; d[o + 3] = y; o += 4 }
        pairRule { Self.isDigit($0) && $1 == 0x2D } emit: { x, y, d, o in d[o] = x; d[o + 1] = 0x20; d[o + 2] = y; d[o + 3] = 0x20; o += 4 }
    }

    @inline(__always)
    private mutating func pairRule(_ matches: (UInt8, UInt8) -> Bool, emit: (UInt8, UInt8, UnsafeMutablePointer<UInt8>, inout Int) -> Void) {
        let src = a.p, dst = b.p, n = a.count
        var i = 0, o = 0
        while i < n {
            if i + 1 < n && matches(src[i], src[i + 1]) {
                emit(src[i], src[i + 1], dst, &o)
                i += 2
            } else {
                dst[o] = src[i]
                o += 1
                i += 1
            }
        }
        b.count = o
        swap(&a, &b)
    }

    private mutating func split(into out: inout [Int32]) {
        var i = 0
        let n = a.count, t = a.p
        while i < n {
            while i < n && Self.isSpace(t[i]) { i += 1 }
            guard i < n else { break }
            let start = i
            while i < n && !Self.isSpace(t[i]) { i += 1 }
            out.append(intern(start, i - start))
        }
    }

    /// The id of a[start..<start+count] in this segment.
    private mutating func intern(_ start: Int, _ count: Int) -> Int32 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        let t = a.p
        for k in start..<(start + count) { h = (h ^ UInt64(t[k])) &* 0x100_0000_01b3 }
        if spans.count * 2 >= keys.count { grow() }
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while ids[slot] >= 0 {
            if keys[slot] == h {
                let span = spans[Int(ids[slot])]
                if span.count == count && arenaEquals(span.start, start, count) { return ids[slot] }
            }
            slot = (slot + 1) & mask
        }
        let id = Int32(spans.count)
        spans.append((arena.count, count))
        arena.append(contentsOf: UnsafeBufferPointer(start: a.p + start, count: count))
        keys[slot] = h
        ids[slot] = id
        used.append(slot)
        return id
    }

    private func arenaEquals(_ at: Int, _ start: Int, _ count: Int) -> Bool {
        for k in 0..<count where arena[at + k] != a.p[start + k] { return false }
        return true
    }

    private mutating func grow() {
        let old = (keys, ids)
        keys = Array(repeating: 0, count: old.0.count * 2)
        ids = Array(repeating: -1, count: old.0.count * 2)
        used.removeAll(keepingCapacity: true)
        let mask = keys.count - 1
        for (k, id) in zip(old.0, old.1) where id >= 0 {
            var slot = Int(truncatingIfNeeded: k) & mask
            while ids[slot] >= 0 { slot = (slot + 1) & mask }
            keys[slot] = k
            ids[slot] = id
            used.append(slot)
        }
    }
}

/// Clipped n-gram matches of token-id sequences by sorting packed n-grams (16 bits per id, up to 4 ids): no
/// hashing and no allocation once the scratch arrays have grown.
struct NGramMatcher {
    private var hyp: [UInt64] = [], ref: [UInt64] = [], distinct: [UInt64] = []
    private var counts: [Int32] = [], best: [Int32] = [], own: [Int32] = []

    @inline(__always)
    static func pack(_ t: [Int32], _ i: Int, _ n: Int) -> UInt64 {
        var key: UInt64 = 0
        for k in 0..<n { key = key << 16 | UInt64(UInt16(truncatingIfNeeded: t[i + k])) }
        return key
    }

    /// (matches, totals) per order 1…maxOrder; ids must be below 65,536.
    mutating func match(_ h: [Int32], _ refs: [[Int32]], maxOrder: Int, matches: inout [Int], totals: inout [Int]) {
        for n in 1...maxOrder {
            guard h.count >= n else { matches[n - 1] = 0; totals[n - 1] = 0; continue }
            totals[n - 1] = h.count - n + 1
            hyp.removeAll(keepingCapacity: true)
            for i in 0...(h.count - n) { hyp.append(Self.pack(h, i, n)) }
            hyp.sort()
            distinct.removeAll(keepingCapacity: true)
            counts.removeAll(keepingCapacity: true)
            for k in hyp {
                if distinct.last == k { counts[counts.count - 1] += 1 } else { distinct.append(k); counts.append(1) }
            }
            best.removeAll(keepingCapacity: true)
            best.append(contentsOf: repeatElement(0, count: distinct.count))
            for r in refs where r.count >= n {
                ref.removeAll(keepingCapacity: true)
                for i in 0...(r.count - n) { ref.append(Self.pack(r, i, n)) }
                ref.sort()
                // Count each distinct hypothesis n-gram in this reference by a merge of the sorted lists.
                var a = 0, b = 0
                while a < distinct.count && b < ref.count {
                    if distinct[a] < ref[b] { a += 1 } else if distinct[a] > ref[b] { b += 1 } else {
                        var c: Int32 = 0
                        let key = ref[b]
                        while b < ref.count && ref[b] == key { c += 1; b += 1 }
                        if c > best[a] { best[a] = c }
                        a += 1
                    }
                }
            }
            var m = 0
            for k in distinct.indices { m += Int(min(counts[k], best[k])) }
            matches[n - 1] = m
        }
    }
}
