/// Making a prompt fit the model's context. The rule (documented in `tasks/coqa.yaml`): first whole earlier
/// turns of the `history` field go, oldest first; then the `story` field is cut at its end to the longest run of
/// whole sentences that fits (whole words if not even one sentence does). The question and every other field are
/// never touched, so the current question always reaches the model.
public enum PromptFitting {
    public struct Fitted: Sendable, Equatable {
        public var prompt: String
        public var droppedTurns: Int
        /// Characters of the story cut away.
        public var storyCharactersCut: Int
        /// False when even the question alone (empty history and story) is over the budget.
        public var fits: Bool
        public var truncated: Bool { droppedTurns > 0 || storyCharactersCut > 0 }
    }

    /// `tokens` counts the tokens of a rendered prompt; `budget` is how many the prompt may have.
    public static func fit(_ template: PromptTemplate, _ fields: [String: String], budget: Int,
                           tokens: (String) -> Int) throws -> Fitted {
        var fields = fields
        var prompt = try template.render(fields)
        if tokens(prompt) <= budget { return Fitted(prompt: prompt, droppedTurns: 0, storyCharactersCut: 0, fits: true) }

        var dropped = 0
        if let history = fields["history"], !history.isEmpty {
            // A turn is a `Q:` line and an `A:` line, each ending in a newline.
            var lines = history.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.last == "" { lines.removeLast() }
            while !lines.isEmpty {
                lines.removeFirst(min(2, lines.count))
                dropped += 1
                fields["history"] = lines.map { $0 + "\n" }.joined()
                prompt = try template.render(fields)
                if tokens(prompt) <= budget { return Fitted(prompt: prompt, droppedTurns: dropped, storyCharactersCut: 0, fits: true) }
            }
        }

        guard let story = fields["story"], !story.isEmpty else {
            return Fitted(prompt: prompt, droppedTurns: dropped, storyCharactersCut: 0, fits: false)
        }
        func render(_ prefix: Substring) throws -> String {
            var f = fields
            f["story"] = String(prefix)
            return try template.render(f)
        }
        // The longest prefix ending at a boundary that fits, by binary search over the boundaries.
        for boundaries in [sentenceEnds(story), wordEnds(story)] {
            var low = 0, high = boundaries.count - 1, best: String.Index?
            while low <= high {
                let mid = (low + high) / 2
                if tokens(try render(story[..<boundaries[mid]])) <= budget {
                    best = boundaries[mid]
                    low = mid + 1
                } else {
                    high = mid - 1
                }
            }
            if let best {
                let kept = story[..<best]
                return Fitted(prompt: try render(kept), droppedTurns: dropped,
                              storyCharactersCut: story.count - kept.count, fits: true)
            }
        }
        return Fitted(prompt: try render(""), droppedTurns: dropped, storyCharactersCut: story.count,
                      fits: tokens(try render("")) <= budget)
    }

    /// Ends of sentences: after `.`, `!` or `?` (and any closing quotes) followed by whitespace or the end.
    static func sentenceEnds(_ text: String) -> [String.Index] {
        var ends: [String.Index] = []
        var i = text.startIndex
        while i < text.endIndex {
            if ".!?".contains(text[i]) {
                var j = text.index(after: i)
                while j < text.endIndex, "\"'”’)".contains(text[j]) { j = text.index(after: j) }
                if j == text.endIndex || text[j].isWhitespace { ends.append(j) }
                i = j
            } else {
                i = text.index(after: i)
            }
        }
        return ends
    }

    static func wordEnds(_ text: String) -> [String.Index] {
        var ends: [String.Index] = []
        var i = text.startIndex
        while i < text.endIndex {
            let next = text.index(after: i)
            if !text[i].isWhitespace && (next == text.endIndex || text[next].isWhitespace) { ends.append(next) }
            i = next
        }
        return ends
    }
}
