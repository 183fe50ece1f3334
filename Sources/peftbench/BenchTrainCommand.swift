import ArgumentParser
import Engine
import Foundation
import Model
import Training

struct BenchTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Training throughput: tokens/s, achieved GFLOPS, MFU against sgemm measured here, peak RSS.")

    @OptionGroup var runtime: RuntimeOptions
    @Option(help: "Model: tiny, or a Hugging Face config.json (random weights of that shape).") var model = "tiny"
    @Option(help: "Method: full.") var method = "full"
    @Option(help: "Sequences per step.") var batch = 8
    @Option(help: "Tokens per sequence.") var seq = 128
    @Option(help: "Timed optimizer steps.") var steps = 10
    @Option(help: "Untimed steps first (buffers are allocated in the first).") var warmup = 1
    @Option(help: "Seed of the initialisation and the token stream.") var seed: UInt64 = 0
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard batch >= 1, seq >= 2, steps >= 1, warmup >= 0 else {
            throw ValidationError("--batch, --steps must be ≥ 1, --seq ≥ 2, --warmup ≥ 0")
        }
        guard method == "full" else { throw ValidationError("unknown method '\(method)'; this build knows: full") }
    }

    struct Report: Codable {
        var model: String
        var method: String
        var batch: Int
        var seq: Int
        var steps: Int
        var threads: Int
        var openblasCore: String
        var trainableParameters: Int
        var totalParameters: Int
        var stepSeconds: Double
        var tokensPerS: Double
        var gflops: Double
        var sgemmGflops: Double
        var mfu: Double
        var peakRssBytes: Int?
        var finalLoss: Double
    }

    func run() throws {
        runtime.apply()
        let config = try ModelSpec.config(model)
        guard seq <= config.maxPositionEmbeddings else {
            throw ValidationError("--seq \(seq) exceeds the model's \(config.maxPositionEmbeddings) positions")
        }
        let lm = LlamaModel(config: config, seed: seed)
        let trainer = Trainer(model: lm, settings: .init(
            schedule: LearningRateSchedule(kind: .constant, peak: 1e-4, totalSteps: warmup + steps)))
        var rng = RandomGenerator.derived(seed: seed, stream: "bench-tokens")
        func randomBatch() -> TokenBatch {
            let seqs = (0..<batch).map { _ in (0...seq).map { _ in Int32(rng.next() % UInt64(config.vocabSize)) } }
            return TokenBatch.rightPadded(seqs, padID: 0)
        }
        var loss = 0.0
        for _ in 0..<warmup { loss = trainer.step([randomBatch()]).loss }
        let batches = (0..<steps).map { _ in randomBatch() }
        GEMM.resetFLOPCounter()
        let clock = Stopwatch()
        for b in batches { loss = trainer.step([b]).loss }
        let seconds = clock.seconds
        let flops = GEMM.executedFLOPs
        let ceiling = SgemmProbe.ceiling.measure(repeats: 5).gflops
        let gflops = flops / seconds / 1e9
        let params = lm.parameters
        let report = Report(
            model: model, method: method, batch: batch, seq: seq, steps: steps, threads: BLASRuntime.threads,
            openblasCore: BLASRuntime.coreName, trainableParameters: params.trainableCount,
            totalParameters: params.totalCount, stepSeconds: seconds / Double(steps),
            tokensPerS: Double(batch * seq * steps) / seconds, gflops: gflops, sgemmGflops: ceiling,
            mfu: gflops / ceiling, peakRssBytes: ProcessStats.peakRSSBytes, finalLoss: loss)
        if json {
            print(try JSONOutput.string(report))
            return
        }
        print("model \(model), method \(method), batch \(batch) x \(seq), \(steps) steps, \(report.threads) threads (\(report.openblasCore))")
        print("trainable parameters: \(report.trainableParameters) of \(report.totalParameters)")
        print(String(format: "step: %.4f s   tokens/s: %.1f   GEMM GFLOPS: %.2f   sgemm ceiling: %.1f   MFU: %.1f%%",
                     report.stepSeconds, report.tokensPerS, gflops, ceiling, 100 * report.mfu))
        print("peak RSS: \(report.peakRssBytes.map { String(format: "%.1f MiB", Double($0) / 1_048_576) } ?? "unknown")   loss: \(String(format: "%.4f", loss))")
    }
}
