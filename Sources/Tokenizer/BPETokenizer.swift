import Foundation

/// A byte-level BPE tokenizer (GPT-2 family, SmolLM2): special tokens matched atomically, then the pre-tokenizer's
/// pieces, then merges by rank inside each piece.
public final class BPETokenizer: @unchecked Sendable {
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    public let tokens: [String]
    public let preTokenizer: PreTokenizer
    public let bosID: Int32?
    public let eosID: Int32?
    public let padID: Int32?
    public let unknownID: Int32?
    public let addBOS: Bool
    public let chatTemplate: ChatTemplate?
    /// Tokens matched as a whole before any splitting (control and user-defined tokens), longest first.
    public let specialTokens: [(text: String, id: Int32)]
    /// The merges in rank order, as given: what an exported `tokenizer.json` or GGUF file carries.
    public let mergePairs: [(String, String)]

    private let ids: [String: Int32]
    /// (left id, right id) → (rank, merged id)
    private let merges: [UInt64: (rank: Int32, merged: Int32)]
    private let byteIDs: [Int32]
    private let specialIDs: Set<Int32>
    private let specialTokenBytes: [(bytes: [UInt8], id: Int32)]
    private let specialStartBytes: Set<UInt8>
    /// Keyed by the piece's bytes: `String` equality is canonical equivalence, under which U+2001 and U+2003 (or
    /// a precomposed letter and its decomposition) are one key but different bytes, hence different tokens.
    private var cache: [[UInt8]: [Int32]] = [:]
    private let cacheLock = NSLock()

    public var vocabularySize: Int { tokens.count }
    public var mergeCount: Int { merges.count }

    /// - Parameters:
    ///   - merges: pairs in rank order, each side spelled in the byte-level alphabet.
    ///   - special: ids of tokens matched atomically in text.
    public init(tokens: [String], merges mergeList: [(String, String)], special: [Int32], preTokenizer: PreTokenizer,
                bosID: Int32?, eosID: Int32?, padID: Int32?, unknownID: Int32?, addBOS: Bool,
                chatTemplate: ChatTemplate?) throws {
        self.tokens = tokens
        self.preTokenizer = preTokenizer
        self.bosID = bosID
        self.eosID = eosID
        self.padID = padID
        self.unknownID = unknownID
        self.addBOS = addBOS
        self.chatTemplate = chatTemplate
        mergePairs = mergeList
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(tokens.count)
        for (i, t) in tokens.enumerated() where ids[t] == nil { ids[t] = Int32(i) }
        self.ids = ids
        var table: [UInt64: (rank: Int32, merged: Int32)] = [:]
        table.reserveCapacity(mergeList.count)
        for (rank, (a, b)) in mergeList.enumerated() {
            guard let ia = ids[a], let ib = ids[b], let im = ids[a + b] else {
                throw Invalid("merge \(rank) '\(a) \(b)' names a token that is not in the vocabulary")
            }
            let key = UInt64(UInt32(bitPattern: ia)) << 32 | UInt64(UInt32(bitPattern: ib))
            if table[key] == nil { table[key] = (Int32(rank), im) }
        }
        merges = table
        var byteIDs = [Int32](repeating: -1, count: 256)
        for b in 0..<256 {
            if let id = ids[String(ByteLevel.byteToScalar[b])] { byteIDs[b] = id }
        }
        self.byteIDs = byteIDs
        for id in [bosID, eosID, padID, unknownID].compactMap({ $0 }) where id < 0 || Int(id) >= tokens.count {
            throw Invalid("special token id \(id) is outside the vocabulary of \(tokens.count)")
        }
        specialIDs = Set(special)
        specialTokens = special.map { (tokens[Int($0)], $0) }.filter { !$0.0.isEmpty }
            .sorted { $0.0.utf8.count > $1.0.utf8.count }
        specialTokenBytes = specialTokens.map { (Array($0.text.utf8), $0.id) }
        specialStartBytes = Set(specialTokenBytes.compactMap { $0.bytes.first })
    }

    public func id(of token: String) -> Int32? { ids[token] }

    // MARK: encode

    /// Token ids of `text`. Special-token strings become their single ids; BOS is prepended only when the
    /// tokenizer's metadata asks for it and `addSpecial` is true.
    public func encode(_ text: String, addSpecial: Bool = false) -> [Int32] {
        var out: [Int32] = []
        if addSpecial, addBOS, let bos = bosID { out.append(bos) }
        for segment in splitOnSpecialTokens(text) {
            switch segment {
            case .special(let id): out.append(id)
            case .text(let t):
                for piece in preTokenizer.split(String(t)) { out += encodePiece(piece) }
            }
        }
        return out
    }

