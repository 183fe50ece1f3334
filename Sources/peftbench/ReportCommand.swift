import ArgumentParser
import Foundation
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
        var writer = ReportWriter(runsFolder: runs, outFolder: out)
        var unreadable: [String] = []
        writer.onUnreadable = { unreadable.append($0) }
        print(try format == .md ? writer.writeMarkdown() : writer.write())
        // The report lists them; the exit status says the folder was not all readable.
        for problem in unreadable {
            let line = problem.split(whereSeparator: \.isNewline).joined(separator: " ")
            FileHandle.standardError.write(Data("peftbench: \(line) (listed in the report as unreadable)\n".utf8))
        }
        if !unreadable.isEmpty { throw ExitCode(1) }
    }
}
