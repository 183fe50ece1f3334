import ArgumentParser
import Report

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write the static report of a folder of runs (a suite's folder: with its comparison).")
    @Option(help: "The runs folder.") var runs = "runs"
    @Option(help: "Where index.html and the run pages go.") var out = "reports"
    @Option(help: "html: the site (overview, trade-offs, tasks, predictions, methodology, downloads); md: summary.md alone.")
    var format: Format = .html

    enum Format: String, ExpressibleByArgument, CaseIterable { case html, md }

    func run() throws {
        let writer = ReportWriter(runsFolder: runs, outFolder: out)
        print(try format == .md ? writer.writeMarkdown() : writer.write())
    }
}
