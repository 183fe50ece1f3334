import Foundation

/// CoQA JSON (`coqa-train-v1.0.json`, `coqa-dev-v1.0.json`): stories with numbered question and answer turns, and
/// in the dev file `additional_answers` from three more annotators. Each turn is one example; its references are
/// the answer and the additional answers of that turn, the gold set the official scorer uses.
public enum CoQALoader {
    struct File: Decodable {
        var data: [Story]
    }

    struct Story: Decodable {
        var source: String
        var id: String
        var story: String
        var questions: [Question]
        var answers: [Answer]
        var additional_answers: [String: [Answer]]?
    }

    struct Question: Decodable {
        var input_text: String
        var turn_id: Int
    }

    struct Answer: Decodable {
        var span_start: Int?
        var span_end: Int?
        var input_text: String
        var turn_id: Int
    }

    public static func load(_ path: String) throws -> LoadedSplit {
        let data = try TextFile.bytes(path)
        _ = try TextFile.decode(data, path: path)
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: data) } catch let error as DecodingError {
            throw TaskDataError(path, DecodingErrorText.describe(error, format: "JSON"))
        } catch {
            throw TaskDataError(path, "not valid JSON (\(JSONErrorText.describe(error)))")
        }
        var examples: [TaskExample] = []
        var unknown = 0
        for (s, story) in file.data.enumerated() {
            let at = "data[\(s)]"
            guard !story.questions.isEmpty else { throw TaskDataError(path, at, "story \(story.id) has no questions") }
            guard story.questions.count == story.answers.count else {
                throw TaskDataError(path, at, "\(story.questions.count) questions but \(story.answers.count) answers")
            }
            let length = story.story.unicodeScalars.count
            let extra = (story.additional_answers ?? [:]).sorted { $0.key < $1.key }
            for (key, answers) in extra where answers.count != story.questions.count {
                throw TaskDataError(path, "\(at).additional_answers.\(key)", "\(answers.count) answers for \(story.questions.count) questions")
            }
            var history: [String] = []
            for (t, question) in story.questions.enumerated() {
                let answer = story.answers[t]
                guard answer.turn_id == question.turn_id else {
                    throw TaskDataError(path, "\(at).answers[\(t)].turn_id", "is \(answer.turn_id), but questions[\(t)].turn_id is \(question.turn_id)")
                }
                try checkSpan(answer, storyLength: length, path: path, at: "\(at).answers[\(t)]")
                var references = [answer.input_text]
                for (key, answers) in extra {
                    let other = answers[t]
                    guard other.turn_id == question.turn_id else {
                        throw TaskDataError(path, "\(at).additional_answers.\(key)[\(t)].turn_id", "is \(other.turn_id), but questions[\(t)].turn_id is \(question.turn_id)")
                    }
                    try checkSpan(other, storyLength: length, path: path, at: "\(at).additional_answers.\(key)[\(t)]")
                    references.append(other.input_text)
                }
                if answer.span_start == -1 || answer.input_text.lowercased() == "unknown" { unknown += 1 }
                examples.append(TaskExample(
                    id: "\(story.id)#\(question.turn_id)",
                    fields: ["story": story.story, "question": oneLine(question.input_text), "history": history.map { $0 + "\n" }.joined(),
                             "turn": String(question.turn_id)],
                    references: references, group: story.source))
                history.append("Q: \(oneLine(question.input_text))")
                history.append("A: \(oneLine(answer.input_text))")
            }
        }
        guard !examples.isEmpty else { throw TaskDataError(path, "data", "no stories") }
        return LoadedSplit(examples: examples, counts: [
            "stories": file.data.count, "unknown_answers": unknown, "domains": Set(file.data.map(\.source)).count,
        ])
    }

    /// A turn of the history is one `Q:` line and one `A:` line, each ending in a newline, so that the prompt
    /// fitting can drop whole turns.
    static func oneLine(_ s: String) -> String {
        s.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    static func checkSpan(_ a: Answer, storyLength: Int, path: String, at: String) throws {
        guard let start = a.span_start, let end = a.span_end else { return }
        if start == -1 && end == -1 { return }  // no span: an unknown or unanswerable turn
        guard start >= 0, end >= start, end <= storyLength else {
            throw TaskDataError(path, at, "answer span \(start)–\(end) lies outside the story (\(storyLength) characters)")
        }
    }
}
