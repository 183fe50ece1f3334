import Engine
import Foundation

/// The facts a measurement depends on: CPU, BLAS kernel and threads, compiler, project revision.
public struct EnvironmentReport: Codable, Sendable {
    public var cpu: String
    public var cpuVendor: String
    public var cpuFamily: Int?
    public var cpuModel: Int?
    public var cores: Int
    public var simdFeatures: [String]
    public var openblasVersion: String
    public var openblasCore: String
    public var openblasConfig: String
    public var openblasThreads: Int
    public var openblasCoretypeVariable: String?
    public var swiftVersion: String
    public var gitRevision: String

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
