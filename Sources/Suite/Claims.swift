import Foundation
import Harness
import Results

/// Who is running a run: a file `<out>/.claims/<run id>.json` created atomically (O_EXCL), with the host, the
/// process, its start, and a heartbeat the holder refreshes every few seconds with the run's progress. A claim whose
/// process is gone (same host) or whose heartbeat is stale (another host) is taken over, so that two suites on
/// one folder, or two shards, never run the same run, and a killed suite's runs are run again.
public struct Claim: Codable, Sendable, Equatable {
    public var runID: String
    public var host: String
    public var pid: Int32
    /// The process' start in clock ticks since boot (`/proc/<pid>/stat`), so that a reused pid is not taken for
    /// the holder.
    public var processStart: UInt64
    public var startedAt: Double
    public var heartbeat: Double
    public var shard: String?
    public var progress: Progress?

    public struct Progress: Codable, Sendable, Equatable {
        public var phase: String
        public var step: Int?
        public var steps: Int?
        public var loss: Double?
        public var tokensPerSecond: Double?
        public init(phase: String, step: Int? = nil, steps: Int? = nil, loss: Double? = nil, tokensPerSecond: Double? = nil) {
            self.phase = phase
            self.step = step
            self.steps = steps
            self.loss = loss
            self.tokensPerSecond = tokensPerSecond
        }
    }

    /// The same holder (progress and heartbeat aside).
    func sameHolder(_ other: Claim) -> Bool {
        runID == other.runID && host == other.host && pid == other.pid && processStart == other.processStart && startedAt == other.startedAt
    }
}

public struct ClaimStore {
    public let folder: String
    /// A heartbeat older than this (seconds) marks a claim of another host as abandoned.
    public var staleAfter: Double = 60

    public init(outFolder: String) {
        folder = (outFolder as NSString).appendingPathComponent(".claims")
    }

    func path(_ runID: String) -> String { (folder as NSString).appendingPathComponent("\(runID).json") }

    public static let host = ProcessInfo.processInfo.hostName

    public static func newClaim(runID: String, shard: String?) -> Claim {
        let now = Date().timeIntervalSince1970
        return Claim(runID: runID, host: host, pid: getpid(), processStart: processStart(getpid()) ?? 0, startedAt: now,
                     heartbeat: now, shard: shard, progress: Claim.Progress(phase: "starting"))
    }

    public func read(_ runID: String) -> Claim? {
        guard let data = FileManager.default.contents(atPath: path(runID)) else { return nil }
        return try? JSONDecoder().decode(Claim.self, from: data)
    }

    /// Whether the holder of `claim` is still at work.
    public func isLive(_ claim: Claim, now: Double = Date().timeIntervalSince1970) -> Bool {
        if claim.host == Self.host {
            guard kill(claim.pid, 0) == 0 || errno == EPERM else { return false }
            if let start = Self.processStart(claim.pid), claim.processStart != 0 { return start == claim.processStart }
            return true
        }
        return now - claim.heartbeat < staleAfter
    }

    public enum Outcome: Equatable { case acquired(Claim), heldBy(Claim) }

    /// Takes the claim of `runID`, or says who holds it. A dead holder's claim is moved aside and taken over.
    public func acquire(_ runID: String, shard: String?) throws -> Outcome {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for _ in 0..<5 {
            let mine = Self.newClaim(runID: runID, shard: shard)
            if try create(mine) { return .acquired(mine) }
            guard let held = read(runID) else {
                // Just released, or being written: look again.
                usleep(50_000)
                if read(runID) == nil, FileManager.default.fileExists(atPath: path(runID)) {
                    // A claim file that stays unreadable (an interrupted write elsewhere) counts as abandoned.
                    try? takeOverUnreadable(runID)
                }
                continue
            }
            if isLive(held) { return .heldBy(held) }
            // Moving it aside is atomic: of two suites taking over, one moves it and the other finds it gone.
            let aside = path(runID) + ".stale.\(Self.host).\(getpid())"
            guard rename(path(runID), aside) == 0 else { continue }
            let moved = (FileManager.default.contents(atPath: aside)).flatMap { try? JSONDecoder().decode(Claim.self, from: $0) }
            if let moved, !moved.sameHolder(held) {
                // A new holder's fresh claim was moved, not the dead one: put it back (link fails if taken again).
                link(aside, path(runID))
                unlink(aside)
                if let now = read(runID) { return .heldBy(now) }
                continue
            }
            unlink(aside)
        }
        if let held = read(runID) { return .heldBy(held) }
        throw RunError("\(path(runID)): cannot take the claim")
    }

    private func takeOverUnreadable(_ runID: String) throws {
        let attrs = try FileManager.default.attributesOfItem(atPath: path(runID))
        if let modified = attrs[.modificationDate] as? Date, Date().timeIntervalSince(modified) > staleAfter { unlink(path(runID)) }
    }

    /// Creates the claim file only if there is none (O_CREAT|O_EXCL), writing it whole through a temporary name
    /// and `link`, so that a reader never sees a half-written claim.
    private func create(_ claim: Claim) throws -> Bool {
        let temporary = path(claim.runID) + ".new.\(Self.host).\(getpid())"
        try write(claim, to: temporary)
        defer { unlink(temporary) }
        if link(temporary, path(claim.runID)) == 0 { return true }
        if errno == EEXIST { return false }
        throw RunError("\(path(claim.runID)): cannot create the claim (\(String(cString: strerror(errno))))")
    }

    private func write(_ claim: Claim, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do { try encoder.encode(claim).write(to: URL(fileURLWithPath: path)) } catch {
            throw RunError("\(path): cannot write the claim (\(error.localizedDescription))")
        }
    }

    /// Refreshes the heartbeat and progress of a claim we hold; false when it is no longer ours (taken over).
    public func refresh(_ claim: inout Claim, progress: Claim.Progress?) -> Bool {
        guard let current = read(claim.runID), current.sameHolder(claim) else { return false }
        claim.heartbeat = Date().timeIntervalSince1970
        if let progress { claim.progress = progress }
        let temporary = path(claim.runID) + ".beat.\(Self.host).\(getpid())"
        guard (try? write(claim, to: temporary)) != nil else { return true }
        return rename(temporary, path(claim.runID)) == 0
    }

    /// Removes a claim we hold.
    public func release(_ claim: Claim) {
        if let current = read(claim.runID), current.sameHolder(claim) { unlink(path(claim.runID)) }
    }

    /// Every claim file in the folder, readable or not.
    public func all() -> [Claim] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".json") }.compactMap { read(String($0.dropLast(5))) }
    }

    /// A process' start time in clock ticks since boot (field 22 of `/proc/<pid>/stat`); nil off Linux or when gone.
    static func processStart(_ pid: Int32) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // Fields after the command name (which may hold spaces) start at field 3.
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }
}
