import Foundation

/// Writes the shipped task data: for each format, train, validation and test files in the official layout, from
/// one seed. The sizes are small enough to train on within minutes and large enough to score with some precision.
public enum TaskSynthesizer {
    public struct Sizes: Sendable, Equatable {
        public var train: Int, validation: Int, test: Int
        public init(train: Int, validation: Int, test: Int) {
            self.train = train
            self.validation = validation
            self.test = test
        }
    }

    /// Per format, how many examples (E2E: MRs, WebNLG: entries, GSM8K: problems, CoQA: stories) each split has.
    public static func defaultSizes(_ format: TaskFormat) -> Sizes {
        switch format {
        case .e2e: return Sizes(train: 1200, validation: 150, test: 150)
        case .webnlg: return Sizes(train: 1500, validation: 200, test: 200)
        case .gsm8k: return Sizes(train: 2000, validation: 200, test: 200)
        case .coqa: return Sizes(train: 300, validation: 40, test: 40)
        }
    }

    /// The file names the task definitions expect under `tasks/data/<format>/`.
    public static func fileNames(_ format: TaskFormat) -> [String: String] {
        let ext: String
        switch format {
        case .e2e: ext = "csv"
        case .webnlg: ext = "xml"
        case .gsm8k: ext = "jsonl"
        case .coqa: ext = "json"
        }
        return Dictionary(uniqueKeysWithValues: TaskDefinition.splits.map { ($0, "\($0).\(ext)") })
    }

    /// The bytes of one split's file. Splits draw from separate streams of the seed, and the meaning
    /// representations, triple sets, problems and stories of validation and test never occur in train.
    public static func generate(_ format: TaskFormat, split: String, count: Int, seed: UInt64) -> Data {
        switch format {
        case .e2e: return E2ESynthesizer.file(split: split, count: count, seed: seed)
        case .webnlg: return WebNLGSynthesizer.file(split: split, count: count, seed: seed)
        case .gsm8k: return GSM8KSynthesizer.file(split: split, count: count, seed: seed)
        case .coqa: return CoQASynthesizer.file(split: split, count: count, seed: seed)
        }
    }

    /// Writes every split of a format into `folder`, each file atomically; returns the paths written.
    @discardableResult
    public static func write(_ format: TaskFormat, to folder: String, sizes: Sizes? = nil, seed: UInt64) throws -> [String] {
        let sizes = sizes ?? defaultSizes(format)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let names = fileNames(format)
        var written: [String] = []
        for split in TaskDefinition.splits {
            let count = split == "train" ? sizes.train : split == "validation" ? sizes.validation : sizes.test
            let path = (folder as NSString).appendingPathComponent(names[split]!)
            try generate(format, split: split, count: count, seed: seed).write(to: URL(fileURLWithPath: path), options: .atomic)
            written.append(path)
        }
        return written
    }

    /// Draws allowed before a generator settles for fewer distinct items than asked (a small world, a large
    /// request): it stops instead of searching forever, and `tasks synth` reports the shortfall.
    static func maxAttempts(_ count: Int) -> Int { count * 200 + 10_000 }

    /// Which split an item (by its canonical text) belongs to: a hash decides, so that the same MR or triple set
    /// can never be both trained on and evaluated, however many items each split draws.
    static func split(of key: String, seed: UInt64) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ seed
        for byte in key.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        switch h % 10 {
        case 0: return "validation"
        case 1: return "test"
        default: return "train"
        }
    }
}
