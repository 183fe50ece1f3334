import Engine
import Foundation
import Results

extension EnvironmentReport {
    public static func current() -> EnvironmentReport {
        let cpu = CPUInfo.current
        return EnvironmentReport(
            cpu: cpu.modelName, cpuVendor: cpu.vendor, cpuFamily: cpu.family, cpuModel: cpu.model,
            cores: cpu.logicalCores, simdFeatures: cpu.simdFeatures,
            openblasVersion: BLASRuntime.version, openblasCore: BLASRuntime.coreName,
            openblasConfig: BLASRuntime.config, openblasThreads: BLASRuntime.threads,
            openblasCoretypeVariable: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"],
            swiftVersion: compilerVersion, gitRevision: gitRevision())
    }

    /// The compiler that built this binary.
    public static var compilerVersion: String {
        #if compiler(>=6.5)
        return "6.5 or later"
        #elseif compiler(>=6.4)
        return "6.4"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }

    /// The revision of the source tree this binary was built from (with `-dirty` for uncommitted changes).
    public static func gitRevision() -> String {
        let sourceDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
        func git(_ args: [String]) -> String? {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["git", "-C", sourceDir] + args
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            do { try p.run() } catch { return nil }
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { return nil }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let rev = git(["rev-parse", "--short=12", "HEAD"]) else { return "unknown" }
        let dirty = (git(["status", "--porcelain", "--untracked-files=no"]) ?? "").isEmpty ? "" : "-dirty"
        return rev + dirty
    }
}
