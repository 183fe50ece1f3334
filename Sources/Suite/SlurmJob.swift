import Foundation
import Harness
import Results

/// A suite as a Slurm job array: one array task per shard (`suite run --shard $SLURM_ARRAY_TASK_ID/N`), at most
/// `parallel` at once, each asking for the suite's threads and memory and a time limit from the estimate; then a
/// job that waits for the whole array (`afterany`, so it runs even when a shard failed) and writes `suite.json` and
/// the report. Shards share the suite's folder, so a requeued or duplicated array task finds its runs claimed or
/// done.
public struct SlurmJob {
    public var plan: SuitePlan
    public var outFolder: String
    public var tasksFolder: String
    public var executable: String
    public var shards: Int
    public var parallel: Int
    public var threads: Int
    /// Seconds the largest shard should take (from `SuiteEstimate`).
    public var shardSeconds: Double
    public var partition: String?
    public var account: String?

    public init(plan: SuitePlan, outFolder: String, tasksFolder: String, executable: String, shards: Int, parallel: Int, threads: Int,
                shardSeconds: Double, partition: String?, account: String?) {
        self.plan = plan
        self.outFolder = Self.absolute(outFolder)
        self.tasksFolder = Self.absolute(tasksFolder)
        self.executable = Self.absolute(executable)
        self.shards = shards
        self.parallel = parallel
        self.threads = threads
        self.shardSeconds = shardSeconds
        self.partition = partition
        self.account = account
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }

    public var slurmFolder: String { (outFolder as NSString).appendingPathComponent("slurm") }
    var suiteFile: String { Self.absolute(plan.file.path) }

    /// Memory per array task: the per-run limit plus the suite process itself, or 8 GiB when the suite sets none.
    var memoryMiB: Int { plan.file.limits.memory.map { $0 / 1_048_576 + 512 } ?? 8192 }

    /// Twice the estimate plus ten minutes, and never less than one run's own limit: a shard cut off by Slurm
    /// is continued by a resubmission, but it wastes the run it was in.
    var timeLimit: String {
        let seconds = max(2 * shardSeconds + 600, (plan.file.limits.wallClock ?? 0) + 600)
        let minutes = Int((seconds / 60).rounded(.up))
        return String(format: "%d-%02d:%02d:00", minutes / 1440, (minutes % 1440) / 60, minutes % 60)
    }

    /// A batch script: its name, log, resources (`#SBATCH` lines) and the one command it runs.
    func script(_ name: String, log: String, resources: [String], command: String) -> String {
        var lines = ["#!/bin/bash", "#SBATCH --job-name=\(name)", "#SBATCH --output=\(Self.quote(log))"]
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let account { lines.append("#SBATCH --account=\(account)") }
        lines += resources.map { "#SBATCH \($0)" }
        lines += ["set -euo pipefail", "exec \(Self.quote(executable)) \(command)"]
        return lines.joined(separator: "\n") + "\n"
    }

    var logs: String { (slurmFolder as NSString).appendingPathComponent("logs") }

    public var arrayScript: String {
        // --requeue: Slurm sends SIGTERM before it kills a task at its time limit or on preemption; the suite records
        // the run as interrupted and exits, and the requeued task continues it.
        script("peftbench-\(plan.file.name)", log: (logs as NSString).appendingPathComponent("shard-%a.log"),
               resources: ["--array=0-\(shards - 1)%\(parallel)", "--cpus-per-task=\(threads)", "--mem=\(memoryMiB)M",
                           "--time=\(timeLimit)", "--requeue"],
               command: "suite run \(Self.quote(suiteFile)) --out \(Self.quote(outFolder)) --tasks-dir \(Self.quote(tasksFolder)) "
                   + "--shard \"${SLURM_ARRAY_TASK_ID}/\(shards)\" --threads \"${SLURM_CPUS_PER_TASK:-\(threads)}\" --no-report")
    }

    public var summarizeScript: String {
        script("peftbench-\(plan.file.name)-summary", log: (logs as NSString).appendingPathComponent("summarize.log"),
               resources: ["--cpus-per-task=1", "--mem=2048M", "--time=0-00:30:00"],
               command: "suite summarize \(Self.quote(suiteFile)) --out \(Self.quote(outFolder)) --tasks-dir \(Self.quote(tasksFolder))")
    }

    /// Writes both scripts into `<out>/slurm/`; returns their paths.
    public func write() throws -> (array: String, summarize: String) {
        let fm = FileManager.default
        do { try fm.createDirectory(atPath: logs, withIntermediateDirectories: true) } catch {
            throw RunError("\(slurmFolder): cannot create (\(error.localizedDescription))")
        }
        let array = (slurmFolder as NSString).appendingPathComponent("array.sbatch")
        let summarize = (slurmFolder as NSString).appendingPathComponent("summarize.sbatch")
        try RunFiles.write(Data(arrayScript.utf8), to: array)
        try RunFiles.write(Data(summarizeScript.utf8), to: summarize)
        return (array, summarize)
    }

    /// Submits the array, then the summary job depending on it; returns both job ids.
    public func submit(array: String, summarize: String) throws -> (array: String, summarize: String) {
        let arrayID = try Self.sbatch(["--parsable", array])
        let summaryID = try Self.sbatch(["--parsable", "--dependency=afterany:\(arrayID)", summarize])
        return (arrayID, summaryID)
    }

    static func sbatch(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sbatch"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { throw RunError("sbatch: cannot run (\(error.localizedDescription)); is Slurm installed?") }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, let id = text.split(separator: ";").first, !id.isEmpty else {
            let reason = String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw RunError("sbatch \(arguments.last ?? ""): \(reason.isEmpty ? "exit status \(process.terminationStatus)" : reason)")
        }
        return String(id)
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
