import ArgumentParser
import Report

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write the static HTML report of a folder of runs.")
    @Option(help: "The runs folder.") var runs = "runs"
    @Option(help: "Where index.html and the run pages go.") var out = "reports"

    func run() throws {
        print(try ReportWriter(runsFolder: runs, outFolder: out).write())
    }
}
