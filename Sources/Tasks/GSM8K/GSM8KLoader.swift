import Foundation

/// GSM8K JSON Lines: one `{"question", "answer"}` object per line; the answer is reasoning lines (with calculator
/// annotations such as `<<16-3-4=9>>`) ending in `#### N`, where N may carry thousands commas or a minus sign.
public enum GSM8KLoader {
    public static func load(_ path: String, stripCalculator: Bool = false) throws -> LoadedSplit {
        let text = try TextFile.read(path)
        var examples: [TaskExample] = []
        var annotations = 0
        var lineNumber = 0
        // Only LF and CRLF end a line: a JSON string may hold other line separators such as U+2028.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            let object: Any
            do { object = try JSONSerialization.jsonObject(with: Data(line.utf8)) } catch {
                throw TaskDataError(path, line: lineNumber, "not valid JSON (\(JSONErrorText.describe(error)))")
            }
            guard let record = object as? [String: Any] else { throw TaskDataError(path, line: lineNumber, "not a JSON object") }
            func field(_ key: String) throws -> String {
                guard let value = record[key] else { throw TaskDataError(path, line: lineNumber, "missing field '\(key)'") }
                guard let s = value as? String else { throw TaskDataError(path, line: lineNumber, "field '\(key)' is not a string") }
                guard !s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw TaskDataError(path, line: lineNumber, "field '\(key)' is empty")
                }
                return s
            }
            let question = try field("question")
            var answer = try field("answer")
            guard let final = finalAnswer(answer) else {
                throw TaskDataError(path, line: lineNumber, "answer has no final '#### N' line with a number")
            }
            let count = calculatorAnnotations(in: answer)
            annotations += count
            if stripCalculator && count > 0 { answer = strippingCalculator(answer) }
            examples.append(TaskExample(id: "line\(lineNumber)", fields: ["question": question, "answer_number": final],
                                        references: [answer]))
        }
        guard !examples.isEmpty else { throw TaskDataError(path, "no records") }
        return LoadedSplit(examples: examples, counts: ["calculator_annotations": annotations])
    }

    /// The number after the last `####`, commas removed (`1,080` → `1080`), or nil when there is none.
    public static func finalAnswer(_ answer: String) -> String? {
        guard let marker = answer.range(of: "####", options: .backwards) else { return nil }
        let tail = answer[marker.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
        let number = tail.replacingOccurrences(of: ",", with: "")
        var body = Substring(number)
        if body.first == "-" { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard !body.isEmpty, parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { return nil }
        return number
    }

    static func calculatorAnnotations(in text: String) -> Int {
        var count = 0
        var rest = Substring(text)
        while let open = rest.range(of: "<<") {
            guard let close = rest[open.upperBound...].range(of: ">>") else { break }
            count += 1
            rest = rest[close.upperBound...]
        }
        return count
    }

    /// The answer without its `<<expression=result>>` annotations; the text around them is kept as written.
    public static func strippingCalculator(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "<<"), let close = rest[open.upperBound...].range(of: ">>") {
            out += rest[..<open.lowerBound]
            rest = rest[close.upperBound...]
        }
        return out + rest
    }
}
