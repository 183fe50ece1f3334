import Foundation
import Tasks

/// Loaded examples written back in their file format: the other half of the loaders' round-trip property. Each
/// returns nil when the examples cannot be written so that they load the same (a flattened field that can no
/// longer be split).
enum TaskFileWriter {
    /// `s` with each listed scalar replaced. Scalar by scalar: a quote followed by a combining mark is one Character,
    /// which String's replacingOccurrences would pass over, and the readers see its quote.
    static func escaping(_ s: String, _ replacements: [Unicode.Scalar: String]) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            if let r = replacements[scalar] { out.unicodeScalars.append(contentsOf: r.unicodeScalars) } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    static func e2e(_ examples: [TaskExample]) -> Data? {
        func quoted(_ s: String) -> String { "\"" + escaping(s, ["\"": "\"\""]) + "\"" }
        let withReferences = examples.contains { !$0.references.isEmpty }
        var text = withReferences ? "mr,ref\n" : "mr\n"
        for example in examples {
            guard let mr = example.fields["mr"] else { return nil }
            if withReferences {
                for ref in example.references { text += quoted(mr) + "," + quoted(ref) + "\n" }
            } else {
                text += quoted(mr) + "\n"
            }
        }
        return Data(text.utf8)
    }

    static func gsm8k(_ examples: [TaskExample]) -> Data? {
        var out = Data()
        for example in examples {
            guard let question = example.fields["question"], example.references.count == 1 else { return nil }
            guard let line = try? JSONSerialization.data(withJSONObject: ["question": question, "answer": example.references[0]],
                                                          options: [.sortedKeys]) else { return nil }
            out.append(line)
            out.append(0x0A)
        }
        return out
    }

    /// Turns are grouped back into stories: a story starts at each turn with an empty history.
    static func coqa(_ examples: [TaskExample]) -> Data? {
        var stories: [[String: Any]] = []
        for example in examples {
            guard let story = example.fields["story"], let question = example.fields["question"], let turnText = example.fields["turn"],
                  let turn = Int(turnText), let history = example.fields["history"], let source = example.group,
                  example.id.hasSuffix("#\(turn)"), let answer = example.references.first else { return nil }
            let id = String(example.id.dropLast("#\(turn)".count))
            if history.isEmpty || stories.isEmpty {
                stories.append(["source": source, "id": id, "story": story, "questions": [[String: Any]](), "answers": [[String: Any]](),
                                "additional_answers": [String: [[String: Any]]]()])
            }
            var current = stories.removeLast()
            guard current["id"] as? String == id, current["story"] as? String == story, current["source"] as? String == source else { return nil }
            current["questions"] = (current["questions"] as! [[String: Any]]) + [["input_text": question, "turn_id": turn]]
            current["answers"] = (current["answers"] as! [[String: Any]]) + [["input_text": answer, "turn_id": turn]]
            // Zero-padded keys, so that the loader's key order is the references' order.
            var extra = current["additional_answers"] as! [String: [[String: Any]]]
            for (k, other) in example.references.dropFirst().enumerated() {
                extra[String(format: "a%04d", k), default: []].append(["input_text": other, "turn_id": turn])
            }
            current["additional_answers"] = extra
            stories.append(current)
        }
        return try? JSONSerialization.data(withJSONObject: ["data": stories], options: [.sortedKeys])
    }

    /// Entries back from their `triples` field (one `subject | property | object` per line) and category.
    static func webnlg(_ examples: [TaskExample]) -> Data? {
        func escaped(_ s: String) -> String {
            escaping(s, ["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"])
        }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<benchmark><entries>\n"
        for example in examples {
            guard let triples = example.fields["triples"], let category = example.fields["category"],
                  let slash = example.id.firstIndex(of: "/") else { return nil }
            let eid = String(example.id[example.id.index(after: slash)...])
            let lines = triples.split(separator: "\n", omittingEmptySubsequences: false)
            // A triple whose parts hold a line break or a bar cannot be split back from the flattened field.
            guard lines.allSatisfy({ $0.components(separatedBy: " | ").count == 3 && $0.filter { $0 == "|" }.count == 2 }) else { return nil }
            xml += "<entry category=\"\(escaped(category))\" eid=\"\(escaped(eid))\"><modifiedtripleset>"
            for line in lines { xml += "<mtriple>\(escaped(String(line)))</mtriple>" }
            xml += "</modifiedtripleset>"
            for reference in example.references { xml += "<lex lang=\"en\">\(escaped(reference))</lex>" }
            xml += "</entry>\n"
        }
        return Data((xml + "</entries></benchmark>\n").utf8)
    }
}
