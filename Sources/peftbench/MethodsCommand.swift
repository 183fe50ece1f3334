import ArgumentParser
import Checkpoints
import Foundation
import Methods
import Model

struct MethodsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "methods", abstract: "The fine-tuning methods, their options and what they train.",
        subcommands: [MethodsListCommand.self, MethodsDescribeCommand.self])
}

/// `--param NAME=VALUE`, repeatable, with PEFT's config field names.
struct MethodParameters: ParsableArguments {
    @Option(name: .customLong("param"), help: "A method hyperparameter, NAME=VALUE (repeatable), with PEFT's names.")
    var params: [String] = []

    func parsed() throws -> [String: String] {
        var out: [String: String] = [:]
        for p in params {
            guard let eq = p.firstIndex(of: "="), eq != p.startIndex else {
                throw ValidationError("--param '\(p)' is not NAME=VALUE")
            }
            out[String(p[..<eq])] = String(p[p.index(after: eq)...])
        }
        return out
    }

    /// Installs `method` on `model` with these parameters; a method that needs the run's length (AdaLoRA's
    /// total_step) gets `totalSteps` unless it was given.
    func apply(_ method: String, to model: LlamaModel, tokenizer: ((String) -> [Int32])? = nil, seed: UInt64 = 0,
               totalSteps: Int? = nil) throws -> AppliedMethod {
        do {
            var overrides = try parsed()
            if let totalSteps { overrides = try MethodRegistry.withRunLength(overrides, method: method, steps: totalSteps) }
            return try MethodRegistry.apply(method, to: model, overrides: overrides,
                                            context: MethodContext(seed: seed, tokenize: tokenizer))
        } catch let e as MethodError {
            throw ValidationError(e.description)
        }
    }
}

struct MethodsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Every method with its defaults.")
    @Flag(help: "Print JSON.") var json = false

    struct Entry: Codable {
        var name: String
        var reference: String
        var defaults: [String: String]
        var learningRate: Float
        var learningRateGrid: [Float]
        var learningRateSource: String
    }

    func run() throws {
        let entries = MethodRegistry.all.map { m in
            Entry(name: m.name, reference: m.reference, defaults: Dictionary(uniqueKeysWithValues: m.options.map { ($0.name, $0.defaultValue) }),
                  learningRate: m.learningRates.defaultValue, learningRateGrid: m.learningRates.grid, learningRateSource: m.learningRates.source)
        }
        if json { print(try JSONOutput.string(entries)); return }
        for m in MethodRegistry.all {
            print("\(m.name.padding(toLength: 9, withPad: " ", startingAt: 0)) \(m.reference)")
            let rates = m.learningRates
            print("          learning rate \(rates.defaultValue) (\(rates.source)); selection grid \(rates.grid.map { "\($0)" }.joined(separator: ", "))")
            for o in m.options { print("          \(o.name)=\(o.defaultValue)  \(o.help)") }
        }
    }
}

struct MethodsDescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe", abstract: "Trainable and total parameters of a method on a model, without training.")
    @Option(help: "The method.") var method: String
    @OptionGroup var model: ModelOptions
    @OptionGroup var parameters: MethodParameters
    @Flag(help: "Print JSON.") var json = false

    struct Description: Codable {
        var method: String
        var model: String
        var trainable: Int
        var total: Int
        var trainablePercent: Double
        var config: [String: String]
        var targetModules: [String]
    }

    func run() throws {
        let loaded = try model.load()
        let applied = try parameters.apply(method, to: loaded.model, tokenizer: loaded.tokenizer.map { t in { t.encode($0) } })
        let trainable = applied.trainable.reduce(0) { $0 + $1.count }
        let total = loaded.model.parameterElementCount
        let d = Description(method: method, model: model.model, trainable: trainable, total: total,
                            trainablePercent: 100 * Double(trainable) / Double(total), config: applied.config,
                            targetModules: applied.targetedModules)
        if json { print(try JSONOutput.string(d)); return }
        print(String(format: "trainable params: %d || all params: %d || trainable%%: %.4f", trainable, total, d.trainablePercent))
        print("config: \(d.config.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
        if !d.targetModules.isEmpty { print("target modules: \(d.targetModules.count) (\(d.targetModules.prefix(3).joined(separator: ", "))…)") }
    }
}
