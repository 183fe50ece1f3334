import Foundation
import XCTest

final class ScoreCLITests: XCTestCase {
    let cli = CLI()

    override func setUpWithError() throws { try CLI.requireBuilt() }

    func file(_ name: String, _ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("peftbench-score-\(getpid())-\(name)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testCorpusAndSentenceBLEU() throws {
        let hyp = try file("hyp", "the cat sat on the mat .\nhello world\n")
        let ref = try file("ref", "the cat is on the mat .\nhello there world\n")
        let r = try cli.run(["score", "--metric", "sacrebleu", "--hyp", hyp, "--ref", ref, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let out = try cli.json(r.stdout)
        XCTAssertEqual(out["score"] as? Double ?? 0, 42.4808, accuracy: 1e-3)  // sacrebleu 2.6.0 prints 42.48
        XCTAssertEqual(out["signature"] as? String, "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:peftbench-1")
        let s = try cli.json(try cli.run(["score", "--metric", "sentence-bleu", "--hyp", hyp, "--ref", ref, "--ref", ref, "--json"]).stdout)
        XCTAssertEqual((s["scores"] as? [Double])?.count, 2)
    }

    /// The E2E scripts' reference layout: groups of any size separated by blank lines, equal to the same
    /// references given as streams where the counts agree.
    func testGroupedReferences() throws {
        let hyp = try file("g-hyp", "the cat sat on the mat .\nhello world\n")
        let grouped = try file("g-refs", "the cat is on the mat .\na cat sat on a mat .\n\n\nhello there world\n")
        let r = try cli.run(["score", "--metric", "sacrebleu", "--hyp", hyp, "--refs-grouped", grouped, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let out = try cli.json(r.stdout)
        XCTAssertTrue((out["signature"] as? String ?? "").hasPrefix("nrefs:var|"), r.stdout)
        let s1 = try file("g-s1", "the cat is on the mat .\nhello there world\n"), s2 = try file("g-s2", "a cat sat on a mat .\nhello there world\n")
        let grouped2 = try file("g-refs2", "the cat is on the mat .\na cat sat on a mat .\n\nhello there world\nhello there world\n")
        let a = try cli.json(try cli.run(["score", "--metric", "sacrebleu", "--hyp", hyp, "--refs-grouped", grouped2, "--json"]).stdout)
        let b = try cli.json(try cli.run(["score", "--metric", "sacrebleu", "--hyp", hyp, "--ref", s1, "--ref", s2, "--json"]).stdout)
        XCTAssertEqual(a["score"] as? Double, b["score"] as? Double)
        XCTAssertEqual(a["signature"] as? String, b["signature"] as? String)
        let wrong = try cli.run(["score", "--metric", "sacrebleu", "--hyp", hyp, "--refs-grouped", s1])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("1 reference groups, but"), wrong.stderr)
    }

    /// `--preset e2e` on an E2E CSV in the official layout (all fields quoted, references grouped by MR).
    func testE2EPreset() throws {
        let csv = try file("e2e.csv", """
        "mr","ref"
        "name[The Eagle], eatType[pub]","The Eagle is a pub."
        "name[The Eagle], eatType[pub]","There is a pub called The Eagle."
        "name[Zizzi], food[Italian]","Zizzi serves Italian food, it's cheap."

        """)
        let hyp = try file("e2e-hyp", "The Eagle is a pub.\nZizzi serves Italian food, it's cheap.\n")
        let r = try cli.run(["score", "--preset", "e2e", "--hyp", hyp, "--ref", csv, "--json"],
                            environment: ["PEFTBENCH_METEOR_DIR": RunCLITests.meteorFolder, "HOME": NSHomeDirectory()])
        XCTAssertEqual(r.status, 0, r.stderr)
        let out = try cli.json(r.stdout)
        XCTAssertEqual(Set(out.keys), ["BLEU", "NIST", "METEOR", "ROUGE_L", "CIDEr", "signature"])
        XCTAssertEqual(out["BLEU"] as? Double ?? 0, 1, accuracy: 1e-12)
        XCTAssertEqual(out["METEOR"] as? Double ?? 0, 1, accuracy: 1e-12)
        XCTAssertEqual(out["ROUGE_L"] as? Double ?? 0, 1, accuracy: 1e-12)
        let text = try cli.run(["score", "--preset", "e2e", "--hyp", hyp, "--ref", csv],
                               environment: ["PEFTBENCH_METEOR_DIR": RunCLITests.meteorFolder, "HOME": NSHomeDirectory()])
        XCTAssertTrue(text.stdout.contains("BLEU: 1.0000\nNIST: "), text.stdout)
        // One hypothesis too few, both --metric and --preset, missing resources: one line each, non-zero exit.
        let short = try file("e2e-short", "The Eagle is a pub.\n")
        for (args, env, message) in [
            (["score", "--preset", "e2e", "--hyp", short, "--ref", csv], ["PEFTBENCH_METEOR_DIR": RunCLITests.meteorFolder], "2 reference groups, but"),
            (["score", "--preset", "e2e", "--metric", "sacrebleu", "--hyp", hyp, "--ref", csv], [:], "either --metric or --preset"),
            (["score", "--preset", "e2e", "--hyp", hyp, "--ref", csv], ["PEFTBENCH_METEOR_DIR": "/nonexistent"], "run scripts/fetch-meteor.sh"),
        ] {
            let bad = try cli.run(args, environment: env)
            XCTAssertNotEqual(bad.status, 0, args.joined(separator: " "))
            XCTAssertTrue(bad.stderr.contains(message), bad.stderr)
            XCTAssertEqual(bad.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count, 1, bad.stderr)
        }
    }

    /// Eight systems on real E2E references, scored by the E2E challenge's own `measure_scores.py`: every one of
    /// the five scores printed to the script's four decimals must be the script's.
    func testE2EPresetEqualsTheOfficialScript() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/e2e-official")
        let official = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("official-scores.json"))) as? [String: [String: Double]])
        XCTAssertEqual(official.count, 8)
        for (system, scores) in official.sorted(by: { $0.key < $1.key }) {
            let r = try cli.run(["score", "--preset", "e2e", "--hyp", folder.appendingPathComponent("\(system).hyp.txt").path,
                                 "--refs-grouped", folder.appendingPathComponent("\(system).refs.txt").path],
                                environment: ["PEFTBENCH_METEOR_DIR": RunCLITests.meteorFolder, "HOME": NSHomeDirectory()])
            XCTAssertEqual(r.status, 0, r.stderr)
            for name in ["BLEU", "NIST", "METEOR", "ROUGE_L", "CIDEr"] {
                let want = String(format: "%@: %.4f", name, try XCTUnwrap(scores[name]))
                XCTAssertTrue(r.stdout.contains(want + "\n"), "\(system): the script printed \(want), peftbench:\n\(r.stdout)")
            }
        }
    }

