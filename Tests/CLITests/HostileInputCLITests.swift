import Foundation
import TestSupport
import XCTest

/// Files built to hurt a loader, as a user might download them: entity bombs and external entities in XML, nesting
/// deeper than any parser's stack, a 10 MB line, a million examples, METEOR's resources missing or cut short. Each
/// ends in bounded time and memory (the process runs under a 2.5 GB address-space limit), loaded or refused with one
/// line naming the file.
final class HostileInputCLITests: XCTestCase {
    let cli = CLI()

    override func setUpWithError() throws { try CLI.requireBuilt() }

    /// `peftbench args` under `ulimit -v` (KB), with its wall time.
    func bounded(_ args: [String], environment: [String: String] = [:], memoryKB: Int = 2_500_000) throws -> (CLI.Output, Double) {
        let quoted = ([CLI.executable.path] + args).map { "'\($0.replacingOccurrences(of: "'", with: "'\\''"))'" }.joined(separator: " ")
        let start = Date()
        let r = try Command.run("/bin/bash", ["-c", "ulimit -v \(memoryKB); exec \(quoted)"],
                                environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
        return (r, Date().timeIntervalSince(start))
    }

    func assertRefused(_ r: CLI.Output, _ phrase: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotEqual(r.status, 0, file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr, file: file, line: line)
        XCTAssertTrue(r.stderr.contains(phrase), r.stderr, file: file, line: line)
        XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("Stack dump"), r.stderr, file: file, line: line)
    }

    func testXMLEntityBombsAndExternalEntitiesAreRefused() throws {
        let dir = try temporaryFolder()
        func file(_ name: String, _ text: String) throws -> URL {
            let url = dir.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url
        }
        let levels = (1...9).map { l -> String in
            l == 1 ? "<!ENTITY e1 \"\(String(repeating: "a", count: 64))\">"
                : "<!ENTITY e\(l) \"\(String(repeating: "&e\(l - 1);", count: 16))\">"
        }.joined(separator: "\n")
        let entry = #"<entry category="Airport" eid="Id1" size="1"><modifiedtripleset><mtriple>A | b | C</mtriple></modifiedtripleset>"#
        let bomb = try file("laughs.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE benchmark [\n\(levels)\n]>\n<benchmark><entries>\(entry)<lex lid=\"Id1\" lang=\"en\">&e9;</lex></entry></entries></benchmark>\n")
        let external = try file("external.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE benchmark [ <!ENTITY secret SYSTEM \"file:///etc/passwd\"> ]>\n<benchmark><entries>\(entry)<lex lid=\"Id1\" lang=\"en\">x &secret; y</lex></entry></entries></benchmark>\n")
        let deep = try file("deep.xml", "<?xml version=\"1.0\"?><benchmark><entries>" + String(repeating: "<x>", count: 50_000)
                            + String(repeating: "</x>", count: 50_000) + "</entries></benchmark>")
        // libxml2 decodes a declared encoding itself; its UTF-7 decoder crashed on these, and FoundationXML on a
        // processing instruction without data (found by fuzzing).
        let utf7 = try file("utf7.xml", "<?xml version='1.0' encoding='utf-7'?>\n<benchmark><entries>\(entry)<lex lid=\"Id1\" lang=\"en\">x +AGEA-</lex></entry></entries></benchmark>\n")
        let unclosed = try file("unclosed.xml", "<?xml version='1.0' encoding='utf-7'?X\n<benchmark><entries>\(entry)</entry></entries></benchmark>\n")
        let nul = try file("nul.xml", "<?xml version=\"1.0\"?>\n<benchmark><entries>\(entry)\u{0}</entry></entries></benchmark>\n")
        let instruction = try file("instruction.xml", "<?x?>\n<benchmark><entries>\(entry)</entry></entries></benchmark>\n")
        let doctype = try file("doctype.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE benchmark [ <!NOTATION n SYSTEM \"x\"> ]>\n<benchmark><entries>\(entry)</entry></entries></benchmark>\n")
        for (file, phrase) in [(bomb, "declares the entity 'e1'"), (external, "declares the entity 'secret'"), (deep, "deep.xml"),
                               (utf7, "utf7.xml: line 1: declares the encoding 'utf-7'"),
                               (unclosed, "unclosed.xml: line 1: declares the encoding 'utf-7'"),
                               (nul, "nul.xml: line 2: holds a NUL character"),
                               (instruction, "instruction.xml: line 1: holds a processing instruction"),
                               (doctype, "doctype.xml: line 2: holds a document type declaration")] {
            let (r, seconds) = try bounded(["tasks", "inspect", "--format", "webnlg", file.path])
            assertRefused(r, phrase)
            XCTAssertLessThan(seconds, 10, file.lastPathComponent)
            XCTAssertFalse(r.stdout.contains("root:") || r.stderr.contains("root:"), "nothing of /etc/passwd comes through")
        }
    }

