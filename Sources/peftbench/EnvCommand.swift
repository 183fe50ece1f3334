import ArgumentParser
import Engine
import Foundation
import Harness
import Results

struct EnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env", abstract: "Print the CPU, OpenBLAS kernel and threads, compiler and project revision.")

    @OptionGroup var runtime: RuntimeOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        runtime.apply()
        let report = EnvironmentReport.current()
        if json {
            print(try JSONOutput.string(report))
            return
        }
        let fast = BLASRuntime.preferredCoreType(loadedCore: report.openblasCore, cpu: .current, environment: [:]) == nil
        print("cpu:              \(report.cpu) (\(report.cpuVendor), family \(report.cpuFamily.map(String.init) ?? "?"), model \(report.cpuModel.map(String.init) ?? "?"))")
        print("cores:            \(report.cores)")
        print("simd:             \(report.simdFeatures.joined(separator: " "))")
        print("openblas:         \(report.openblasVersion), core \(report.openblasCore)\(fast ? "" : " (slower than this CPU allows)"), \(report.openblasThreads) threads")
        print("openblas config:  \(report.openblasConfig)")
        if let v = report.openblasCoretypeVariable { print("OPENBLAS_CORETYPE: \(v)") }
        print("swift:            \(report.swiftVersion)")
        print("revision:         \(report.gitRevision)")
    }
}

enum JSONOutput {
    /// `keepKeys` leaves the property names as they are (for outputs whose keys are fixed names, like the E2E
    /// script's `BLEU` and `ROUGE_L`).
    static func string<T: Encodable>(_ value: T, keepKeys: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        if !keepKeys { encoder.keyEncodingStrategy = .convertToSnakeCase }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