    enum Segment { case special(Int32), text(Substring) }

    /// Special tokens are found by their UTF-8 bytes, at every scalar: comparing `Character`s would match
    /// canonically equivalent spellings and skip a token that begins inside a grapheme cluster (after a prepended
    /// mark such as U+0600, or followed by a combining mark), where the reference tokenizer sees it.
    func splitOnSpecialTokens(_ text: String) -> [Segment] {
        guard !specialTokens.isEmpty else { return [.text(text[...])] }
        var segments: [Segment] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        var i = utf8.startIndex
        outer: while i < utf8.endIndex {
            let byte = utf8[i]
            if specialStartBytes.contains(byte) {
                for (bytes, id) in specialTokenBytes where utf8[i...].starts(with: bytes) {
                    if start < i { segments.append(.text(text[start..<i])) }
                    segments.append(.special(id))
                    i = utf8.index(i, offsetBy: bytes.count)
                    start = i
                    continue outer
                }
            }
            i = utf8.index(after: i)
            // Step over continuation bytes: a token starts on a scalar boundary.
            while i < utf8.endIndex && utf8[i] & 0xC0 == 0x80 { i = utf8.index(after: i) }
        }
        if start < utf8.endIndex { segments.append(.text(text[start...])) }
        return segments
    }

    /// Merges inside one pre-tokenized piece, lowest rank first (leftmost among equals), as reference BPE does.
    func encodePiece(_ piece: Substring) -> [Int32] {
        let key = Array(piece.utf8)
        cacheLock.lock()
        if let hit = cache[key] { cacheLock.unlock(); return hit }
        cacheLock.unlock()
        var symbols: [Int32] = []
        for b in key {
            let id = byteIDs[Int(b)]
            if id >= 0 { symbols.append(id) } else if let unk = unknownID { symbols.append(unk) }
        }
        while symbols.count > 1 {
            var bestRank = Int32.max, bestAt = -1, bestMerged: Int32 = 0
            for k in 0..<(symbols.count - 1) {
                let key = UInt64(UInt32(bitPattern: symbols[k])) << 32 | UInt64(UInt32(bitPattern: symbols[k + 1]))
                if let m = merges[key], m.rank < bestRank { bestRank = m.rank; bestAt = k; bestMerged = m.merged }
            }
            guard bestAt >= 0 else { break }
            // Merge every non-overlapping occurrence of the best pair, left to right.
            let left = symbols[bestAt], right = symbols[bestAt + 1]
            var merged: [Int32] = []
            merged.reserveCapacity(symbols.count)
            var k = 0
            while k < symbols.count {
                if k < symbols.count - 1 && symbols[k] == left && symbols[k + 1] == right {
                    merged.append(bestMerged); k += 2
                } else {
                    merged.append(symbols[k]); k += 1
                }
            }
            symbols = merged
        }
        cacheLock.lock()
        if cache.count < 200_000 { cache[key] = symbols }
        cacheLock.unlock()
        return symbols
    }

    // MARK: decode

    /// The bytes that `ids` spell; special tokens spell their own text unless `skipSpecial`.
    public func decodeBytes(_ ids: [Int32], skipSpecial: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = []
        for id in ids {
            guard id >= 0, Int(id) < tokens.count else { continue }
            let t = tokens[Int(id)]
            if specialIDs.contains(id) {
                if !skipSpecial { bytes += Array(t.utf8) }
            } else if let b = ByteLevel.decode(t) {
                bytes += b
            } else {
                bytes += Array(t.utf8)
            }
        }
        return bytes
    }

    /// Text of `ids`. Bytes that do not form valid UTF-8 (a character cut between tokens) become U+FFFD, as the
    /// reference decoder does.
    public func decode(_ ids: [Int32], skipSpecial: Bool = false) -> String {
        String(decoding: decodeBytes(ids, skipSpecial: skipSpecial), as: UTF8.self)
    }

    public func isSpecial(_ id: Int32) -> Bool { specialIDs.contains(id) }
}

extension BPETokenizer {
    /// A tokenizer with one token per byte and no merges, plus an end-of-sequence and the ChatML markers: what the
    /// built-in tiny model reads, so that every command runs on it without a model file.
    public static func bytesOnly() -> BPETokenizer {
        let tokens = ByteLevel.byteToScalar.map { String($0) } + ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
        // Built from constants: the vocabulary and its special ids are consistent by construction.
        return try! BPETokenizer(tokens: tokens, merges: [], special: [256, 257, 258], preTokenizer: .gpt2,
                                 bosID: nil, eosID: 256, padID: 256, unknownID: nil, addBOS: false, chatTemplate: nil)
    }
}