    func testDeepJSONIsOneLineInEveryReader() throws {
        let dir = try temporaryFolder()
        let nested = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
        let coqa = dir.appendingPathComponent("coqa.json")
        try "{\"data\": \(nested)}".write(to: coqa, atomically: true, encoding: .utf8)
        let gsm8k = dir.appendingPathComponent("gsm8k.jsonl")
        try "{\"question\": \(nested), \"answer\": \"#### 1\"}\n".write(to: gsm8k, atomically: true, encoding: .utf8)
        for (format, file) in [("coqa", coqa), ("gsm8k", gsm8k)] {
            let (r, seconds) = try bounded(["tasks", "inspect", "--format", format, file.path])
            assertRefused(r, file.lastPathComponent)
            XCTAssertLessThan(seconds, 10)
        }
        // A run's record and an adapter's config, nested past reason.
        let runs = dir.appendingPathComponent("runs/r1")
        try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
        try nested.write(to: runs.appendingPathComponent("result.json"), atomically: true, encoding: .utf8)
        let (report, _) = try bounded(["report", "--runs", runs.deletingLastPathComponent().path, "--out", dir.appendingPathComponent("report").path])
        assertRefused(report, "result.json")
        let adapter = dir.appendingPathComponent("adapter")
        try FileManager.default.createDirectory(at: adapter, withIntermediateDirectories: true)
        try "{\"peft_type\": \(nested)}".write(to: adapter.appendingPathComponent("adapter_config.json"), atomically: true, encoding: .utf8)
        let (run, _) = try bounded(["run", "--task", "gsm8k", "--adapter", adapter.path, "--model", "tiny", "--steps", "0"])
        assertRefused(run, "adapter_config.json")
    }

