import Foundation

/// Decoding errors of the JSON and YAML files peftbench reads, as one line a user can act on.
public enum DecodingErrorText {
    /// A decoding error as the path of the bad value (`data[0].answers[3].turn_id`) and what is wrong there.
    public static func describe(_ error: DecodingError, format: String) -> String {
        func path(_ keys: [CodingKey]) -> String {
            var out = ""
            for key in keys {
                if let i = key.intValue { out += "[\(i)]" } else { out += out.isEmpty ? key.stringValue : ".\(key.stringValue)" }
            }
            return out.isEmpty ? "(top level)" : out
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath)): missing field '\(key.stringValue)'"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): null where \(typeName(type)) is expected"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "not valid \(format) (\(JSONErrorText.describe(error)))" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type: return "an integer"
        default: return type is any Collection.Type ? "an array or object" : "\(type)"
        }
    }
}

/// Foundation's JSON errors carry their position in `NSDebugDescription`; that is the useful part.
enum JSONErrorText {
    static func describe(_ error: Error) -> String {
        let ns = error as NSError
        if let debug = ns.userInfo[NSDebugDescriptionErrorKey] as? String { return debug }
        if case DecodingError.dataCorrupted(let context) = error {
            if let underlying = context.underlyingError { return describe(underlying) }
            return context.debugDescription
        }
        return ns.localizedDescription
    }
}
