import Foundation
import Tasks

/// The four task formats and task definitions. Each loaded split is written back out in its format and loaded
/// again: the examples must come back the same.
enum TaskTargets {
    static let all = [e2e, webnlg, gsm8k, coqa, taskYAML]

    static let e2e = FuzzTarget(name: "e2e-csv") { input, scratch in
        try roundTrip(input, scratch, name: "split.csv", load: E2ELoader.load, write: TaskFileWriter.e2e, sameIDs: true)
    }

    static let webnlg = FuzzTarget(name: "webnlg-xml") { input, scratch in
        try roundTrip(input, scratch, name: "split.xml", load: { try WebNLGLoader.load($0) }, write: TaskFileWriter.webnlg, sameIDs: true)
    }

    static let gsm8k = FuzzTarget(name: "gsm8k-jsonl") { input, scratch in
        // Ids are line numbers, which blank lines in the input shift.
        try roundTrip(input, scratch, name: "split.jsonl", load: { try GSM8KLoader.load($0) }, write: TaskFileWriter.gsm8k, sameIDs: false)
    }

    static let coqa = FuzzTarget(name: "coqa-json") { input, scratch in
        try roundTrip(input, scratch, name: "split.json", load: CoQALoader.load, write: TaskFileWriter.coqa, sameIDs: true)
    }

    static let taskYAML = FuzzTarget(name: "task-yaml") { input, scratch in
        let path = try scratch.write(input, as: "task.yaml")
        _ = try accepting(path) { try TaskDefinition.load(path) }
    }

    static func roundTrip(_ input: Data, _ scratch: Scratch, name: String, load: (String) throws -> LoadedSplit,
                          write: ([TaskExample]) -> Data?, sameIDs: Bool) throws {
        let path = try scratch.write(input, as: "first/" + name)
        guard let first = try accepting(path, { try load(path) }) else { return }
        // nil: the examples hold something the format's flattened fields cannot be split back from.
        guard let written = write(first.examples) else { return }
        let again = try scratch.write(written, as: "again/" + name)
        let second: LoadedSplit
        do { second = try load(again) } catch {
            throw Violation("a loaded file written back out does not load again: \(error)")
        }
        func comparable(_ e: [TaskExample]) -> [TaskExample] {
            sameIDs ? e : e.map { var x = $0; x.id = ""; return x }
        }
        guard comparable(first.examples) == comparable(second.examples) else {
            let pair = zip(first.examples, second.examples).first { comparable([$0.0]) != comparable([$0.1]) }
            throw Violation("written back out and loaded again, the examples differ (\(first.examples.count) vs \(second.examples.count)): \(String(describing: pair))")
        }
    }
}
