import ArgumentParser

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure the engine: sgemm, training, forward and decoding throughput.",
        subcommands: [BenchGEMMCommand.self, BenchTrainCommand.self, BenchForwardCommand.self, BenchGenerateCommand.self, BenchMetricsCommand.self])
}
