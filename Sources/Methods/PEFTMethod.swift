import Engine
import Model
import Results

/// One hyperparameter of a method, under its Hugging Face PEFT config field name.
public struct MethodOption: Sendable {
    public let name: String
    public let defaultValue: String
    public let help: String
    public init(_ name: String, _ defaultValue: String, _ help: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.help = help
    }
}

/// A parameter-efficient fine-tuning method, in the shape of PEFT's tuners: a config with defaults, what it adds
/// to the model, which parameters train.
public protocol PEFTMethod: Sendable {
    /// The name on the command line (`lora`, `ia3`, …).
    static var name: String { get }
    /// The paper it follows.
    static var reference: String { get }
    static var options: [MethodOption] { get }
    /// Its default learning rate and selection grid.
    static var learningRates: LearningRates { get }
    /// Freezes what the method keeps frozen, installs its parameters and wrappers, and says what trains.
    static func apply(to model: LlamaModel, config: MethodConfig, context: MethodContext) throws -> AppliedMethod
}

/// What a method may need beyond the model: the seed of its initialisation, a tokenizer for text
/// initialisations, and the rank pattern an AdaLoRA adapter was saved with.
public struct MethodContext {
    public var seed: UInt64
    public var tokenize: ((String) -> [Int32])?
    /// Module path → which of the init_r triplets were kept (PEFT's `rank_pattern`); AdaLoRA then builds each
    /// module at its kept rank, as PEFT's `resize_modules_by_rank_pattern` does on load.
    public var rankPattern: [String: [Bool]]?
    public init(seed: UInt64 = 0, tokenize: ((String) -> [Int32])? = nil, rankPattern: [String: [Bool]]? = nil) {
        self.seed = seed
        self.tokenize = tokenize
        self.rankPattern = rankPattern
    }
}

/// A method installed on a model.
public struct AppliedMethod {
    public let name: String
    /// Every option with the value in force.
    public let config: [String: String]
    /// The parameters the method trains (base parameters for `full`).
    public let trainable: [Parameter]
    /// Module paths the method changed (`model.layers.0.self_attn.q_proj`), empty for input-side methods.
    public let targetedModules: [String]
    /// Every parameter the method added to the model, trained or frozen (LoRA-FA's A, VeRA's shared
    /// projections): what an adapter file holds.
    public internal(set) var added: [Parameter] = []
    /// What the method adds to the training loop (AdaLoRA's regulariser and rank allocation).
    public internal(set) var hooks = TrainingHooks()
    /// AdaLoRA's rank pattern as it stands (nil before any rank is cut, and for every other method): what an adapter
    /// file records, with the triplets it drops cut from the saved tensors.
    public internal(set) var rankPattern: () -> [String: [Bool]]? = { nil }

    public init(name: String, config: [String: String], trainable: [Parameter], targetedModules: [String]) {
        self.name = name
        self.config = config
        self.trainable = trainable
        self.targetedModules = targetedModules
    }
}

public struct MethodError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = ErrorText.oneLine(description) }
}

/// `--param NAME=VALUE` values checked against a method's options.
public struct MethodConfig: Sendable {
    public let method: String
    public private(set) var values: [String: String]

    public init(method: String, options: [MethodOption], overrides: [String: String]) throws {
        self.method = method
        var values = Dictionary(uniqueKeysWithValues: options.map { ($0.name, $0.defaultValue) })
        for (k, v) in overrides {
            guard values[k] != nil else {
                throw MethodError("unknown parameter '\(k)' for method \(method); it takes: \(options.map(\.name).joined(separator: ", "))")
            }
            values[k] = v
        }
        self.values = values
    }

    func raw(_ key: String) -> String { values[key] ?? "" }

