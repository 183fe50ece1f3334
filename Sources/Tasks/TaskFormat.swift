/// The official file formats peftbench reads, each by its own loader.
public enum TaskFormat: String, Sendable, Codable, CaseIterable {
    case e2e, webnlg, gsm8k, coqa

    /// Options a task definition or the command line passes to a loader.
    public struct Options: Sendable, Equatable, Codable {
        /// GSM8K: remove `<<48/2=24>>` calculator annotations from the reasoning.
        public var stripCalculator = false
        /// WebNLG: which `lex` language to read (`en` also takes `lex` without a `lang`).
        public var language = "en"

        public init(stripCalculator: Bool = false, language: String = "en") {
            self.stripCalculator = stripCalculator
            self.language = language
        }

        enum CodingKeys: String, CodingKey {
            case stripCalculator = "strip_calculator", language = "lang"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            stripCalculator = try c.decodeIfPresent(Bool.self, forKey: .stripCalculator) ?? false
            language = try c.decodeIfPresent(String.self, forKey: .language) ?? "en"
        }
    }

    /// Loads a file (or, for WebNLG, a folder of XML files) as one split.
    public func load(_ path: String, options: Options = Options()) throws -> LoadedSplit {
        switch self {
        case .e2e: return try E2ELoader.load(path)
        case .webnlg: return try WebNLGLoader.load(path, language: options.language)
        case .gsm8k: return try GSM8KLoader.load(path, stripCalculator: options.stripCalculator)
        case .coqa: return try CoQALoader.load(path)
        }
    }
}
