import Checkpoints
import Foundation
import Methods
import Results

/// The last stage: the adapter (and, when asked, the whole tuned model), the predictions, and `result.json`
/// written last, so that a folder with a finished `result.json` holds every file it names.
enum RunRecord {
    static func write(_ result: RunResult, predictions: [Prediction]?, statistics: ExampleStatistics? = nil, applied: AppliedMethod?,
                      plan: RunPlan, folder: String, options: Runner.Options) throws -> RunResult {
        var result = result
        if let applied, plan.spec.method != "full" { result.cost.adapterBytes = try saveAdapter(applied, folder: folder) }
        if options.saveModel, predictions != nil {
            let tensors = plan.model.parameters.map { p in (name: p.name, shape: p.shape, values: UnsafeBufferPointer(start: p.value.pointer, count: p.count)) }
            do {
                try SafetensorsWriter.write(tensors, metadata: ["format": "pt", "method": plan.spec.method],
                                            to: (folder as NSString).appendingPathComponent("model.safetensors"))
            } catch { throw RunError("\(error)") }
        }
        if let predictions { try RunFiles.writePredictions(predictions, folder: folder) }
        if let statistics {
            try RunFiles.write(try JSONEncoder().encode(statistics), to: (folder as NSString).appendingPathComponent(ExampleStatistics.fileName))
        }
        if result.status == .running { result.status = .completed }
        result.finishedAt = Runner.timestamp()
        // result.json itself, written last, is the one write its own record cannot time.
        result.closePhase(\.writing, runStarted: plan.clock)
        result.cost.wallSeconds = Date().timeIntervalSince(plan.clock)
        try RunFiles.writeResult(result, folder: folder)
        options.onEvent(.finished(status: result.status.rawValue,
                                  summary: result.metrics.map { String(format: "%@ %.2f", $0.name, $0.score) }.joined(separator: ", ")))
        return result
    }

    /// The adapter goes to a temporary folder first and is renamed into place whole.
    private static func saveAdapter(_ applied: AppliedMethod, folder: String) throws -> Int {
        let target = (folder as NSString).appendingPathComponent("adapter")
        let temporary = (folder as NSString).appendingPathComponent(".adapter.partial-\(getpid())")
        let fm = FileManager.default
        try? fm.removeItem(atPath: temporary)
        do {
            try AdapterFile.save(applied, to: temporary)
            try? fm.removeItem(atPath: target)
            try fm.moveItem(atPath: temporary, toPath: target)
        } catch {
            try? fm.removeItem(atPath: temporary)
            throw RunError("\(target): cannot save the adapter (\(error))")
        }
        let names = (try? fm.contentsOfDirectory(atPath: target)) ?? []
        return names.reduce(0) { total, name in
            total + ((try? fm.attributesOfItem(atPath: (target as NSString).appendingPathComponent(name))[.size] as? Int) ?? 0)
        }
    }
}
