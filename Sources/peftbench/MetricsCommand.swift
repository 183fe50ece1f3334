import ArgumentParser
import Foundation
import Metrics

struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "The metrics, as the registry declares them.", subcommands: [MetricsListCommand.self])
}

struct MetricsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Every metric: its name, the reference tool it equals, its scale and convention.")
    @Flag(help: "Print JSON.") var json = false

    struct Entry: Codable {
        var name: String
        var reference: String
        var scale: String
        var higherIsBetter: Bool
        var settings: [String]
        var convention: String

        enum CodingKeys: String, CodingKey {
            case name, reference, scale, settings, convention
            case higherIsBetter = "higher_is_better"
        }
    }

    func run() throws {
        let entries = MetricRegistry.all.map {
            Entry(name: $0.name, reference: $0.reference, scale: $0.scale.rawValue, higherIsBetter: $0.higherIsBetter,
                  settings: $0.settings.map(\.rawValue).sorted(), convention: $0.convention)
        }
        if json { print(try JSONOutput.string(entries)); return }
        for e in entries {
            let settings = e.settings.isEmpty ? "" : "  [settings: \(e.settings.joined(separator: ", "))]"
            print("\(e.name.padding(toLength: 15, withPad: " ", startingAt: 0)) \(e.scale.padding(toLength: 6, withPad: " ", startingAt: 0)) \(e.reference)\(settings)")
            print("\(String(repeating: " ", count: 23))\(e.convention)")
        }
    }
}
