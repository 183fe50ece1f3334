import Foundation
import Tasks
import TestSupport
import XCTest

final class TaskDefinitionTests: XCTestCase {
    func definitionYAML(prompt: String = "Q: {{question}}\\nA:", extra: String = "") -> String {
        """
        name: sums
        format: gsm8k
        data:
          train:
            official: data/sums/train.jsonl
            shipped: shipped/train.jsonl
          validation:
            official: data/sums/valid.jsonl
            shipped: shipped/valid.jsonl
        prompt: "\(prompt)"
        target: " {{reference}}"
        metrics: [gsm8k-strict]
        generation:
          max_new_tokens: 32
          stop: ["\\n\\n"]
        \(extra)
        """
    }

    func testDefinitionRendersPromptsAndTargets() throws {
        let f = try TaskFileFixture()
        let d = try TaskDefinition.load(try f.write("tasks/sums.yaml", definitionYAML(extra: "options:\n  strip_calculator: true")))
        XCTAssertEqual(d.name, "sums")
        XCTAssertEqual(d.format, .gsm8k)
        XCTAssertEqual(d.trainOn, .firstReference)
        XCTAssertEqual(d.generation.stop, ["\n\n"])
        XCTAssertTrue(d.options.stripCalculator)
        let example = TaskExample(id: "1", fields: ["question": "1+1?"], references: ["2", "two"])
        let pairs = try d.trainingPairs(example)
        XCTAssertEqual(pairs.count, 1)
        XCTAssertEqual(pairs[0].prompt, "Q: 1+1?\nA:")
        XCTAssertEqual(pairs[0].target, " 2")
    }

    func testOfficialDataIsUsedOnlyWhenEverySplitIsPresent() throws {
        let f = try TaskFileFixture()
        let d = try TaskDefinition.load(try f.write("tasks/sums.yaml", definitionYAML()))
        let root = f.folder.path
        try f.write("shipped/train.jsonl", "x")
        try f.write("shipped/valid.jsonl", "x")
        XCTAssertEqual(try d.resolve(split: "train", root: root).origin, .shipped)
        try f.write("data/sums/train.jsonl", "x")
        XCTAssertEqual(try d.resolve(split: "train", root: root).origin, .shipped, "one official split must not mix with shipped data")
        XCTAssertEqual(d.missingOfficialFiles(root: root), [root + "/data/sums/valid.jsonl"])
        try f.write("data/sums/valid.jsonl", "x")
        XCTAssertEqual(try d.resolve(split: "validation", root: root), .init(path: root + "/data/sums/valid.jsonl", origin: .official))
        XCTAssertThrowsError(try d.resolve(split: "test", root: root))
    }

    func testBadDefinitionsAreNamed() throws {
        let f = try TaskFileFixture()
        var path = try f.write("a.yaml", definitionYAML().replacingOccurrences(of: "format: gsm8k", with: "format: csv"))
        assertTaskError(try TaskDefinition.load(path), path: path, "format")
        path = try f.write("b.yaml", definitionYAML().replacingOccurrences(of: "metrics: [gsm8k-strict]\n", with: ""))
        assertTaskError(try TaskDefinition.load(path), path: path, "missing field 'metrics'")
        path = try f.write("c.yaml", definitionYAML(prompt: "{{question"))
        assertTaskError(try TaskDefinition.load(path), path: path, "'{{' without '}}'")
        path = try f.write("d.yaml", "name: [unclosed\n")
        assertTaskError(try TaskDefinition.load(path), path: path)
        path = try f.write("e.yaml", definitionYAML().replacingOccurrences(of: "  validation:", with: "  dev:"))
        assertTaskError(try TaskDefinition.load(path), path: path, "data.dev", "unknown split")
        // A metric the registry does not know, or a name that meant two things: the file, the line, the entry.
        path = try f.write("f.yaml", definitionYAML().replacingOccurrences(of: "metrics: [gsm8k-strict]", with: "metrics:\n  - gsm8k-strict\n  - bleu"))
        assertTaskError(try TaskDefinition.load(path), path: path, "line 14", "metrics[1]", "sacrebleu", "e2e-bleu")
        path = try f.write("g.yaml", definitionYAML().replacingOccurrences(of: "metrics: [gsm8k-strict]", with: "metrics: [gsm8k-strict, blue]"))
        assertTaskError(try TaskDefinition.load(path), path: path, "line 12", "metrics[1]", "unknown metric 'blue'")
    }

    /// Nested aliases are counted on the event stream: past the limit the file is refused, naming its line, before
    /// any tree is built; under it, anchors and aliases read as usual.
    func testAliasExpansionIsBounded() throws {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for i in 1...6 { lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]") }
        let text = lines.joined(separator: "\n") + "\n"
        XCTAssertThrowsError(try YAMLExpansion.check(text, path: "bomb.yaml")) { error in
            XCTAssertEqual("\(error)", "bomb.yaml:5: aliases expand this file past 100000 nodes; refusing it (a YAML alias bomb?)")
        }
        // a0…a3 expand to about 12,000 nodes: under the limit.
        XCTAssertNoThrow(try YAMLExpansion.check(lines.prefix(4).joined(separator: "\n"), path: "fine.yaml"))
        // The same shape, counted exactly: 1 + 10 scalars in a0, a1 = 1 + 10 × 11, with the mapping and keys.
        XCTAssertThrowsError(try YAMLExpansion.check(lines.prefix(2).joined(separator: "\n"), path: "small.yaml", limit: 124))
        XCTAssertNoThrow(try YAMLExpansion.check(lines.prefix(2).joined(separator: "\n"), path: "small.yaml", limit: 125))
        let path = try temporaryFolder().appendingPathComponent("task.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TaskDefinition.load(path)) { XCTAssertTrue("\($0)".contains("aliases expand this file"), "\($0)") }
    }

    func testTemplateRejectsUnknownFields() throws {
        let t = PromptTemplate("{{story}} / {{ question }}")
        XCTAssertEqual(try t.fields(), ["story", "question"])
        XCTAssertEqual(try t.render(["story": "S", "question": "Q"]), "S / Q")
        XCTAssertThrowsError(try t.render(["story": "S"]))
    }

    /// The definitions in `tasks/` load, and each renders the first example of its shipped splits.
    func testShippedDefinitionsAndData() throws {
        let tasks = repositoryRoot.appendingPathComponent("tasks").path
        let catalog = try TaskCatalog(folder: tasks)
        XCTAssertEqual(catalog.definitions.map(\.name), ["coqa", "e2e", "gsm8k", "webnlg"])
        for d in catalog.definitions {
            for split in TaskDefinition.splits {
                let sources = try XCTUnwrap(d.data[split]?.shipped)
                let loaded = try d.format.load((catalog.root as NSString).appendingPathComponent(sources), options: d.options)
                XCTAssertGreaterThan(loaded.examples.count, 100, "\(d.name) \(split)")
                XCTAssertFalse(try d.trainingPairs(loaded.examples[0]).isEmpty)
            }
        }
    }
}