    public func int(_ key: String, min: Int = 0) throws -> Int {
        guard let v = Int(raw(key)), v >= min else { throw MethodError("\(method): \(key) must be an integer ≥ \(min), got '\(raw(key))'") }
        return v
    }
    public func float(_ key: String, range: ClosedRange<Float> = -Float.greatestFiniteMagnitude...Float.greatestFiniteMagnitude) throws -> Float {
        guard let v = Float(raw(key)), v.isFinite, range.contains(v) else {
            throw MethodError("\(method): \(key) must be a number in \(range.lowerBound)…\(range.upperBound), got '\(raw(key))'")
        }
        return v
    }
    public func bool(_ key: String) throws -> Bool {
        switch raw(key).lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw MethodError("\(method): \(key) must be true or false, got '\(raw(key))'")
        }
    }
    public func string(_ key: String, allowed: [String]? = nil) throws -> String {
        let v = raw(key)
        if let allowed, !allowed.contains(v) { throw MethodError("\(method): \(key) must be one of \(allowed.joined(separator: ", ")), got '\(v)'") }
        return v
    }
    /// Projection names (`q_proj,v_proj`; `all-linear` for all seven).
    public func slots(_ key: String) throws -> [LinearSlot] {
        let v = raw(key)
        if v == "all-linear" { return LinearSlot.allCases }
        var out: [LinearSlot] = []
        for name in v.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let slot = LinearSlot(rawValue: name) else {
                throw MethodError("\(method): \(key) names '\(name)'; known: \(LinearSlot.allCases.map(\.rawValue).joined(separator: ", ")), all-linear")
            }
            if !out.contains(slot) { out.append(slot) }
        }
        guard !out.isEmpty else { throw MethodError("\(method): \(key) names no module") }
        return out
    }
}

/// Every method peftbench knows, by command-line name.
public enum MethodRegistry {
    public static let all: [any PEFTMethod.Type] = [
        FullFineTuning.self, LoRA.self, LoRAFA.self, DoRA.self, QLoRA.self, AdaLoRA.self, VeRA.self, IA3.self, BitFit.self,
        BottleneckAdapter.self, PromptTuning.self, PTuning.self, PrefixTuning.self,
    ]

    public static func method(named name: String) throws -> any PEFTMethod.Type {
        guard let m = all.first(where: { $0.name == name }) else {
            throw MethodError("unknown method '\(name)'; known: \(all.map { $0.name }.joined(separator: ", "))")
        }
        return m
    }

    /// The overrides with `total_step` set to the run's length for a method whose schedule needs it (AdaLoRA),
    /// unless it was given.
    public static func withRunLength(_ overrides: [String: String], method name: String, steps: Int) throws -> [String: String] {
        var out = overrides
        if out["total_step"] == nil, try method(named: name).options.contains(where: { $0.name == "total_step" }) {
            out["total_step"] = String(steps)
        }
        return out
    }

    /// Resolves the options and installs the method.
    @discardableResult
    public static func apply(_ name: String, to model: LlamaModel, overrides: [String: String] = [:],
                             context: MethodContext = MethodContext()) throws -> AppliedMethod {
        let method = try method(named: name)
        let config = try MethodConfig(method: name, options: method.options, overrides: overrides)
        // Held until the comparison is made: a method that releases base weights (QLoRA) would otherwise let new
        // parameters reuse their addresses, and so their identities.
        let baseParameters = model.parameters
        let before = Set(baseParameters.map(ObjectIdentifier.init))
        var applied = try method.apply(to: model, config: config, context: context)
        applied.added = withExtendedLifetime(baseParameters) {
            model.parameters.filter { !before.contains(ObjectIdentifier($0)) }
        }
        return applied
    }
}

/// PyTorch's `kaiming_uniform_(a=√5)` bound for a fan-in: the default initialisation of `nn.Linear` weights and
/// of LoRA's A.
func kaimingUniformBound(fanIn: Int) -> Float { 1 / Float(fanIn).squareRoot() }

/// Replaces each targeted projection of every layer by what `wrap` builds around it (from the plain projection,
/// its module path and slot), and collects the parameters each wrapper says train. Shared by the methods that wrap
/// projections, as PEFT's `_create_and_replace` is.
func wrapProjections(_ model: LlamaModel, slots: [LinearSlot], method: String,
                     _ wrap: (DenseLinear, String, LinearSlot) throws -> (layer: any LinearLayer, trains: [Parameter])) throws
    -> (trainable: [Parameter], modules: [String]) {
    model.freezeAll()
    var trainable: [Parameter] = [], modules: [String] = []
    for layer in model.layers {
        for slot in slots {
            guard let dense = layer[slot] as? DenseLinear else {
                throw MethodError("\(method): model.layers.\(layer.index).\(slot.module) is already adapted")
            }
            let path = "model.layers.\(layer.index).\(slot.module)"
            let wrapped = try wrap(dense, path, slot)
            layer[slot] = wrapped.layer
            trainable += wrapped.trains
            modules.append(path)
        }
    }
    return (trainable, modules)
}

/// One Float32 weight-sized matrix shared by every layer of a method that needs a full weight for a moment (a
/// QLoRA base dequantized before its product, DoRA's adapted weight for its norms): layers run one at a time.
final class WeightScratch {
    var buffer = GrowableBuffer()
}