    func testALongLineAndAMillionExamplesLoadWithinBounds() throws {
        let dir = try temporaryFolder()
        let long = dir.appendingPathComponent("long.jsonl")
        try "{\"question\": \"\(String(repeating: "a", count: 10_000_000))\", \"answer\": \"x #### 1\"}\n"
            .write(to: long, atomically: true, encoding: .utf8)
        let (r, seconds) = try bounded(["tasks", "inspect", "--format", "gsm8k", long.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("examples: 1"), r.stdout)
        XCTAssertLessThan(seconds, 30)

        let csv = dir.appendingPathComponent("long.csv")
        try "mr,ref\n\"name[\(String(repeating: "b", count: 10_000_000))]\",\"A reference.\"\n".write(to: csv, atomically: true, encoding: .utf8)
        let (e2e, _) = try bounded(["tasks", "inspect", "--format", "e2e", csv.path])
        XCTAssertEqual(e2e.status, 0, e2e.stderr)

        let million = dir.appendingPathComponent("million.jsonl")
        let handle = try FileHandle(forWritingTo: { FileManager.default.createFile(atPath: million.path, contents: nil); return million }())
        var chunk = ""
        for i in 0..<1_000_000 {
            chunk += "{\"question\": \"Tom has \(i) apples and buys 3 more. How many apples?\", \"answer\": \"\(i)+3=\(i + 3)\\n#### \(i + 3)\"}\n"
            if i % 50_000 == 49_999 { handle.write(Data(chunk.utf8)); chunk = "" }
        }
        try handle.close()
        let (m, mSeconds) = try bounded(["tasks", "inspect", "--format", "gsm8k", million.path])
        XCTAssertEqual(m.status, 0, m.stderr)
        XCTAssertTrue(m.stdout.contains("examples: 1000000"), m.stdout)
        XCTAssertLessThan(mSeconds, 120)
    }

    /// `score --metric M` on one segment pair written into `dir`.
    func scoreCommand(_ metric: String, _ dir: URL) throws -> [String] {
        let hyp = dir.appendingPathComponent("hyp.txt"), ref = dir.appendingPathComponent("ref.txt")
        try "the cats sat on the mats\n".write(to: hyp, atomically: true, encoding: .utf8)
        try "a cat was sitting on a mat\n".write(to: ref, atomically: true, encoding: .utf8)
        return ["score", "--metric", metric, "--hyp", hyp.path, "--ref", ref.path]
    }

    func testMETEORResourcesMissingOrCutShortAreOneLine() throws {
        let dir = try temporaryFolder()
        let score = try scoreCommand("meteor", dir)
        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let (missing, _) = try bounded(score, environment: ["PEFTBENCH_METEOR_DIR": empty.path])
        assertRefused(missing, "scripts/fetch-meteor.sh")

        let source = RunCLITests.meteorFolder
        try XCTSkipUnless(FileManager.default.fileExists(atPath: source + "/meteor-1.5.jar"), "METEOR resources missing: run scripts/fetch-meteor.sh")
        for (name, keep) in [("meteor-1.5.jar", 0.5), ("paraphrase-en.gz", 0.5), ("meteor-1.5.jar", 0.0)] {
            let cut = dir.appendingPathComponent("cut-\(name)-\(keep)")
            try FileManager.default.createDirectory(at: cut, withIntermediateDirectories: true)
            for file in ["meteor-1.5.jar", "paraphrase-en.gz"] {
                var data = try Data(contentsOf: URL(fileURLWithPath: source + "/" + file))
                if file == name { data = data.prefix(Int(Double(data.count) * keep)) }
                try data.write(to: cut.appendingPathComponent(file))
            }
            let (r, seconds) = try bounded(score, environment: ["PEFTBENCH_METEOR_DIR": cut.path])
            assertRefused(r, name)
            XCTAssertLessThan(seconds, 60)
        }
    }

    func testWordNetMissingOrCutShortIsOneLine() throws {
        let dir = try temporaryFolder()
        let score = try scoreCommand("meteor-nltk", dir)
        let (missing, _) = try bounded(score, environment: ["PEFTBENCH_WORDNET_DIR": dir.path])
        assertRefused(missing, "wordnet-base")
        let source = "/usr/share/wordnet"
        try XCTSkipUnless(FileManager.default.fileExists(atPath: source + "/data.noun"), "WordNet is not installed (wordnet-base)")
        for (name, cut) in [("data.noun", "holds no synset"), ("index.verb", "malformed index entry")] {
            let copy = dir.appendingPathComponent("wordnet-\(name)")
            try FileManager.default.copyItem(atPath: source, toPath: copy.path)
            let path = copy.appendingPathComponent(name)
            var data = try Data(contentsOf: path)
            // Cut mid-file; for an index, also end on half a line.
            data = data.prefix(data.count / 2)
            if name.hasPrefix("index") { data += Data("brokenword n 3\n".utf8) }
            try data.write(to: path)
            let (r, seconds) = try bounded(score, environment: ["PEFTBENCH_WORDNET_DIR": copy.path])
            assertRefused(r, name)
            XCTAssertTrue(r.stderr.contains(cut), r.stderr)
            XCTAssertLessThan(seconds, 60)
        }
    }
}
