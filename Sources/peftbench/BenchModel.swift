import ArgumentParser
import Checkpoints
import Engine
import Foundation
import Model

/// The model a benchmark runs: a real checkpoint (`smollm2-135m`, a .gguf, a Hugging Face folder), `tiny`, or a
/// `config.json` giving only a shape (random weights).
struct BenchModelOptions: ParsableArguments {
    @Option(help: "smollm2-135m, a .gguf file, a Hugging Face folder, tiny, or a config.json (random weights of that shape).")
    var model = "tiny"
    @Option(help: "Sequences per step.") var batch = 8
    @Option(help: "Tokens per sequence.") var seq = 128
    @Option(help: "Seed of the token stream (and of random weights).") var seed: UInt64 = 0

    func validate() throws {
        guard batch >= 1, seq >= 2 else { throw ValidationError("--batch must be ≥ 1 and --seq ≥ 2") }
    }

    func load() throws -> LlamaModel {
        if model.hasSuffix(".json") {
            return LlamaModel(config: try CheckpointLoader.config(jsonFile: model), seed: seed, trainable: false)
        }
        let m = try ModelStore.load(model, seed: seed).model
        guard seq <= m.config.maxPositionEmbeddings else {
            throw ValidationError("--seq \(seq) exceeds the model's \(m.config.maxPositionEmbeddings) positions")
        }
        return m
    }

    /// Random token sequences of seq+1 tokens (inputs and next-token targets), every position scored.
    func randomBatch(vocab: Int, rng: inout RandomGenerator) -> TokenBatch {
        let seqs = (0..<batch).map { _ in (0...seq).map { _ in Int32(rng.next() % UInt64(vocab)) } }
        return TokenBatch.rightPadded(seqs, padID: 0)
    }
}

/// Figures every model benchmark prints.
struct ThroughputReport: Codable {
    var benchmark: String
    var model: String
    var method: String?
    var batch: Int
    var seq: Int
    var steps: Int
    var threads: Int
    var openblasCore: String
    var trainableParameters: Int?
    var totalParameters: Int
    var stepSeconds: Double
    var tokensPerS: Double
    var gflops: Double
    var sgemmGflops: Double
    var mfu: Double
    var peakRssBytes: Int?
    var minorPageFaultsPerStep: Double
    var finalLoss: Double?
    var prefillTokensPerS: Double?

    func printText() {
        print("\(benchmark): model \(model)\(method.map { ", method \($0)" } ?? ""), batch \(batch) x \(seq), \(steps) steps, \(threads) threads (\(openblasCore))")
        if let t = trainableParameters { print("trainable parameters: \(t) of \(totalParameters)") }
        print(String(format: "step: %.4f s   tokens/s: %.1f   GEMM GFLOPS: %.2f   sgemm ceiling: %.1f   MFU: %.1f%%",
                     stepSeconds, tokensPerS, gflops, sgemmGflops, 100 * mfu))
        if let p = prefillTokensPerS { print(String(format: "prefill tokens/s: %.1f", p)) }
        let rss = peakRssBytes.map { String(format: "%.1f MiB", Double($0) / 1_048_576) } ?? "unknown"
        print("peak RSS: \(rss)   minor page faults per step: \(String(format: "%.0f", minorPageFaultsPerStep))"
              + (finalLoss.map { String(format: "   loss: %.4f", $0) } ?? ""))
    }

    func emit(json: Bool) throws {
        if json { print(try JSONOutput.string(self)) } else { printText() }
    }
}

extension ThroughputReport {
    /// The figures of one measurement of `tokens` tokens, with the sgemm ceiling measured now.
    init(benchmark: String, options: BenchModelOptions, model: LlamaModel, method: String?, steps: Int, tokens: Int,
         seconds: Double, flops: Double, faultsPerStep: Double, loss: Double?, prefillTokensPerS: Double? = nil) {
        let ceiling = SgemmProbe.ceiling.measure(repeats: 5).bestGflops
        let gflops = flops / seconds / 1e9
        let params = model.parameters
        self.init(
            benchmark: benchmark, model: options.model, method: method, batch: options.batch, seq: options.seq,
            steps: steps, threads: BLASRuntime.threads, openblasCore: BLASRuntime.coreName,
            trainableParameters: method == nil ? nil : params.trainableCount, totalParameters: model.parameterElementCount,
            stepSeconds: seconds / Double(steps), tokensPerS: Double(tokens) / seconds, gflops: gflops,
            sgemmGflops: ceiling, mfu: gflops / ceiling, peakRssBytes: ProcessStats.peakRSSBytes,
            minorPageFaultsPerStep: faultsPerStep, finalLoss: loss, prefillTokensPerS: prefillTokensPerS)
    }
}

/// Times `steps` runs of `body` after `warmup` untimed ones; FLOPs are those of the sgemm calls that ran.
func measure(steps: Int, warmup: Int, _ body: () -> Void) -> (seconds: Double, flops: Double, faultsPerStep: Double) {
    for _ in 0..<warmup { body() }
    GEMM.resetFLOPCounter()
    let faults = ProcessStats.minorPageFaults
    let clock = Stopwatch()
    for _ in 0..<steps { body() }
    let seconds = clock.seconds
    return (seconds, GEMM.executedFLOPs, Double(ProcessStats.minorPageFaults - faults) / Double(steps))
}
