import Foundation

/// One key of a run spec, declared once: its name (`eval_limit` in YAML and JSON, `--eval-limit` on the command
/// line), its help, and how a value is read from text (YAML scalars and flags), decoded and encoded.
public struct RunSpecKey: @unchecked Sendable {
    public let name: String
    public let help: String
    /// What kind of value it takes, as help and error messages say it ("an integer").
    public let valueName: String
    /// Sets the key from its text form; throws `RunError` naming the key when the text is not a value of its type.
    public let parse: (inout RunSpec, String) throws -> Void
    let decode: (inout RunSpec, KeyedDecodingContainer<CodingName>) throws -> Void
    let encode: (RunSpec, inout KeyedEncodingContainer<CodingName>) throws -> Void

    public var flag: String { "--" + name.replacingOccurrences(of: "_", with: "-") }

    /// Every key, in the order help lists them. `task`, `method` and `params` come first.
    public static let all: [RunSpecKey] = [
        required("task", \.task, "the task (peftbench tasks list)"),
        field("method", \.method, "the method (peftbench methods list); with adapter, read from the adapter's config"),
        params,
        optional("adapter", \.adapter, "an adapter folder to evaluate or train further (PEFT's layout or peftbench's); its config names the method"),
        field("model", \.model, "smollm2-135m, a .gguf file, a Hugging Face folder, or tiny"),
        field("steps", \.steps, "optimizer steps (the budget)"),
        field("batch", \.batch, "examples per step"),
        field("seq", \.seq, "maximum tokens per training example"),
        optional("target_tokens", \.targetTokens, "a budget in target (loss) tokens instead of steps"),
        field("seed", \.seed, "seed of the data order, initialisations and dropout"),
        optional("train_examples", \.trainExamples, "train on the first k examples of a fixed order (default: all)"),
        optional("learning_rate", \.learningRate, "peak learning rate, or select (chosen on held-out data; default: the method's)"),
        field("schedule", \.schedule, "constant, linear or cosine (after warm-up)"),
        optional("warmup_steps", \.warmupSteps, "warm-up steps (default: a tenth of the steps)"),
        field("weight_decay", \.weightDecay, "AdamW weight decay"),
        optional("eval_limit", \.evalLimit, "evaluation examples (default: the task's eval_limit)"),
        field("eval_split", \.evalSplit, "test (reported), validation, or selection (held-out loss only)"),
        field("eval_batch", \.evalBatch, "sequences generated together (a finished one's place goes to the next prompt)"),
        optional("wall_clock_limit", \.wallClockLimit, "stop training after this many seconds (recorded in the result)"),
        optional("forgetting_corpus", \.forgettingCorpus, "a text file, one probe text per line (default: texts sampled from the base model)"),
        field("forgetting_examples", \.forgettingExamples, "examples per forgetting probe set (0: none)"),
    ]

    public static let byName: [String: RunSpecKey] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The key a command-line flag names (`--eval-limit` → `eval_limit`).
    public static func forFlag(_ flag: String) -> RunSpecKey? {
        guard flag.hasPrefix("--") else { return nil }
        return byName[String(flag.dropFirst(2)).replacingOccurrences(of: "-", with: "_")]
    }

    /// Help text listing every key as a flag, for `run` and `compare`.
    public static var flagHelp: String {
        let rows = all.filter { $0.name != "params" }.map { ("\($0.flag) <\($0.valueName)>", $0.help) }
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.1 }.joined(separator: "\n")
    }

    public struct CodingName: CodingKey {
        public var stringValue: String
        public var intValue: Int? { nil }
        public init(stringValue: String) { self.stringValue = stringValue }
        public init?(intValue: Int) { nil }
    }

    private static func required<V: SpecValue>(_ name: String, _ path: WritableKeyPath<RunSpec, V>, _ help: String) -> RunSpecKey {
        RunSpecKey(name: name, help: help, valueName: V.valueName,
                   parse: { spec, text in spec[keyPath: path] = try V.parse(text, key: name) },
                   decode: { spec, c in spec[keyPath: path] = try c.decode(V.self, forKey: CodingName(stringValue: name)) },
                   encode: { spec, c in try c.encode(spec[keyPath: path], forKey: CodingName(stringValue: name)) })
    }

    private static func field<V: SpecValue>(_ name: String, _ path: WritableKeyPath<RunSpec, V>, _ help: String) -> RunSpecKey {
        RunSpecKey(name: name, help: help, valueName: V.valueName,
                   parse: { spec, text in spec[keyPath: path] = try V.parse(text, key: name) },
                   decode: { spec, c in
                       if let v = try c.decodeIfPresent(V.self, forKey: CodingName(stringValue: name)) { spec[keyPath: path] = v }
                   },
                   encode: { spec, c in try c.encode(spec[keyPath: path], forKey: CodingName(stringValue: name)) })
    }

    private static func optional<V: SpecValue>(_ name: String, _ path: WritableKeyPath<RunSpec, V?>, _ help: String) -> RunSpecKey {
        RunSpecKey(name: name, help: help, valueName: V.valueName,
                   parse: { spec, text in spec[keyPath: path] = try V.parse(text, key: name) },
                   decode: { spec, c in spec[keyPath: path] = try c.decodeIfPresent(V.self, forKey: CodingName(stringValue: name)) },
                   encode: { spec, c in try c.encodeIfPresent(spec[keyPath: path], forKey: CodingName(stringValue: name)) })
    }

    /// Method hyperparameters: a mapping in YAML and JSON, `NAME=VALUE` as text (`--param`).
    private static let params = RunSpecKey(
        name: "params", help: "a method hyperparameter, NAME=VALUE (repeatable), with PEFT's names", valueName: "name=value",
        parse: { spec, text in
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex else { throw RunError("params: '\(text)' is not NAME=VALUE") }
            spec.params[String(text[..<eq])] = String(text[text.index(after: eq)...])
        },
        decode: { spec, c in
            if let v = try c.decodeIfPresent([String: String].self, forKey: CodingName(stringValue: "params")) { spec.params = v }
        },
        encode: { spec, c in try c.encode(spec.params, forKey: CodingName(stringValue: "params")) })
}

/// The value types run-spec keys hold, read from their text form.
public protocol SpecValue: Codable {
    static var valueName: String { get }
    static func parse(_ text: String, key: String) throws -> Self
}

extension SpecValue where Self: LosslessStringConvertible {
    public static func parse(_ text: String, key: String) throws -> Self {
        guard let v = Self(text.trimmingCharacters(in: .whitespaces)) else { throw RunError("\(key): '\(text)' is not \(valueName)") }
        return v
    }
}

extension String: SpecValue {
    public static var valueName: String { "text" }
    public static func parse(_ text: String, key: String) throws -> String { text }
}
extension Int: SpecValue { public static var valueName: String { "an integer" } }
extension UInt64: SpecValue { public static var valueName: String { "a non-negative integer" } }
extension Float: SpecValue { public static var valueName: String { "a number" } }
extension Double: SpecValue { public static var valueName: String { "a number" } }
