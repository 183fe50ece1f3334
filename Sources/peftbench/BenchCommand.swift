import ArgumentParser

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure the engine: sgemm throughput and training speed.",
        subcommands: [BenchGEMMCommand.self, BenchTrainCommand.self])
}
