import Foundation
import Results

/// Writes the static report of a folder of runs: the overview (`index.html`), trade-offs, a page per task, a
/// predictions browser per task, methodology, downloads (`data/*.csv`, `data/*.json`, `data/summary.md`) and a page
/// per run. No server, no external assets; opens from `file://`. When the folder is a suite's (it holds
/// `suite.json`), the report takes the suite's method entries, comparison, selection and sweeps from it and shows
/// only the suite's runs.
public struct ReportWriter {
    public let runsFolder: String
    public let outFolder: String
    /// Told of every run folder that cannot be read (it is listed in the report as unreadable): a command says so.
    public var onUnreadable: (String) -> Void = { _ in }

    public init(runsFolder: String, outFolder: String) {
        self.runsFolder = runsFolder
        self.outFolder = outFolder
    }

    func load() throws -> ReportData {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: runsFolder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RunError("\(runsFolder): no such runs folder")
        }
        let summaryPath = (runsFolder as NSString).appendingPathComponent("suite.json")
        let summary = fm.fileExists(atPath: summaryPath) ? try SuiteSummary.read(summaryPath) : nil
        let only = summary.map { Set($0.runs.map(\.runID)) }
        let names: [String]
        do { names = try fm.contentsOfDirectory(atPath: runsFolder).filter { !$0.hasPrefix(".") && only?.contains($0) != false }.sorted() } catch {
            throw RunError("\(runsFolder): cannot list (\(error.localizedDescription))")
        }
        let loaded = names.compactMap { name -> ReportData.LoadedRun? in
            let folder = (runsFolder as NSString).appendingPathComponent(name)
            guard fm.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
            // A run folder is published whole with its result.json; other folders (a suite's report/, slurm/) are not runs.
            guard fm.fileExists(atPath: (folder as NSString).appendingPathComponent("result.json")) else { return nil }
            do {
                let result = try RunFiles.readResult(folder: folder)
                let predictions: [Prediction]
                do { predictions = try RunFiles.readPredictions(folder: folder) } catch {
                    onUnreadable("\(folder)/predictions.jsonl: \(error)")
                    return ReportData.LoadedRun(folder: folder, result: nil, predictions: [], problem: "predictions.jsonl: \(error)")
                }
                return ReportData.LoadedRun(folder: folder, result: result, predictions: predictions, problem: nil)
            } catch {
                // Listed in the report as unreadable, never dropped without a word.
                onUnreadable("\(error)")
                return ReportData.LoadedRun(folder: folder, result: nil, predictions: [], problem: "\(error)")
            }
        }
        return ReportData(loaded: loaded, summary: summary)
    }

    /// Every page of the report, in the order they are written.
    static func pages(_ data: ReportData, _ board: Leaderboard) -> [ReportPage] {
        let grids = SweepGrid.grids(data.summary)
        var pages: [ReportPage] = [OverviewPage(data: data, board: board), TradeOffsPage(data: data, board: board), MethodologyPage(data: data)]
        for task in data.tasks {
            pages.append(TaskPage(data: data, board: board, task: task, grids: grids.filter { $0.task == task }))
            pages.append(PredictionsPage(data: data, task: task))
        }
        for r in data.loaded.compactMap(\.result) {
            pages.append(RunPage(result: r, predictions: data.predictions[r.runID] ?? [], entry: data.entry(r)))
        }
        pages.append(DownloadsPage(tables: tables(data, board)))
        return pages
    }

    /// Every table the downloads offer.
    static func tables(_ data: ReportData, _ board: Leaderboard) -> [ReportTable] {
        [OverviewPage.table(board, data: data), TradeOffsPage.table(data)]
            + data.tasks.flatMap { [TaskPage.comparisonTable(data, task: $0), TaskPage.testsTable(data, task: $0), TaskPage.runsTable(data, task: $0)] }
    }

    /// Writes every page and download; returns the path of `index.html`.
    @discardableResult
    public func write() throws -> String {
        let data = try load()
        let board = Leaderboard(data)
        for page in Self.pages(data, board) {
            try save(Data(PageShell.render(page, data: data).utf8), page.path)
        }
        for table in Self.tables(data, board) {
            try save(table.csv(), "data/\(HTMLEscape.fileName(table.id)).csv")
            try save(table.json(), "data/\(HTMLEscape.fileName(table.id)).json")
        }
        try save(Data(MarkdownSummary.render(data: data, board: board).utf8), "data/summary.md")
        return (outFolder as NSString).appendingPathComponent("index.html")
    }

    /// Writes only the Markdown summary (`summary.md` in the output folder); returns its path.
    @discardableResult
    public func writeMarkdown() throws -> String {
        let data = try load()
        try save(Data(MarkdownSummary.render(data: data, board: Leaderboard(data)).utf8), "summary.md")
        return (outFolder as NSString).appendingPathComponent("summary.md")
    }

    func save(_ bytes: Data, _ relative: String) throws {
        let path = (outFolder as NSString).appendingPathComponent(relative)
        let folder = (path as NSString).deletingLastPathComponent
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw RunError("\(folder): cannot create (\(error.localizedDescription))")
        }
        try AtomicFile.write(bytes, to: path)
    }
}
