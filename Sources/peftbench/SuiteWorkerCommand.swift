import ArgumentParser
import Checkpoints
import CProcessControl
import Foundation
import Harness
import Results

/// One run of a suite in its own process: the suite starts it, reads its events (JSON lines on stdout) and
/// watches it. It dies with the suite, records itself `interrupted` on SIGINT/SIGTERM, and says with its exit
/// status how it ended: 0 a result, 1 a failure it recorded, 78 a setup error that fails every run alike, 130/143
/// interrupted.
struct SuiteWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "worker", abstract: "Run one suite run (started by suite run).",
                                                    shouldDisplay: false)
    @OptionGroup var runtime: RuntimeOptions
    @Option(help: "The run's spec, as JSON.") var spec: String
    @Option(help: "The folder to write the run in.") var work: String
    @Option(help: "The suite's folder of runs.") var out: String
    @Option(help: "The task definitions folder.") var tasksDir: String
    @Option(help: "The learning rate the suite selected, as JSON (for learning_rate: select).") var learningRateChoice: String?

    static let setupFailure: Int32 = 78

    func run() throws {
        Self.dieWithParent()
        Interruption.install()
        runtime.apply()
        let spec: RunSpec
        do { spec = try JSONDecoder().decode(RunSpec.self, from: Data(self.spec.utf8)) } catch {
            throw ValidationError("--spec: not a run spec (\(error))")
        }
        var options = Runner.Options(cacheFolder: ModelStore.cacheDirectory)
        options.tasksFolder = tasksDir
        options.outFolder = out
        options.workFolder = work
        options.force = true
        if let learningRateChoice {
            do { options.learningRateChoice = try JSONDecoder().decode(LearningRateChoice.self, from: Data(learningRateChoice.utf8)) } catch {
                throw ValidationError("--learning-rate-choice: not a learning-rate choice (\(error))")
            }
        }
        let fault = FaultInjection(environment: ProcessInfo.processInfo.environment["PEFTBENCH_FAULT"], method: spec.method)
        options.onEvent = { event in
            fault?.trigger(event)
            guard var line = try? JSONEncoder().encode(event) else { return }
            line.append(0x0A)
            FileHandle.standardOutput.write(line)
        }
        options.shouldStop = { Interruption.signal != nil }
        do {
            let result = try Runner(spec: spec, options: options).run()
            throw ExitCode(result.status.isResult ? 0 : 1)
        } catch let error as SetupError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(Self.setupFailure)
        } catch is RunInterrupted {
            throw ExitCode(Interruption.exitCode)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            FileHandle.standardError.write(Data("\(spec.runID): failed: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// The kernel kills this process when the suite dies; if the suite is already gone, stop now.
    static func dieWithParent() {
        guard let parent = ProcessInfo.processInfo.environment["PEFTBENCH_PARENT_PID"].flatMap(Int32.init) else { return }
        _ = peftbench_die_with_parent(SIGKILL)
        if getppid() != parent { Foundation.exit(Self.setupFailure) }
    }
}

/// `PEFTBENCH_FAULT=KIND:METHOD:STEP` makes the run of METHOD misbehave at training step STEP, to test what a suite
/// does when a run dies: `abort` (SIGABRT, as a crash), `hang` (stops making progress and ignores SIGTERM) or
/// `allocate` (touches memory without end).
struct FaultInjection {
    enum Kind: String { case abort, hang, allocate }
    let kind: Kind
    let step: Int

    init?(environment value: String?, method: String) {
        guard let parts = value?.split(separator: ":"), parts.count == 3, parts[1] == method,
              let kind = Kind(rawValue: String(parts[0])), let step = Int(parts[2]) else { return nil }
        self.kind = kind
        self.step = step
    }

    func trigger(_ event: RunEvent) {
        guard case let .step(step, _, _, _, _) = event, step == self.step else { return }
        switch kind {
        case .abort:
            FileHandle.standardError.write(Data("fault injected: abort at step \(step)\n".utf8))
            abort()
        case .hang:
            signal(SIGTERM, SIG_IGN)
            signal(SIGINT, SIG_IGN)
            while true { sleep(1) }
        case .allocate:
            var blocks: [UnsafeMutableRawPointer] = []
            while true {
                let block = malloc(64 << 20)!
                memset(block, 1, 64 << 20)
                blocks.append(block)
            }
        }
    }
}
