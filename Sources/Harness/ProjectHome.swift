import Foundation

/// Where the shipped task definitions and suites are, whatever the working directory: `--tasks-dir`, else
/// `$PEFTBENCH_HOME`, else the folder holding the executable or one of its ancestors (a clone with its
/// `.build/release/peftbench`, or an install's `share/peftbench`), else the working directory.
public enum ProjectHome {
    /// The candidate homes in the order they are tried, with what put each there (for error messages).
    public static func candidates() -> [(folder: String, source: String)] {
        var out: [(String, String)] = []
        if let home = ProcessInfo.processInfo.environment["PEFTBENCH_HOME"], !home.isEmpty { return [(home, "$PEFTBENCH_HOME")] }
        if let exe = executablePath() {
            var dir = (exe as NSString).deletingLastPathComponent
            while dir != "/" && !dir.isEmpty {
                out.append((dir, "the executable's folder"))
                out.append(((dir as NSString).appendingPathComponent("share/peftbench"), "the executable's folder"))
                dir = (dir as NSString).deletingLastPathComponent
            }
        }
        out.append((FileManager.default.currentDirectoryPath, "the working directory"))
        return out
    }

    /// The first candidate holding `name` (`tasks` or `suites`) as a folder.
    public static func folder(_ name: String, explicit: String?, flag: String) throws -> String {
        if let explicit {
            guard isDirectory(explicit) else { throw SetupError("\(explicit): no such folder (given by \(flag))") }
            return explicit
        }
        let tried = candidates()
        for c in tried {
            let path = (c.folder as NSString).appendingPathComponent(name)
            if isDirectory(path) { return path }
        }
        let looked = tried.first.map { "\($0.folder)/\(name) (\($0.source))" } ?? name
        throw SetupError("no '\(name)' folder found (looked in \(looked), its parents and the working directory); "
            + "set PEFTBENCH_HOME to the peftbench folder or pass \(flag)")
    }

    private static func executablePath() -> String? {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        #endif
        return Bundle.main.executablePath.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }
}
