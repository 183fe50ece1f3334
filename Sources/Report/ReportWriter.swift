import Foundation
import Results

/// Writes the static report: `index.html` (a table per task, a row per run) and `runs/<run id>.html` (one page per
/// run). No server, no external assets. New pages join by adding a `ReportPage` and writing it here.
public struct ReportWriter {
    public let runsFolder: String
    public let outFolder: String
    /// Only these runs (a suite's), when given; otherwise every run folder.
    public let only: Set<String>?
    /// A name per run id to show instead of the method's (a suite's method entry, such as a variant's name).
    public let labels: [String: String]
    /// A suite's sweeps, one grid per task × method entry × measure.
    public let grids: [SweepGrid]

    public init(runsFolder: String, outFolder: String, only: Set<String>? = nil, labels: [String: String] = [:], grids: [SweepGrid] = []) {
        self.runsFolder = runsFolder
        self.outFolder = outFolder
        self.only = only
        self.labels = labels
        self.grids = grids
    }

    /// A run's files as the report reads them; `problem` says why a folder could not be read.
    struct LoadedRun {
        var folder: String
        var result: RunResult?
        var predictions: [Prediction]
        var problem: String?
    }

    func loadRuns() throws -> [LoadedRun] {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: runsFolder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RunError("\(runsFolder): no such runs folder")
        }
        let names = try fm.contentsOfDirectory(atPath: runsFolder).filter { !$0.hasPrefix(".") && only?.contains($0) != false }.sorted()
        return names.compactMap { name in
            let folder = (runsFolder as NSString).appendingPathComponent(name)
            guard fm.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
            // A run folder is published whole with its result.json; other folders (a suite's report/, slurm/) are not runs.
            guard fm.fileExists(atPath: (folder as NSString).appendingPathComponent("result.json")) else { return nil }
            do {
                let result = try RunFiles.readResult(folder: folder)
                let predictions = (try? RunFiles.readPredictions(folder: folder)) ?? []
                return LoadedRun(folder: folder, result: result, predictions: predictions, problem: nil)
            } catch {
                // Listed in the report as unreadable, never dropped without a word.
                return LoadedRun(folder: folder, result: nil, predictions: [], problem: "\(error)")
            }
        }
    }

    /// Writes every page; returns the path of `index.html`.
    @discardableResult
    public func write() throws -> String {
        let runs = try loadRuns()
        let pages = (outFolder as NSString).appendingPathComponent("runs")
        do { try FileManager.default.createDirectory(atPath: pages, withIntermediateDirectories: true) } catch {
            throw RunError("\(pages): cannot create (\(error.localizedDescription))")
        }
        for run in runs {
            guard let result = run.result else { continue }
            let page = RunPage(result: result, predictions: run.predictions).render()
            try save(page, (pages as NSString).appendingPathComponent(RunPage.fileName(result.runID)))
        }
        let index = (outFolder as NSString).appendingPathComponent("index.html")
        try save(IndexPage(runs: runs, labels: labels, grids: grids).render(), index)
        return index
    }

    func save(_ html: String, _ path: String) throws {
        do { try AtomicFile.write(Data(html.utf8), to: path) } catch { throw RunError("\(error)") }
    }
}

/// The style every page shares, inline so the report is one folder with no external assets.
enum ReportStyle {
    static let css = """
    body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1b1f24;max-width:1400px}
    table{border-collapse:collapse;margin:8px 0 24px}th,td{border:1px solid #d0d7de;padding:4px 8px;vertical-align:top;text-align:left}
    th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}.ci{color:#57606a;font-size:12px;display:block}
    .status-completed{color:#1a7f37}.status-diverged,.status-failed{color:#cf222e}pre{white-space:pre-wrap;margin:0;max-width:520px}
    .muted{color:#57606a}code{font-size:12px}
    """
}
