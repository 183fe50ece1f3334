/// Where each task's official files are published, with the sha256 every download is checked against, and where
/// `tasks download` puts them: `<dir>/<task>/<file>`, the paths the task definitions look at first.
public struct OfficialFile: Sendable, Equatable {
    public var task: String
    public var name: String
    public var url: String
    /// Nil where no checksum is pinned yet: such a file is fetched only on request and its digest printed.
    public var sha256: String?
}

public enum OfficialFiles {
    static let e2e = "https://raw.githubusercontent.com/tuetschek/e2e-dataset/master/"
    static let gsm8k = "https://raw.githubusercontent.com/openai/grade-school-math/master/grade_school_math/data/"
    static let coqa = "https://nlp.stanford.edu/data/coqa/"

    public static let all: [OfficialFile] = [
        OfficialFile(task: "e2e", name: "trainset.csv", url: e2e + "trainset.csv", sha256: nil),
        OfficialFile(task: "e2e", name: "devset.csv", url: e2e + "devset.csv",
                     sha256: "fc26b78cdb849c80545f513b223d1e051138b43882eeb79e3eb153e689c864f9"),
        OfficialFile(task: "e2e", name: "testset_w_refs.csv", url: e2e + "testset_w_refs.csv",
                     sha256: "edc8db685e39bb9824d5bd70c18b1c9b0412d14b527aa960e2d1c8251ee15ccd"),
        OfficialFile(task: "e2e", name: "testset.csv", url: e2e + "testset.csv",
                     sha256: "9b90c8f88feae14d9e1ef37350b14d17294c5958e90a3f1a7846590ee97bdbb9"),
        OfficialFile(task: "gsm8k", name: "train.jsonl", url: gsm8k + "train.jsonl",
                     sha256: "17f347dc51477c50d4efb83959dbb7c56297aba886e5544ee2aaed3024813465"),
        OfficialFile(task: "gsm8k", name: "test.jsonl", url: gsm8k + "test.jsonl",
                     sha256: "3730d312f6e3440559ace48831e51066acaca737f6eabec99bccb9e4b3c39d14"),
        OfficialFile(task: "coqa", name: "coqa-train-v1.0.json", url: coqa + "coqa-train-v1.0.json",
                     sha256: "b0fdb2bc1bd38dd3ca2ce5fa2ac3e02c6288ac914f241ac409a655ffb6619fa6"),
        OfficialFile(task: "coqa", name: "coqa-dev-v1.0.json", url: coqa + "coqa-dev-v1.0.json",
                     sha256: "dfa367a9733ce53222918d0231d9b3bedc2b8ee831a2845f62dfc70701f2540a"),
    ]

    public static func files(task: String) -> [OfficialFile] { all.filter { $0.task == task } }
}
