import ArgumentParser

struct Peftbench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peftbench",
        abstract: "Benchmark parameter-efficient fine-tuning methods against full fine-tuning.",
        subcommands: [EnvCommand.self, ModelCommand.self, MethodsCommand.self, GenerateCommand.self, ScoreCommand.self, MetricsCommand.self, TasksCommand.self,
                      RunCommand.self, CompareCommand.self, SuiteCommand.self, ReportCommand.self, ExportCommand.self, BenchCommand.self]
    )
}

/// Options every compute command takes.
struct RuntimeOptions: ParsableArguments {
    @Option(help: "OpenBLAS threads (default: all cores).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func apply() {
        BLASRuntime.setThreads(threads ?? CPUInfo.current.logicalCores)
    }
}

import Engine
