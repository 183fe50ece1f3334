import ArgumentParser
import Engine
import Foundation

struct BenchGEMMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm", abstract: "GFLOPS of sgemm on square and transformer-shaped products, on the engine's threads and on OpenBLAS's.")

    @OptionGroup var runtime: RuntimeOptions
    @Option(help: "Timed repetitions per shape (the median is reported).") var repeats = 9
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if repeats < 1 { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
    }

    struct Report: Codable {
        var openblasCore: String
        var threads: Int
        var repeats: Int
        var results: [SgemmProbe.Result]
        var bestGflops: Double
    }

    func run() throws {
        runtime.apply()
        let results = SgemmProbe.standard.map { $0.measure(repeats: repeats) }
        let report = Report(openblasCore: BLASRuntime.coreName, threads: BLASRuntime.threads, repeats: repeats,
                            results: results, bestGflops: results.map(\.bestGflops).max() ?? 0)
        if json {
            print(try JSONOutput.string(report))
            return
        }
        print("OpenBLAS \(BLASRuntime.version), core \(report.openblasCore), \(report.threads) threads; median of \(repeats)")
        print("".padding(toLength: 66, withPad: " ", startingAt: 0) + "  engine's threads   OpenBLAS's threads")
        for r in results {
            let shape = "\(r.m)x\(r.n)x\(r.k)"
            print(r.name.padding(toLength: 48, withPad: " ", startingAt: 0)
                  + shape.padding(toLength: 18, withPad: " ", startingAt: 0)
                  + String(format: "%8.1f GFLOPS %12.1f GFLOPS", r.gflops, r.openblasThreadsGflops))
        }
        print(String(format: "best: %.1f GFLOPS", report.bestGflops))
    }
}
