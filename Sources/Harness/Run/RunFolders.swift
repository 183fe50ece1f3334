import Foundation
import Results

/// The folders a run is written in and how it moves into place.
public enum RunFolders {
    /// A work folder no other process uses: `<out>/.partial/<run id>.<host>.<pid>`.
    public static func privateWorkFolder(out: String, runID: String) -> String {
        let partial = (out as NSString).appendingPathComponent(".partial")
        return (partial as NSString).appendingPathComponent("\(runID).\(ProcessInfo.processInfo.hostName).\(getpid())")
    }

    /// Creates `path` empty, removing whatever an earlier attempt left there.
    public static func makeEmpty(_ path: String) throws {
        let fm = FileManager.default
        try? fm.removeItem(atPath: path)
        do { try fm.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw SetupError("\(path): cannot create the run folder (\(error.localizedDescription))")
        }
    }

    /// Moves a finished work folder to `target`, replacing an earlier record there (a failed or interrupted one;
    /// callers never publish over a completed run they mean to keep).
    public static func publish(_ work: String, as target: String) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: target) {
            // Moved aside first so that the target is never half removed.
            let aside = work + ".replaced"
            try? fm.removeItem(atPath: aside)
            guard rename(target, aside) == 0 else { throw RunError("\(target): cannot replace (\(String(cString: strerror(errno))))") }
            try? fm.removeItem(atPath: aside)
        }
        guard rename(work, target) == 0 else { throw RunError("\(target): cannot move the run into place (\(String(cString: strerror(errno))))") }
    }

    public static func removeIfEmpty(_ folder: String) {
        rmdir(folder)
    }
}
