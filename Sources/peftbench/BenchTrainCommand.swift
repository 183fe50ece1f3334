import ArgumentParser
import Engine
import Foundation
import Methods
import Model
import Training

struct BenchTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Training throughput: tokens/s, achieved GFLOPS, MFU against sgemm measured here, peak RSS.")

    @OptionGroup var runtime: RuntimeOptions
    @OptionGroup var shape: BenchModelOptions
    @Option(help: "The fine-tuning method (peftbench methods list).") var method = "full"
    @OptionGroup var parameters: MethodParameters
    @Option(help: "Timed optimizer steps.") var steps = 10
    @Option(help: "Untimed steps first (buffers are allocated in the first).") var warmup = 1
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard steps >= 1, warmup >= 0 else { throw ValidationError("--steps must be ≥ 1 and --warmup ≥ 0") }
    }

    func run() throws {
        runtime.apply()
        let lm = try shape.load()
        let applied = try parameters.apply(method, to: lm, seed: shape.seed, totalSteps: warmup + steps)
        let trainer = Trainer(model: lm, settings: .init(
            schedule: LearningRateSchedule(kind: .constant, peak: 1e-5, totalSteps: warmup + steps)))
        trainer.hooks = applied.hooks
        var rng = RandomGenerator.derived(seed: shape.seed, stream: "bench-tokens")
        let batches = (0..<(warmup + steps)).map { _ in shape.randomBatch(vocab: lm.config.vocabSize, rng: &rng) }
        // The peak should be training's, not the Float32 load that a quantizing method then releases.
        ProcessStats.resetPeakRSS()
        var next = 0, loss = 0.0
        let m = measure(steps: steps, warmup: warmup) {
            loss = trainer.step([batches[next]]).loss
            next += 1
        }
        try ThroughputReport(
            benchmark: "train", options: shape, model: lm, method: method, steps: steps,
            tokens: shape.batch * shape.seq * steps, seconds: m.seconds, flops: m.flops, faultsPerStep: m.faultsPerStep,
            loss: loss
        ).emit(json: json)
    }
}

struct BenchForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward", abstract: "Forward throughput (loss over every position, no gradients).")

    @OptionGroup var runtime: RuntimeOptions
    @OptionGroup var shape: BenchModelOptions
    @Option(help: "Timed forward passes.") var steps = 5
    @Option(help: "Untimed passes first.") var warmup = 1
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        runtime.apply()
        let lm = try shape.load()
        var rng = RandomGenerator.derived(seed: shape.seed, stream: "bench-tokens")
        let batch = shape.randomBatch(vocab: lm.config.vocabSize, rng: &rng)
        var loss = 0.0
        let m = measure(steps: max(1, steps), warmup: max(0, warmup)) { loss = lm.loss(batch).mean }
        try ThroughputReport(
            benchmark: "forward", options: shape, model: lm, method: nil, steps: steps,
            tokens: shape.batch * shape.seq * steps, seconds: m.seconds, flops: m.flops, faultsPerStep: m.faultsPerStep,
            loss: loss
        ).emit(json: json)
    }
}

struct BenchGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Greedy decoding throughput with the KV cache (prefill timed apart).")

    @OptionGroup var runtime: RuntimeOptions
    @OptionGroup var shape: BenchModelOptions
    @Option(help: "Tokens generated per sequence (timed).") var newTokens = 128
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        runtime.apply()
        let lm = try shape.load()
        var rng = RandomGenerator.derived(seed: shape.seed, stream: "bench-tokens")
        let prompts = (0..<shape.batch).map { _ in (0..<shape.seq).map { _ in Int32(rng.next() % UInt64(lm.config.vocabSize)) } }
        let state = InferenceState()
        func decode(tokens: Int) -> (prefill: Double, decode: Double) {
            let cache = KVCache(config: lm.config, batch: shape.batch, capacity: shape.seq + tokens,
                                leftPadding: [Int32](repeating: 0, count: shape.batch))
            var sampler = Sampler(.greedy)
            let clock = Stopwatch()
            var logits = lm.inferStep(tokens: prompts.flatMap { $0 }, cache: cache, scratch: state)
            let prefill = clock.seconds
            for _ in 0..<tokens {
                let next = (0..<shape.batch).map { sampler.pick(logits + $0 * lm.config.vocabSize, vocab: lm.config.vocabSize).token }
                logits = lm.inferStep(tokens: next, cache: cache, scratch: state)
            }
            return (prefill, clock.seconds - prefill)
        }
        _ = decode(tokens: 4)  // warm-up: buffers sized
        GEMM.resetFLOPCounter()
        let faults = ProcessStats.minorPageFaults
        let t = decode(tokens: newTokens)
        let flops = GEMM.executedFLOPs
        let faultsPerStep = Double(ProcessStats.minorPageFaults - faults) / Double(newTokens + 1)
        // Decoding alone sets tokens/s; the products of prefill and decode together set GFLOPS.
        var report = ThroughputReport(
            benchmark: "generate", options: shape, model: lm, method: nil, steps: newTokens,
            tokens: shape.batch * newTokens, seconds: t.decode, flops: flops, faultsPerStep: faultsPerStep, loss: nil,
            prefillTokensPerS: Double(shape.batch * shape.seq) / t.prefill)
        report.gflops = flops / (t.prefill + t.decode) / 1e9
        report.mfu = report.gflops / report.sgemmGflops
        try report.emit(json: json)
    }
}