    /// The same input gives the same bits in every process: sums over n-grams must not follow a Dictionary's order,
    /// which Swift seeds anew in each process (NIST's information and CIDEr's norms and products once did).
    func testScoresAreTheSameBitsInEveryProcess() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/e2e-official")
        for system in ["01-long", "03-mixed", "07-nonascii"] {
            let hyp = folder.appendingPathComponent("\(system).hyp.txt").path, refs = folder.appendingPathComponent("\(system).refs.txt").path
            var outputs = Set<String>()
            for _ in 0..<4 {
                let r = try cli.run(["score", "--preset", "e2e", "--hyp", hyp, "--refs-grouped", refs, "--json"],
                                    environment: ["PEFTBENCH_METEOR_DIR": RunCLITests.meteorFolder, "HOME": NSHomeDirectory()])
                XCTAssertEqual(r.status, 0, r.stderr)
                outputs.insert(r.stdout)
            }
            XCTAssertEqual(outputs.count, 1, "\(system): \(outputs)")
        }
    }

    func testCIDEr() throws {
        let hyp = try file("cider-hyp", "A B C D\nx y\n")
        let ref = try file("cider-ref", "a b c d\nz w\n")
        let r = try cli.run(["score", "--metric", "cider", "--hyp", hyp, "--ref", ref, "--lowercase", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let out = try cli.json(r.stdout)
        XCTAssertEqual(out["score"] as? Double ?? 0, 5, accuracy: 1e-12)  // segments 10 and 0
        XCTAssertEqual(out["scores"] as? [Double], [10, 0])
        // LCS 3 of 4 candidate and 3 of 3 reference tokens: P 0.75, R 1, F(β 1.2) = 2.44·0.75 / (1 + 1.44·0.75).
        let h = try file("rl-hyp", "a b x c\n"), g = try file("rl-ref", "a b c\n")
        let rl = try cli.json(try cli.run(["score", "--metric", "rouge-l-coco", "--hyp", h, "--ref", g, "--json"]).stdout)
        XCTAssertEqual(rl["score"] as? Double ?? 0, 2.44 * 0.75 / (1 + 1.44 * 0.75), accuracy: 1e-12)
    }

    func testAnswerMetrics() throws {
        let hyp = try file("answers", "in Paris, France\nThe Eiffel Tower\n")
        let ref = try file("golds", "Paris\neiffel tower\n")
        let f1 = try cli.json(try cli.run(["score", "--metric", "f1", "--hyp", hyp, "--ref", ref, "--json"]).stdout)
        XCTAssertEqual(f1["score"] as? Double ?? 0, 75, accuracy: 1e-9)  // (50 + 100) / 2
        let em = try cli.json(try cli.run(["score", "--metric", "em", "--hyp", hyp, "--ref", ref, "--json"]).stdout)
        XCTAssertEqual(em["score"] as? Double ?? 0, 50, accuracy: 1e-9)
        let out = try file("gsm-out", "so #### 72\nthe answer is $1,080.00\n")
        let gold = try file("gsm-ref", "#### 72\n#### 1080\n")
        let strict = try cli.json(try cli.run(["score", "--metric", "gsm8k-strict", "--hyp", out, "--ref", gold, "--json"]).stdout)
        XCTAssertEqual(strict["score"] as? Double ?? 0, 50, accuracy: 1e-9)
        let flexible = try cli.json(try cli.run(["score", "--metric", "gsm8k-flexible", "--hyp", out, "--ref", gold, "--json"]).stdout)
        XCTAssertEqual(flexible["score"] as? Double ?? 0, 100, accuracy: 1e-9)
    }

    func testBenchMetricsTimesEveryMetric() throws {
        let r = try cli.run(["bench", "metrics", "--segments", "200", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows.compactMap { $0["metric"] as? String },
                       ["sacrebleu", "sentence-bleu", "rouge-l", "f1", "gsm8k-flexible", "e2e-nist", "ptb-tokenize", "cider", "meteor-nltk", "meteor"])
        for row in rows { XCTAssertGreaterThan(row["segments_per_s"] as? Double ?? 0, 0) }
        let only = try cli.run(["bench", "metrics", "--segments", "100", "--only", "e2e-nist", "--json"])
        XCTAssertEqual(try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(only.stdout.utf8)) as? [[String: Any]]).compactMap { $0["metric"] as? String }, ["e2e-nist"])
    }

    func testBadInputsAreOneLineErrors() throws {
        let hyp = try file("hyp2", "a\nb\n")
        let short = try file("short", "a\n")
        let empty = try file("empty", "")
        for args in [["score", "--metric", "sacrebleu", "--hyp", hyp, "--ref", short], ["score", "--metric", "sacrebleu", "--hyp", empty, "--ref", hyp],
                     ["score", "--metric", "nope", "--hyp", hyp, "--ref", hyp], ["score", "--metric", "sacrebleu", "--hyp", hyp],
                     ["score", "--metric", "sacrebleu", "--hyp", hyp, "--ref", hyp, "--tokenize", "char"]] {
            let r = try cli.run(args)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(args): \(r.stderr)")
        }
    }

    /// Names that meant two things are refused with the names to use; a setting goes only to a metric that takes it.
    func testAmbiguousNamesAndMisplacedSettings() throws {
        let hyp = try file("names-hyp", "a b c\n"), ref = try file("names-ref", "a b c\n")
        for (args, message) in [
            (["--metric", "bleu"], "write sacrebleu (sacreBLEU, 0-100) or e2e-bleu"),
            (["--metric", "nist"], "now e2e-nist"),
            (["--metric", "gsm8k-accuracy"], "gsm8k-strict or gsm8k-flexible"),
            (["--metric", "rouge-l", "--lowercase"], "rouge-l does not take the lowercase setting"),
            (["--metric", "cider", "--stem"], "cider does not take the stem setting"),
        ] {
            let r = try cli.run(["score", "--hyp", hyp, "--ref", ref] + args)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertTrue(r.stderr.contains(message), "\(args): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        }
        let list = try cli.run(["metrics", "list", "--json"])
        let names = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]).compactMap { $0["name"] as? String }
        XCTAssertEqual(Set(names).count, names.count, "one definition per name")
        XCTAssertTrue(Set(["sacrebleu", "e2e-bleu", "e2e-nist", "rouge-l", "e2e-rouge-l", "em", "f1"]).isSubset(of: Set(names)))
    }

    /// `--ci none` leaves the interval out; `--compare` runs the paired test against a second system.
    func testIntervalSwitchAndPairedComparison() throws {
        let refs = (0..<80).map { "the quick brown fox number \($0) jumps over the lazy dog" }
        let good = refs.map { $0.replacingOccurrences(of: "lazy", with: "sleepy") }
        let bad = refs.map { _ in "a completely different sentence" }
        let ref = try file("pair-ref", refs.joined(separator: "\n") + "\n")
        let goodFile = try file("pair-good", good.joined(separator: "\n") + "\n"), badFile = try file("pair-bad", bad.joined(separator: "\n") + "\n")
        let none = try cli.json(try cli.run(["score", "--metric", "sacrebleu", "--hyp", goodFile, "--ref", ref, "--ci", "none", "--json"]).stdout)
        XCTAssertNil(none["ci95"])
        let r = try cli.run(["score", "--metric", "sacrebleu", "--hyp", goodFile, "--ref", ref, "--compare", badFile, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let paired = try XCTUnwrap(try cli.json(r.stdout)["paired"] as? [String: Any])
        XCTAssertLessThan(paired["p_value"] as? Double ?? 1, 0.01)
        XCTAssertLessThan(paired["baseline_score"] as? Double ?? 100, 5)
        let same = try cli.json(try cli.run(["score", "--metric", "sacrebleu", "--hyp", goodFile, "--ref", ref, "--compare", goodFile, "--json"]).stdout)
        // sacrebleu counts only resamples whose centred difference exceeds the real one strictly, so a system against
        // itself gets (0 + 1) / 1001: "a zero difference should not be attributed to chance".
        XCTAssertEqual((same["paired"] as? [String: Any])?["p_value"] as? Double ?? 0, 1.0 / 1001, accuracy: 1e-12, "a system against itself")
        let short = try file("pair-short", "x\n")
        let wrong = try cli.run(["score", "--metric", "sacrebleu", "--hyp", goodFile, "--ref", ref, "--compare", short])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("1 lines, but"), wrong.stderr)
    }
}
