/// Chat templates peftbench can render. A model file carries its template as Jinja source; rather than embed a
/// Jinja interpreter, the ChatML family (`<|im_start|>role\ncontent<|im_end|>\n`) is recognised from the source and
/// rendered natively. Any other template is refused with a clear error.
public struct ChatTemplate: Sendable, Equatable {
    public struct Message: Sendable, Equatable, Codable {
        public var role: String
        public var content: String
        public init(role: String, content: String) {
            self.role = role
            self.content = content
        }
    }

    public struct Unsupported: Error, CustomStringConvertible {
        public let description: String
    }

    public let source: String
    /// The system message the template inserts when the conversation has none (nil: it inserts none).
    public let defaultSystemPrompt: String?

    /// Recognises the template source or throws.
    public init(source: String) throws {
        self.source = source
        // Spaces between Jinja tokens vary; the newlines inside its string literals are real newline characters.
        let compact = source.filter { $0 != " " }
        let chatML = compact.contains("'<|im_start|>'+message['role']+'\n'+message['content']+'<|im_end|>'+'\n'")
            || compact.contains("'<|im_start|>'+message['role']+'\n'+message['content']+'<|im_end|>\n'")
        guard chatML, compact.contains("{%ifadd_generation_prompt%}{{'<|im_start|>assistant\n'}}{%endif%}") else {
            throw Unsupported(description: "chat template not supported (only the ChatML family can be rendered): \(source.prefix(60).replacingOccurrences(of: "\n", with: " "))…")
        }
        // `{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\n…<|im_end|>\n' }}`
        if compact.contains("messages[0]['role']!='system'"),
           let range = source.range(of: "'<|im_start|>system\n"),
           let close = source[range.upperBound...].range(of: "<|im_end|>") {
            defaultSystemPrompt = String(source[range.upperBound..<close.lowerBound])
        } else {
            defaultSystemPrompt = nil
        }
    }

    public func render(_ messages: [Message], addGenerationPrompt: Bool = true) -> String {
        var out = ""
        if let system = defaultSystemPrompt, messages.first?.role != "system" {
            out += "<|im_start|>system\n\(system)<|im_end|>\n"
        }
        for m in messages { out += "<|im_start|>\(m.role)\n\(m.content)<|im_end|>\n" }
        if addGenerationPrompt { out += "<|im_start|>assistant\n" }
        return out
    }
}
