import Foundation
@testable import Tasks
import TestSupport
import XCTest

final class TaskSynthesizerTests: XCTestCase {
    static let shippedSeed: UInt64 = 20_241_122

    /// The committed files are exactly what the generator writes from the shipped seed.
    func testCommittedDataIsTheGeneratorsOutput() throws {
        for format in TaskFormat.allCases {
            let sizes = TaskSynthesizer.defaultSizes(format)
            for (split, name) in TaskSynthesizer.fileNames(format) {
                let count = split == "train" ? sizes.train : split == "validation" ? sizes.validation : sizes.test
                let committed = try Data(contentsOf: repositoryRoot.appendingPathComponent("tasks/data/\(format.rawValue)/\(name)"))
                let generated = TaskSynthesizer.generate(format, split: split, count: count, seed: Self.shippedSeed)
                XCTAssertTrue(committed == generated, "tasks/data/\(format.rawValue)/\(name) differs from `tasks synth` output")
            }
        }
    }

    func testSeedsAndSplitsAreDisjoint() throws {
        let f = try TaskFileFixture()
        for format in TaskFormat.allCases {
            let sizes = TaskSynthesizer.Sizes(train: 60, validation: 20, test: 20)
            let paths = try TaskSynthesizer.write(format, to: f.folder.appendingPathComponent(format.rawValue).path, sizes: sizes, seed: 7)
            let splits = try paths.map { try format.load($0) }
            let keys = splits.map { Set($0.examples.map { key(format, $0) }) }
            XCTAssertTrue(keys[0].isDisjoint(with: keys[1]) && keys[0].isDisjoint(with: keys[2]) && keys[1].isDisjoint(with: keys[2]), "\(format)")
            let other = TaskSynthesizer.generate(format, split: "train", count: 60, seed: 8)
            XCTAssertNotEqual(other, try Data(contentsOf: URL(fileURLWithPath: paths[0])), "\(format)")
        }
    }

    func key(_ format: TaskFormat, _ e: TaskExample) -> String {
        switch format {
        case .e2e: return e.fields["mr"]!
        case .webnlg: return e.fields["triples"]!.split(separator: "\n").sorted().joined(separator: "\n")
        case .gsm8k: return e.fields["question"]!
        case .coqa: return e.fields["story"]!
        }
    }

    /// Every `<<expression=result>>` in the shipped arithmetic is right, and the final answer is the last result.
    func testCalculatorAnnotationsAreCorrect() throws {
        let data = TaskSynthesizer.generate(.gsm8k, split: "train", count: 400, seed: Self.shippedSeed)
        let f = try TaskFileFixture()
        let split = try GSM8KLoader.load(try f.write("train.jsonl", data))
        for example in split.examples {
            let answer = example.references[0]
            var last: Double?
            var rest = Substring(answer)
            while let open = rest.range(of: "<<"), let close = rest[open.upperBound...].range(of: ">>") {
                let parts = rest[open.upperBound..<close.lowerBound].split(separator: "=")
                XCTAssertEqual(parts.count, 2, answer)
                let value = try XCTUnwrap(evaluate(String(parts[0])), answer)
                XCTAssertEqual(value, Double(parts[1]), answer)
                last = value
                rest = rest[close.upperBound...]
            }
            XCTAssertEqual(last, Double(example.fields["answer_number"]!), answer)
        }
    }

    /// Left-to-right with * and / binding tighter; enough for the generator's expressions.
    func evaluate(_ expression: String) -> Double? {
        var terms: [Double] = [], ops: [Character] = []
        var number = "", previous: Character? = nil
        var sign = 1.0
        var pendingProduct: (Double, Character)? = nil
        func push(_ v: Double) {
            var v = v
            if let (left, op) = pendingProduct { v = op == "*" ? left * v : left / v; pendingProduct = nil }
            terms.append(v)
        }
        for c in expression + "+" {
            if c.isNumber || c == "." { number.append(c) }
            else if c == "-" && (previous == nil || "+-*/".contains(previous!)) { sign = -sign }
            else {
                guard let v = Double(number) else { return nil }
                number = ""
                let value = v * sign
                sign = 1
                if c == "*" || c == "/" {
                    if let (left, op) = pendingProduct { pendingProduct = (op == "*" ? left * value : left / value, c) } else { pendingProduct = (value, c) }
                } else {
                    push(value)
                    ops.append(c)
                }
            }
            previous = c
        }
        var total = terms[0]
        for i in 1..<terms.count { total = ops[i - 1] == "+" ? total + terms[i] : total - terms[i] }
        return total
    }

    func testCoQASpansQuoteTheStory() throws {
        let data = TaskSynthesizer.generate(.coqa, split: "validation", count: 20, seed: Self.shippedSeed)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        for story in try XCTUnwrap(object["data"] as? [[String: Any]]) {
            let text = Array((story["story"] as! String).unicodeScalars)
            for answer in story["answers"] as! [[String: Any]] {
                let start = answer["span_start"] as! Int, end = answer["span_end"] as! Int
                if start < 0 { XCTAssertEqual(answer["input_text"] as? String, "unknown"); continue }
                XCTAssertEqual(String(String.UnicodeScalarView(text[start..<end])), answer["span_text"] as? String)
            }
            XCTAssertEqual((story["additional_answers"] as? [String: Any])?.count, 3)
        }
    }
}
